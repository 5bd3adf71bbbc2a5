import { useState } from "react";
import type { ProfileView } from "../../platform";
import { useT } from "../../i18n";
import { useConsole } from "../../app/console";
import { Badge } from "../../shared/Badge";
import { EmptyState } from "../../shared/EmptyState";
import { Table } from "../../shared/Table";
import { ProfileForm } from "./ProfileForm";

type Selection = { mode: "none" } | { mode: "new" } | { mode: "edit"; view: ProfileView; generation: number };

/** Saved store profiles: what each connects to, edit, test, remove. Secrets live in the OS
 *  keychain and never come back here; the form only knows whether one is stored. */
export function ConnectionsPage() {
  const t = useT();
  const { profiles, refreshProfiles, info, connection } = useConsole();
  const [selection, setSelection] = useState<Selection>({ mode: "none" });
  const [notice, setNotice] = useState<string | null>(null);

  const keyspaceOf = (p: ProfileView) => p.redis?.url ?? (p.embedded ? `${t("profile.kind.embedded")} · ${p.embedded}` : "—");
  // Long targets are cut with an ellipsis in the table; the title keeps the whole value.
  const full = (value: string) => <span title={value}>{value}</span>;
  const selectedName = selection.mode === "edit" ? selection.view.name : null;

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1 className="page-title">{t("nav.connections")}</h1>
          <div className="page-subtitle">{t("conn.subtitle")}</div>
        </div>
        <div className="page-actions">
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => {
              setNotice(null);
              setSelection({ mode: "new" });
            }}
            data-testid="profile-new"
          >
            {t("profile.new")}
          </button>
        </div>
      </header>

      {notice && (
        <div className="banner banner-ok" role="status" data-testid="profile-notice">
          {notice}
        </div>
      )}

      <section className="panel panel-flush">
        <Table<ProfileView>
          caption={t("nav.connections")}
          rows={profiles}
          rowKey={(p) => p.name}
          rowTestId={(p) => `profile-row-${p.name}`}
          selected={(p) => p.name === selectedName}
          onRowClick={(p) => {
            setNotice(null);
            setSelection({ mode: "edit", view: p, generation: Date.now() });
          }}
          empty={
            <EmptyState title={t("conn.empty.title")} testid="profiles-empty">
              {t("conn.empty.body")}
            </EmptyState>
          }
          columns={[
            {
              key: "name",
              header: t("profile.name"),
              cell: (p) => (
                <button type="button" className="link mono" data-testid={`profile-edit-${p.name}`}>
                  {p.name}
                </button>
              ),
            },
            { key: "keyspace", header: t("conn.keyspace"), mono: true, cell: (p) => full(keyspaceOf(p)) },
            {
              key: "audit",
              header: t("conn.audit_index"),
              mono: true,
              cell: (p) => (p.es ? full(p.es.url) : <span className="muted">{t("conn.audit_index.local")}</span>),
            },
            {
              key: "records",
              header: t("conn.records"),
              mono: true,
              cell: (p) => (p.sql ? full(p.sql.url) : <span className="muted">{t("conn.records.none")}</span>),
            },
            {
              key: "flags",
              header: "",
              cell: (p) => (
                <span className="badges">
                  {p.is_default && <Badge tone="info">{t("profile.default")}</Badge>}
                  {connection?.profile === p.name && <Badge tone="ok">{t("profile.connected")}</Badge>}
                  {p.read_only && (
                    <Badge tone="warn" testid={`profile-readonly-${p.name}`}>
                      {t("badge.read_only")}
                    </Badge>
                  )}
                  {(p.redis?.has_password || p.es?.has_secret || p.sql?.has_password) && (
                    <Badge tone="neutral" title={t("secret.stored")}>
                      {t("profile.has_secrets")}
                    </Badge>
                  )}
                </span>
              ),
            },
          ]}
        />
      </section>

      {selection.mode === "none" ? (
        profiles.length > 0 && <p className="muted">{t("conn.pick")}</p>
      ) : (
        <ProfileForm
          key={selection.mode === "new" ? "new" : `${selection.view.name}:${selection.generation}`}
          view={selection.mode === "new" ? null : selection.view}
          takenNames={profiles.map((p) => p.name)}
          dataDir={info.data_dir}
          onCancel={() => setSelection({ mode: "none" })}
          onSaved={(view) => {
            setNotice(t("profile.saved", { name: view.name }));
            setSelection({ mode: "edit", view, generation: Date.now() });
            void refreshProfiles();
          }}
          onRemoved={(name) => {
            setNotice(t("profile.removed", { name }));
            setSelection({ mode: "none" });
            void refreshProfiles();
          }}
        />
      )}
      {connection && <p className="note">{t("conn.applies_on_connect")}</p>}
    </div>
  );
}
