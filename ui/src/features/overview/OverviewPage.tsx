import { useCallback, useEffect, useRef, useState } from "react";
import { overview, toIpcError, type IpcError, type Overview, type PurposeKeys, type RoleCount } from "../../platform";
import { useT, type MessageKey } from "../../i18n";
import { useConsole } from "../../app/console";
import { ratio, useFormat } from "../../shared/format";
import { Badge } from "../../shared/Badge";
import { EmptyState } from "../../shared/EmptyState";
import { ErrorBanner } from "../../shared/ErrorBanner";
import { ProgressBar, Spinner } from "../../shared/Progress";
import { Stat } from "../../shared/Stat";
import { Table, type Column } from "../../shared/Table";
import { Time } from "../../shared/Time";

const PARTS: Record<string, MessageKey> = {
  users: "ov.part.users",
  mfa: "ov.part.mfa",
  keys: "ov.part.keys",
  events: "ov.part.events",
  locks: "ov.part.locks",
  trail: "ov.part.trail",
};

export function OverviewPage() {
  const t = useT();
  const { handleAuthError } = useConsole();
  const [data, setData] = useState<Overview | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<IpcError | null>(null);
  const alive = useRef(true);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const next = await overview();
      if (!alive.current) return;
      setData(next);
      setError(null);
    } catch (e) {
      const err = toIpcError(e);
      if (!alive.current || handleAuthError(err)) return;
      setError(err); // the last figures stay on screen under the banner
    } finally {
      if (alive.current) setLoading(false);
    }
  }, [handleAuthError]);

  useEffect(() => {
    alive.current = true;
    void load();
    return () => {
      alive.current = false;
    };
  }, [load]);

  return (
    <div className="page" aria-busy={loading}>
      <header className="page-header">
        <div>
          <h1 className="page-title">{t("nav.overview")}</h1>
          <div className="page-subtitle">
            {data ? (
              <>
                {t("ov.generated_at")} <Time iso={data.generated_at} testid="overview-generated-at" withOffset />
              </>
            ) : (
              t("ov.subtitle")
            )}
          </div>
        </div>
        <div className="page-actions">
          <button type="button" className="btn" onClick={() => void load()} disabled={loading} data-testid="overview-refresh">
            {loading && <Spinner />}
            {loading ? t("action.refreshing") : t("action.refresh")}
          </button>
        </div>
      </header>
      <div className="page-progress">{loading && <ProgressBar label={t("action.refreshing")} />}</div>

      {error && <ErrorBanner error={error} title={t("ov.failed")} onDismiss={() => setError(null)} />}

      {data ? (
        <OverviewBody data={data} />
      ) : (
        !loading &&
        !error && <EmptyState title={t("ov.empty.title")}>{t("ov.empty.body")}</EmptyState>
      )}
      {!data && loading && (
        <div className="loading-block muted">
          <Spinner /> {t("ov.loading")}
        </div>
      )}
    </div>
  );
}

