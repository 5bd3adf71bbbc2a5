// Account locks, IP blocks, live rate-limit counters and low IP reputations, with time left on
// each. Unlock, unblock and a manual block each take a reason for the audit trail.
import { useCallback, useEffect, useId, useRef, useState } from "react";
import { toIpcError, type IpcError } from "../../platform";
import { useT } from "../../i18n";
import { Badge } from "../../shared/Badge";
import { Countdown } from "../../shared/Countdown";
import { EmptyState } from "../../shared/EmptyState";
import { ErrorBanner } from "../../shared/ErrorBanner";
import { useFormat } from "../../shared/format";
import { ProgressBar, Spinner } from "../../shared/Progress";
import { ReasonDialog } from "../../shared/ReasonDialog";
import { Table } from "../../shared/Table";
import { Time } from "../../shared/Time";
import type { AccessApi, AccessSnapshot, AccountLockRow, IpBlockRow, RateLimitRow, ReputationRow } from "./api";
import "../users/users.css";
import "./access.css";

const REFRESH_MS = 15_000;
const BLOCK_MINUTES = [15, 30, 60, 240, 1440] as const;

type Pending =
  | { kind: "unlock"; row: AccountLockRow }
  | { kind: "unblock"; row: IpBlockRow }
  | { kind: "block" };

