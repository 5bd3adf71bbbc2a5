import type { ConnectionReport, ProbeResult, StorePort } from "../../platform";
import { useT, type MessageKey } from "../../i18n";
import { useFormat } from "../../shared/format";
import { Badge } from "../../shared/Badge";

const PORT_LABEL: Record<StorePort, MessageKey> = {
  keyspace: "conn.keyspace",
  audit_index: "conn.audit_index",
  records: "conn.records",
};

/** What a connection test found, one card per store. */
export function ProbeResults(props: { report: ConnectionReport }) {
  const t = useT();
  return (
    <div className="probe-grid" data-testid="probe-results">
      {props.report.results.length === 0 && <p className="muted">{t("probe.none")}</p>}
      {props.report.results.map((r) => (
        <ProbeCard key={r.port} result={r} />
      ))}
    </div>
  );
}

function ProbeCard({ result: r }: { result: ProbeResult }) {
  const t = useT();
  const f = useFormat();
  const yesNo = (v: boolean | null) =>
    v === null ? <span className="muted">{t("probe.unknown")}</span> : v ? t("probe.yes") : <Badge tone="warn">{t("probe.no")}</Badge>;
  return (
    <section
      className={`probe-card ${r.ok ? "probe-ok" : "probe-failed"}`}
      data-testid={`probe-result-${r.port}`}
      data-ok={String(r.ok)}
    >
      <header className="probe-head">
        <span className="probe-port">{t(PORT_LABEL[r.port])}</span>
        <Badge tone={r.ok ? "ok" : "danger"} testid={`probe-status-${r.port}`} value={r.ok ? "ok" : "failed"}>
          {r.ok ? t("probe.ok") : t("probe.failed")}
        </Badge>
      </header>
      <dl className="kv">
        <dt>{t("probe.backend")}</dt>
        <dd>{r.backend}</dd>
        <dt>{t("probe.target")}</dt>
        <dd className="mono">{r.target}</dd>
        <dt>{t("probe.latency")}</dt>
        <dd className="num">{r.latency_ms === null ? "—" : `${f.number(r.latency_ms)} ms`}</dd>
        <dt>{t("probe.version")}</dt>
        <dd className="mono">{r.server_version ?? "—"}</dd>
        <dt>{t("probe.account")}</dt>
        <dd className="mono">{r.account ?? "—"}</dd>
        <dt>{t("probe.may_read")}</dt>
        <dd>{yesNo(r.may_read)}</dd>
        <dt>{t("probe.may_write")}</dt>
        <dd>{yesNo(r.may_write)}</dd>
      </dl>
      {r.notes.length > 0 && (
        <ul className="probe-notes">
          {r.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      {r.error && (
        <div className="probe-error" role="alert">
          <div>{r.error.message}</div>
          {r.error.incident && (
            <div className="banner-meta">
              {t("error.incident")} <code className="mono">{r.error.incident}</code>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