function OverviewBody({ data }: { data: Overview }) {
  const t = useT();
  const f = useFormat();
  const coverage = ratio(data.mfa_enabled, data.users_total);
  const trail = data.trail;
  return (
    <>
      {data.errors.length > 0 && (
        <div className="stack" data-testid="overview-part-errors">
          {data.errors.map((part) => (
            <ErrorBanner
              key={part.part}
              tone="warn"
              error={part.error}
              title={t("ov.part_failed", { part: PARTS[part.part] ? t(PARTS[part.part] as MessageKey) : part.part })}
            />
          ))}
        </div>
      )}

      <section className="stats" aria-label={t("ov.section.figures")}>
        <Stat label={t("ov.users_total")} testid="ov-users-total" value={data.users_total}>
          {f.number(data.users_total)}
        </Stat>
        <Stat
          label={t("ov.users_unreadable")}
          testid="ov-users-unreadable"
          value={data.users_unreadable}
          tone={data.users_unreadable > 0 ? "warn" : "neutral"}
          hint={data.users_unreadable > 0 ? t("ov.users_unreadable.hint") : undefined}
        >
          {f.number(data.users_unreadable)}
        </Stat>
        <Stat
          label={t("ov.mfa_enabled")}
          testid="ov-mfa-enabled"
          value={data.mfa_enabled}
          hint={t("ov.mfa_coverage", { percent: f.percent(coverage) })}
        >
          {f.number(data.mfa_enabled)}
        </Stat>
        <Stat
          label={t("ov.admins_without_mfa")}
          testid="ov-admins-without-mfa"
          value={data.admins_without_mfa}
          tone={data.admins_without_mfa > 0 ? "danger" : "ok"}
          hint={data.admins_without_mfa > 0 ? t("ov.admins_without_mfa.bad") : t("ov.admins_without_mfa.ok")}
        >
          {f.number(data.admins_without_mfa)}
        </Stat>
        <Stat
          label={t("ov.events_24h")}
          testid="ov-events-24h"
          value={data.events_24h}
          tone={data.events_24h === null ? "warn" : "neutral"}
          hint={data.events_24h === null ? t("ov.events_24h.unavailable.hint") : undefined}
        >
          {data.events_24h === null ? (
            <span className="stat-unavailable" data-testid="ov-events-unavailable">
              {t("ov.events_24h.unavailable")}
            </span>
          ) : (
            f.number(data.events_24h)
          )}
        </Stat>
        <Stat
          label={t("ov.account_locks")}
          testid="ov-account-locks"
          value={data.account_locks}
          tone={data.account_locks > 0 ? "warn" : "neutral"}
        >
          {f.number(data.account_locks)}
        </Stat>
        <Stat
          label={t("ov.ip_blocks")}
          testid="ov-ip-blocks"
          value={data.ip_blocks}
          tone={data.ip_blocks > 0 ? "warn" : "neutral"}
        >
          {f.number(data.ip_blocks)}
        </Stat>
        <Stat
          label={t("ov.trail")}
          testid="ov-trail-status"
          value={trail ? (trail.ok ? "ok" : "broken") : "unavailable"}
          tone={trail ? (trail.ok ? "ok" : "danger") : "warn"}
          hint={
            trail
              ? trail.ok
                ? t("ov.trail.ok.hint", { entries: trail.entries })
                : t("ov.trail.broken.hint", { entry: trail.first_broken === null ? "?" : f.number(trail.first_broken) })
              : t("ov.trail.unavailable.hint")
          }
        >
          {trail ? (trail.ok ? t("ov.trail.ok") : t("ov.trail.broken")) : t("ov.trail.unavailable")}
        </Stat>
      </section>

      {trail && !trail.ok && (
        <div className="banner banner-danger" role="alert" data-testid="trail-broken">
          <div className="banner-body">
            <div className="banner-title">
              {t("ov.trail.broken.title", {
                entry: trail.first_broken === null ? "?" : f.number(trail.first_broken),
                entries: f.number(trail.entries),
              })}
            </div>
            <div className="banner-message">{trail.message}</div>
            <div className="banner-meta">{t("ov.trail.broken.todo")}</div>
          </div>
        </div>
      )}

      <div className="grid-2">
        <section className="panel">
          <h2 className="panel-title">{t("ov.by_role.title")}</h2>
          <Table<RoleCount>
            caption={t("ov.by_role.title")}
            rows={data.users_by_role}
            rowKey={(r) => r.role}
            empty={<EmptyState title={t("ov.by_role.empty")} />}
            columns={[
              { key: "role", header: t("ov.col.role"), cell: (r) => <code className="mono">{r.role}</code> },
              {
                key: "users",
                header: t("ov.col.users"),
                numeric: true,
                cell: (r) => (
                  <span data-testid={`ov-role-${r.role}`} data-value={r.users}>
                    {f.number(r.users)}
                  </span>
                ),
              },
              { key: "active", header: t("ov.col.active"), numeric: true, cell: (r) => f.number(r.active) },
              { key: "mfa", header: t("ov.col.mfa"), numeric: true, cell: (r) => f.number(r.mfa_enabled) },
              {
                key: "coverage",
                header: t("ov.col.coverage"),
                numeric: true,
                cell: (r) => <Coverage value={ratio(r.mfa_enabled, r.users)} />,
              },
            ] satisfies Column<RoleCount>[]}
          />
        </section>
        <section className="panel">
          <h2 className="panel-title">{t("ov.keys.title")}</h2>
          <Table<PurposeKeys>
            caption={t("ov.keys.title")}
            rows={data.keys_by_purpose}
            rowKey={(k) => k.purpose}
            empty={<EmptyState title={t("ov.keys.empty.title")}>{t("ov.keys.empty.body")}</EmptyState>}
            columns={[
              { key: "purpose", header: t("ov.col.purpose"), cell: (k) => <code className="mono">{k.purpose}</code> },
              {
                key: "active",
                header: t("ov.col.active_keys"),
                numeric: true,
                cell: (k) => (
                  <span data-testid={`ov-key-${k.purpose}`} data-value={k.active}>
                    {k.active === 0 ? <Badge tone="danger">{f.number(0)}</Badge> : f.number(k.active)}
                  </span>
                ),
              },
              { key: "total", header: t("ov.col.total_keys"), numeric: true, cell: (k) => f.number(k.total) },
            ] satisfies Column<PurposeKeys>[]}
          />
        </section>
      </div>
    </>
  );
}

function Coverage({ value }: { value: number | null }) {
  const f = useFormat();
  const tone = value === null ? "neutral" : value >= 0.95 ? "ok" : value >= 0.7 ? "warn" : "danger";
  return (
    <span className={`coverage coverage-${tone}`}>
      <span className="coverage-bar" aria-hidden="true">
        <span className="coverage-fill" style={{ width: `${(value ?? 0) * 100}%` }} />
      </span>
      {f.percent(value)}
    </span>
  );
}