export function LocksPage(props: { api: AccessApi; canWrite?: boolean }) {
  const t = useT();
  const f = useFormat();
  const [snap, setSnap] = useState<{ data: AccessSnapshot; readAt: number } | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<IpcError | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<IpcError | null>(null);
  const [blockIp, setBlockIp] = useState("");
  const [blockMinutes, setBlockMinutes] = useState<number>(60);
  const inflight = useRef<AbortController | null>(null);
  const canWrite = props.canWrite ?? false;
  const ipId = useId();
  const durId = useId();

  const load = useCallback(async () => {
    inflight.current?.abort();
    const controller = new AbortController();
    inflight.current = controller;
    setLoading(true);
    try {
      const data = await props.api.snapshot(controller.signal);
      if (controller.signal.aborted) return;
      setSnap({ data, readAt: performance.now() });
      setError(null);
    } catch (e) {
      if (!controller.signal.aborted) setError(toIpcError(e));
    } finally {
      if (!controller.signal.aborted) setLoading(false);
    }
  }, [props.api]);

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => {
      clearInterval(timer);
      inflight.current?.abort();
    };
  }, [load]);

  const confirm = async (reason: string) => {
    if (!pending) return;
    setBusy(true);
    setActionError(null);
    try {
      if (pending.kind === "unlock") await props.api.unlock(pending.row.user_id, reason);
      else if (pending.kind === "unblock") await props.api.unblock(pending.row.ip, reason);
      else await props.api.block(blockIp.trim(), blockMinutes, reason);
      setPending(null);
      await load();
    } catch (e) {
      setActionError(toIpcError(e));
    } finally {
      setBusy(false);
    }
  };

  const d = snap?.data;
  const readAt = snap?.readAt ?? 0;
  const noTtl = d ? d.rate_limits.filter((r) => r.ttl_seconds === null).length : 0;
  const ipValid = isIp(blockIp.trim());
  return (
    <div className="page" data-testid="locks-page" aria-busy={loading}>
      <header className="page-header">
        <div>
          <h1 className="page-title">{t("access.title")}</h1>
          <div className="page-subtitle">{t("access.subtitle")}</div>
        </div>
        <div className="page-actions">
          {canWrite && (
            <button type="button" className="btn" onClick={() => { setBlockIp(""); setActionError(null); setPending({ kind: "block" }); }} data-testid="access-block-ip">
              {t("access.block_ip")}
            </button>
          )}
          <button type="button" className="btn" onClick={() => void load()} disabled={loading} data-testid="access-refresh">
            {loading && <Spinner />}
            {loading ? t("action.refreshing") : t("action.refresh")}
          </button>
        </div>
      </header>
      {error && <ErrorBanner error={error} title={t("access.failed")} onDismiss={() => setError(null)} />}
      {!d && loading && (
        <div className="loading-block muted">
          <Spinner /> {t("users.loading")}
        </div>
      )}
      {d && (
        <>
          <div className="grid-2 access-grid">
            <section className="panel panel-flush" aria-labelledby="locks-title">
              <h2 className="panel-title panel-pad" id="locks-title">
                {t("access.locks")} <Badge tone={d.account_locks.length ? "warn" : "neutral"}>{f.number(d.account_locks.length)}</Badge>
              </h2>
              <Table<AccountLockRow>
                rows={d.account_locks}
                rowKey={(r) => r.user_id}
                rowTestId={(r) => `lock-${r.user_id}`}
                empty={<EmptyState title={t("access.locks.none")} />}
                columns={[
                  { key: "user", header: t("access.user"), cell: (r) => r.email ?? <code className="mono">{r.user_id}</code> },
                  { key: "at", header: t("access.locked_at"), cell: (r) => <Time iso={r.locked_at} /> },
                  { key: "failures", header: t("access.failures"), numeric: true, cell: (r) => (r.failures === null ? "—" : f.number(r.failures)) },
                  { key: "left", header: t("users.time_left"), numeric: true, cell: (r) => <Countdown ttlSeconds={r.ttl_seconds} readAt={readAt} testid={`lock-left-${r.user_id}`} /> },
                  ...(canWrite
                    ? [{ key: "act", header: "", cell: (r: AccountLockRow) => (
                        <button type="button" className="btn btn-small" onClick={() => { setActionError(null); setPending({ kind: "unlock", row: r }); }} data-testid={`unlock-${r.user_id}`}>
                          {t("access.unlock")}
                        </button>
                      ) }]
                    : []),
                ]}
              />
            </section>
            <section className="panel panel-flush" aria-labelledby="blocks-title">
              <h2 className="panel-title panel-pad" id="blocks-title">
                {t("access.blocks")} <Badge tone={d.ip_blocks.length ? "warn" : "neutral"}>{f.number(d.ip_blocks.length)}</Badge>
              </h2>
              <Table<IpBlockRow>
                rows={d.ip_blocks}
                rowKey={(r) => r.ip}
                rowTestId={(r) => `block-${r.ip}`}
                empty={<EmptyState title={t("access.blocks.none")} />}
                columns={[
                  { key: "ip", header: t("access.ip"), mono: true, cell: (r) => r.ip },
                  { key: "source", header: t("access.source"), cell: (r) => <Badge tone={r.manual ? "info" : "neutral"}>{r.manual ? t("access.source.manual") : t("access.source.service")}</Badge> },
                  { key: "left", header: t("users.time_left"), numeric: true, cell: (r) => <Countdown ttlSeconds={r.ttl_seconds} readAt={readAt} /> },
                  ...(canWrite
                    ? [{ key: "act", header: "", cell: (r: IpBlockRow) => (
                        <button type="button" className="btn btn-small" onClick={() => { setActionError(null); setPending({ kind: "unblock", row: r }); }} data-testid={`unblock-${r.ip}`}>
                          {t("access.unblock")}
                        </button>
                      ) }]
                    : []),
                ]}
              />
            </section>
          </div>
          <div className="grid-2 access-grid">
            <section className="panel panel-flush" aria-labelledby="rl-title">
              <h2 className="panel-title panel-pad" id="rl-title">
                {t("access.rate_limits")}
              </h2>
              {noTtl > 0 && (
                <div className="banner banner-warn rl-no-ttl" role="note" data-testid="rl-no-ttl" data-value={noTtl}>
                  <div className="banner-body">
                    <div className="banner-title">{t("access.no_ttl.title", { count: f.number(noTtl) })}</div>
                    <div className="banner-message">{t("access.no_ttl.body")}</div>
                  </div>
                </div>
              )}
              <Table<RateLimitRow>
                rows={d.rate_limits}
                rowKey={(r) => `${r.endpoint_type}:${r.ip}`}
                empty={<EmptyState title={t("access.rate_limits.none")} />}
                columns={[
                  { key: "type", header: t("access.endpoint"), cell: (r) => <code className="mono">{r.endpoint_type}</code> },
                  { key: "ip", header: t("access.ip"), mono: true, cell: (r) => r.ip },
                  {
                    key: "count",
                    header: t("access.count"),
                    numeric: true,
                    cell: (r) => (
                      <span className="rl-count">
                        <ProgressBar value={r.count / Math.max(1, r.limit)} label={t("access.count")} />
                        <span className={r.count >= r.limit ? "batch-fail num" : "num"}>
                          {f.number(r.count)} / {f.number(r.limit)}
                        </span>
                      </span>
                    ),
                  },
                  {
                    key: "left",
                    header: t("access.window_left"),
                    numeric: true,
                    cell: (r) =>
                      r.ttl_seconds === null ? (
                        <span className="rl-never" data-testid={`rl-left-${r.endpoint_type}-${r.ip}`} data-value="none" title={t("access.no_ttl.cell")}>
                          {t("time.no_expiry")} <Badge tone="warn">{t("access.no_ttl.badge")}</Badge>
                        </span>
                      ) : (
                        <Countdown ttlSeconds={r.ttl_seconds} readAt={readAt} testid={`rl-left-${r.endpoint_type}-${r.ip}`} />
                      ),
                  },
                ]}
              />
            </section>
            <section className="panel panel-flush" aria-labelledby="rep-title">
              <h2 className="panel-title panel-pad" id="rep-title">
                {t("access.reputations")}
              </h2>
              <Table<ReputationRow>
                rows={d.low_reputations}
                rowKey={(r) => r.ip}
                empty={<EmptyState title={t("access.reputations.none")} />}
                columns={[
                  { key: "ip", header: t("access.ip"), mono: true, cell: (r) => r.ip },
                  {
                    key: "score",
                    header: t("access.score"),
                    numeric: true,
                    cell: (r) => (
                      <span title={r.score === 0 ? t("access.score.zero") : undefined}>
                        {r.score.toFixed(2)} {r.score === 0 && <Badge tone="danger">{t("access.score.zero_badge")}</Badge>}
                      </span>
                    ),
                  },
                  { key: "left", header: t("users.time_left"), numeric: true, cell: (r) => <Countdown ttlSeconds={r.ttl_seconds} readAt={readAt} /> },
                ]}
              />
            </section>
          </div>
        </>
      )}
      <ReasonDialog
        open={pending !== null}
        testid="access-reason"
        title={
          pending?.kind === "unlock"
            ? t("access.unlock.title")
            : pending?.kind === "unblock"
              ? t("access.unblock.title")
              : t("access.block.title")
        }
        change={
          pending?.kind === "unlock"
            ? t("access.unlock.change", { user: pending.row.email ?? pending.row.user_id })
            : pending?.kind === "unblock"
              ? t("access.unblock.change", { ip: pending.row.ip })
              : t("access.block.change", { ip: blockIp.trim() || "…", minutes: blockMinutes })
        }
        confirmLabel={pending?.kind === "unlock" ? t("access.unlock") : pending?.kind === "unblock" ? t("access.unblock") : t("access.block_ip")}
        destructive={pending?.kind === "block"}
        busy={busy}
        onCancel={() => setPending(null)}
        onConfirm={(reason) => {
          if (pending?.kind === "block" && !ipValid) return;
          void confirm(reason);
        }}
        error={actionError && <ErrorBanner error={actionError} title={t("access.action_failed")} />}
      >
        {pending?.kind === "block" && (
          <div className="form-grid">
            <div className="field">
              <label className="field-label" htmlFor={ipId}>
                {t("access.ip")}
              </label>
              <input id={ipId} className="input mono" value={blockIp} onChange={(e) => setBlockIp(e.target.value)} aria-invalid={blockIp !== "" && !ipValid} data-testid="block-ip" />
              {blockIp !== "" && !ipValid && <div className="field-error">{t("access.ip.invalid")}</div>}
            </div>
            <div className="field">
              <label className="field-label" htmlFor={durId}>
                {t("access.duration")}
              </label>
              <select id={durId} className="input" value={blockMinutes} onChange={(e) => setBlockMinutes(Number(e.target.value))} data-testid="block-minutes">
                {BLOCK_MINUTES.map((m) => (
                  <option key={m} value={m}>
                    {t("access.minutes", { minutes: f.number(m) })}
                  </option>
                ))}
              </select>
            </div>
          </div>
        )}
      </ReasonDialog>
    </div>
  );
}

/** IPv4 dotted quad or an IPv6 literal; the Rust side parses it properly, this only spares a
 *  round trip for a typo. */
export function isIp(s: string): boolean {
  if (/^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(s)) return true;
  return s.includes(":") && /^[0-9a-fA-F:.]+$/.test(s) && s.length <= 45;
}
