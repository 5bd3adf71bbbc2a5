// MFA across the store (issue 4, item 4): coverage by role (enabled / total with a bar) and the
// admin accounts without working MFA, each with "enrol" — the riskiest gap first. Enrolment,
// new backup codes and reset for any other user start from the user's detail (MfaFlow).
import { useCallback, useEffect, useRef, useState } from "react";
import { toIpcError, type IpcError } from "../../platform";
import { useT } from "../../i18n";
import { Badge } from "../../shared/Badge";
import { EmptyState } from "../../shared/EmptyState";
import { ErrorBanner } from "../../shared/ErrorBanner";
import { ratio, useFormat } from "../../shared/format";
import { Meter } from "../../shared/Meter";
import { Spinner } from "../../shared/Progress";
import type { CopyText } from "../../shared/SecretText";
import { Table } from "../../shared/Table";
import { RoleBadge } from "../users/UsersPage";
import type { AdminGap, MfaApi, MfaCoverage, RoleCoverage } from "./api";
import { MfaFlow, type MfaSubject } from "./MfaFlow";
import "../users/users.css";
import "./mfa.css";

export function MfaPage(props: { api: MfaApi; canWrite?: boolean; copy?: CopyText; print?: () => void }) {
  const t = useT();
  const f = useFormat();
  const [data, setData] = useState<MfaCoverage | null>(null);
  const [error, setError] = useState<IpcError | null>(null);
  const [loading, setLoading] = useState(true);
  const [enrolling, setEnrolling] = useState<MfaSubject | null>(null);
  const inflight = useRef<AbortController | null>(null);
  const canWrite = props.canWrite ?? false;

  const load = useCallback(async () => {
    inflight.current?.abort();
    const c = new AbortController();
    inflight.current = c;
    setLoading(true);
    try {
      const d = await props.api.coverage(c.signal);
      if (c.signal.aborted) return;
      setData(d);
      setError(null);
    } catch (e) {
      if (!c.signal.aborted) setError(toIpcError(e));
    } finally {
      if (!c.signal.aborted) setLoading(false);
    }
  }, [props.api]);

  useEffect(() => {
    void load();
    return () => inflight.current?.abort();
  }, [load]);

  const all = data?.roles.reduce((a, r) => ({ total: a.total + r.total, enabled: a.enabled + r.enabled }), { total: 0, enabled: 0 });

  return (
    <div className="page mfa-page" data-testid="mfa-page">
      <header className="page-header">
        <div>
          <h1 className="page-title">{t("nav.mfa")}</h1>
          <div className="page-subtitle">
            {all ? t("mfa.page.subtitle", { enabled: f.number(all.enabled), total: all.total, percent: f.percent(ratio(all.enabled, all.total)) }) : t("mfa.page.loading")}
          </div>
        </div>
        <div className="page-actions">
          <button type="button" className="btn btn-small" onClick={() => void load()} disabled={loading} data-testid="mfa-refresh">
            {loading && <Spinner />}
            {t("action.refresh")}
          </button>
        </div>
      </header>
      {error && <ErrorBanner error={error} title={t("mfa.page.failed")} />}
      {data && (
        <div className="mfa-grid">
          <section className="panel" aria-labelledby="mfa-coverage-title">
            <h2 className="panel-title" id="mfa-coverage-title">
              {t("mfa.coverage")}
            </h2>
            <Table<RoleCoverage>
              rows={data.roles}
              rowKey={(r) => r.role}
              rowTestId={(r) => `coverage-${r.role}`}
              caption={t("mfa.coverage")}
              columns={[
                { key: "role", header: t("users.col.role"), cell: (r) => <RoleBadge role={r.role} /> },
                { key: "count", header: t("mfa.col.enabled"), numeric: true, cell: (r) => `${f.number(r.enabled)} / ${f.number(r.total)}` },
                {
                  key: "bar",
                  header: t("mfa.col.coverage"),
                  cell: (r) => {
                    const v = ratio(r.enabled, r.total);
                    // An admin without MFA is the gap that matters: anything short of all is red.
                    const tone = v === null ? "neutral" : r.role === "admin" ? (v >= 1 ? "ok" : "danger") : v >= 0.7 ? "ok" : v >= 0.3 ? "warn" : "danger";
                    return <Meter value={v} tone={tone} label={f.percent(v)} wide />;
                  },
                },
              ]}
            />
            {data.unreadable > 0 && <div className="note">{t("mfa.unreadable", { count: data.unreadable })}</div>}
          </section>
          <section className="panel" aria-labelledby="mfa-gaps-title" data-testid="mfa-gaps">
            <h2 className="panel-title" id="mfa-gaps-title">
              {t("mfa.gaps")} <Badge tone={data.admins_without_mfa.length ? "danger" : "ok"} value={String(data.admins_without_mfa.length)}>{f.number(data.admins_without_mfa.length)}</Badge>
            </h2>
            <Table<AdminGap>
              rows={data.admins_without_mfa}
              rowKey={(r) => r.user_id}
              rowTestId={(r) => `gap-${r.user_id}`}
              empty={<EmptyState title={t("mfa.gaps.none")} />}
              caption={t("mfa.gaps")}
              columns={[
                {
                  key: "user",
                  header: t("access.user"),
                  cell: (r) => (
                    <div className="approval-user">
                      <span>{r.email}</span>
                      <span className="muted">{r.username}</span>
                    </div>
                  ),
                },
                {
                  key: "status",
                  header: t("users.col.status"),
                  cell: (r) => <span className={r.is_active ? "status-dot status-ok" : "status-dot status-off"}>{r.is_active ? t("users.active") : t("users.inactive")}</span>,
                },
                { key: "why", header: t("mfa.col.why"), cell: (r) => <GapReason reason={r.reason} /> },
                {
                  key: "act",
                  header: <span className="sr-only">{t("approvals.col.actions")}</span>,
                  cell: (r) =>
                    canWrite ? (
                      <button type="button" className="btn btn-small btn-primary" onClick={() => setEnrolling({ id: r.user_id, email: r.email })} data-testid="gap-enroll">
                        {t("users.act.enroll_mfa")}
                      </button>
                    ) : null,
                },
              ]}
            />
          </section>
        </div>
      )}
      {enrolling && (
        <MfaFlow api={props.api} user={enrolling} action="enroll" onChanged={() => void load()} onClose={() => setEnrolling(null)} copy={props.copy} print={props.print} />
      )}
    </div>
  );
}

function GapReason({ reason }: { reason: string }) {
  const t = useT();
  if (reason === "mfa_off") return <Badge tone="danger">{t("mfa.gap.off")}</Badge>;
  if (reason === "flag_on_but_no_record") return <Badge tone="warn" title={t("mfa.gap.no_record.title")}>{t("mfa.gap.no_record")}</Badge>;
  return (
    <span className="muted" title={reason}>
      {t("mfa.gap.unreadable")}
    </span>
  );
}
