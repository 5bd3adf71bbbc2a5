// Account locks, IP blocks, live rate-limit counters and low IP reputations, with time left on
// each. A lock or block opens to the audit events that caused it (the login-failure burst); a
// block says who set it, on evidence. Unlock, unblock and a manual block each take a reason for
// the audit trail. Keys that cannot be read are rows with a warning, never dropped.
import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from "react";
import { MAX_CAUSES } from "../../platform/generated/wire";
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
import type { AccessApi, AccessSnapshot, AccountLockRow, BlockOrigin, CauseEvent, IpBlockRow, RateLimitRow, ReputationRow, UnreadableKey } from "./api";
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
  // Open cause lists, by "lock:{user_id}" / "block:{ip}"; they stay open across refreshes.
  const [open, setOpen] = useState<ReadonlySet<string>>(() => new Set());
  const toggle = (id: string) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
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
  const badCounters = d ? d.rate_limits.filter((r) => r.unreadable !== null).length : 0;
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
          <div className="access-stack">
            <section className="panel panel-flush" aria-labelledby="locks-title">
              <h2 className="panel-title panel-pad" id="locks-title">
                {t("access.locks")} <Badge tone={d.account_locks.length ? "warn" : "neutral"}>{f.number(d.account_locks.length)}</Badge>
              </h2>
              <Table<AccountLockRow>
                rows={d.account_locks}
                rowKey={(r) => r.user_id}
                rowTestId={(r) => `lock-${r.user_id}`}
                empty={<EmptyState title={t("access.locks.none")} />}
                expansion={(r) =>
                  open.has(`lock:${r.user_id}`) ? <Causes id={`lock-causes-${r.user_id}`} causes={r.causes} show="ip" /> : null
                }
                columns={[
                  { key: "user", header: t("access.user"), cell: (r) => r.email ?? <code className="mono">{r.user_id}</code> },
                  { key: "at", header: t("access.locked_at"), cell: (r) => <Until iso={r.until} readable={r.until_readable} /> },
                  {
                    key: "cause",
                    header: t("access.cause"),
                    cell: (r) => <CauseToggle id={`lock-causes-${r.user_id}`} testid={`lock-causes-toggle-${r.user_id}`} causes={r.causes} failures={r.failures} open={open.has(`lock:${r.user_id}`)} onToggle={() => toggle(`lock:${r.user_id}`)} />,
                  },
                  { key: "left", header: t("users.time_left"), numeric: true, cell: (r) => <Left ttl={r.ttl_seconds} readAt={readAt} testid={`lock-left-${r.user_id}`} /> },
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
                expansion={(r) =>
                  open.has(`block:${r.ip}`) ? (
                    <Causes id={`block-causes-${r.ip}`} causes={r.causes} show="account" note={<Until iso={r.until} readable={r.until_readable} label={t("access.blocked_until")} />} />
                  ) : null
                }
                columns={[
                  { key: "ip", header: t("access.ip"), mono: true, cell: (r) => r.ip },
                  { key: "source", header: t("access.source"), cell: (r) => <Origin origin={r.origin} testid={`block-origin-${r.ip}`} /> },
                  {
                    key: "cause",
                    header: t("access.cause"),
                    cell: (r) => <CauseToggle id={`block-causes-${r.ip}`} testid={`block-causes-toggle-${r.ip}`} causes={r.causes} failures={r.failures} open={open.has(`block:${r.ip}`)} onToggle={() => toggle(`block:${r.ip}`)} />,
                  },
                  { key: "left", header: t("users.time_left"), numeric: true, cell: (r) => <Left ttl={r.ttl_seconds} readAt={readAt} testid={`block-left-${r.ip}`} /> },
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
              {badCounters > 0 && (
                <div className="banner banner-warn rl-no-ttl" role="note" data-testid="rl-unreadable" data-value={badCounters}>
                  <div className="banner-body">
                    <div className="banner-title">{t("access.rl_unreadable.title", { count: badCounters })}</div>
                    <div className="banner-message">{t("access.rl_unreadable.body")}</div>
                  </div>
                </div>
              )}
              <Table<RateLimitRow>
                rows={d.rate_limits}
                rowKey={(r) => `${r.endpoint_type}:${r.ip}`}
                rowTestId={(r) => `rl-${r.endpoint_type}-${r.ip}`}
                empty={<EmptyState title={t("access.rate_limits.none")} />}
                expansion={(r) =>
                  r.unreadable === null ? null : (
                    <div className="key-warning" role="note" data-testid={`rl-unreadable-${r.endpoint_type}-${r.ip}`}>
                      <span className="key-warning-mark" aria-hidden="true">
                        ⚠
                      </span>
                      <code className="mono">rate_limit:{r.endpoint_type}:{r.ip}</code>
                      <span className="key-warning-reason">{r.unreadable}</span>
                    </div>
                  )
                }
                columns={[
                  { key: "type", header: t("access.endpoint"), cell: (r) => <code className="mono">{r.endpoint_type}</code> },
                  { key: "ip", header: t("access.ip"), mono: true, cell: (r) => r.ip },
                  {
                    key: "count",
                    header: t("access.count"),
                    numeric: true,
                    cell: (r) =>
                      r.count === null ? (
                        <span className="rl-count">
                          <Badge tone="warn">{t("access.unreadable")}</Badge>
                          <span className="num muted">? / {f.number(r.limit)}</span>
                        </span>
                      ) : (
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
          {d.unreadable_keys.length > 0 && (
            <section className="panel panel-flush" aria-labelledby="unreadable-title" data-testid="unreadable-keys">
              <h2 className="panel-title panel-pad" id="unreadable-title">
                {t("access.unreadable_keys")} <Badge tone="warn">{f.number(d.unreadable_keys.length)}</Badge>
              </h2>
              <div className="panel-pad muted unreadable-note">{t("access.unreadable_keys.note")}</div>
              <Table<UnreadableKey>
                rows={d.unreadable_keys}
                rowKey={(r) => r.key}
                rowTestId={(r) => `unreadable-key-${r.key}`}
                columns={[
                  { key: "key", header: t("access.key"), mono: true, cell: (r) => r.key },
                  { key: "reason", header: t("access.reason"), cell: (r) => r.reason },
                ]}
              />
            </section>
          )}
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

/** Time left, or "no expiry" for a key without TTL (never "0 s"). */
function Left(props: { ttl: number | null; readAt: number; testid: string }) {
  const t = useT();
  if (props.ttl === null) {
    return (
      <span className="num" data-testid={props.testid} data-value="none" title={t("access.no_expiry.title")}>
        {t("time.no_expiry")}
      </span>
    );
  }
  return <Countdown ttlSeconds={props.ttl} readAt={props.readAt} testid={props.testid} />;
}

/** The stored end time; a value that does not parse is shown raw and flagged. */
function Until(props: { iso: string; readable: boolean; label?: string }) {
  const t = useT();
  return (
    <span className="until">
      {props.label && <span className="muted">{props.label} </span>}
      {props.readable ? (
        <Time iso={props.iso} />
      ) : (
        <>
          <code className="mono">{props.iso}</code> <Badge tone="warn" title={t("access.until.unreadable.title")}>{t("access.unreadable")}</Badge>
        </>
      )}
    </span>
  );
}

const ORIGIN_TONE = { console: "info", service: "neutral", unknown: "warn" } as const;

function Origin(props: { origin: BlockOrigin | null; testid: string }) {
  const t = useT();
  if (props.origin === null) {
    return (
      <span className="muted" title={t("access.origin.unjudged.title")} data-testid={props.testid} data-value="none">
        —
      </span>
    );
  }
  return (
    <Badge tone={ORIGIN_TONE[props.origin]} title={t(`access.origin.${props.origin}.title`)} testid={props.testid} value={props.origin}>
      {t(`access.origin.${props.origin}`)}
    </Badge>
  );
}

/** The cause column: how many failures (or events) are behind the row, opening the list. */
function CauseToggle(props: { id: string; testid: string; causes: CauseEvent[]; failures: number | null; open: boolean; onToggle: () => void }) {
  const t = useT();
  const n = props.causes.length;
  const label =
    props.failures !== null
      ? t("access.cause.failures", { count: props.failures })
      : n > 0
        ? t("access.cause.events", { count: n })
        : t("access.cause.none_short");
  return (
    <button
      type="button"
      className="btn btn-ghost btn-small cause-toggle"
      aria-expanded={props.open}
      aria-controls={props.open ? props.id : undefined}
      onClick={props.onToggle}
      data-testid={props.testid}
      data-value={n}
    >
      <span className={props.open ? "chevron chevron-open" : "chevron"} aria-hidden="true">
        ▸
      </span>
      {label}
    </button>
  );
}

/** What one causing event was, in words: a failed sign-in, the service's lockout, or its type. */
function causeLabel(t: ReturnType<typeof useT>, c: CauseEvent): ReactNode {
  if (c.event_type === "user_login" && c.result === "failure") return <Badge tone="danger">{t("access.cause.login_failure")}</Badge>;
  if (c.event_type === "security_violation" && c.action === "account_locked") {
    return <Badge tone="warn">{c.failures === null ? t("access.cause.lockout") : t("access.cause.lockout_n", { count: c.failures })}</Badge>;
  }
  return (
    <code className="mono">
      {c.event_type} · {c.action} · {c.result}
    </code>
  );
}

/** The audit events behind a lock (`show="ip"`: where each came from) or a block
 *  (`show="account"`: which account each tried). */
function Causes(props: { id: string; causes: CauseEvent[]; show: "ip" | "account"; note?: ReactNode }) {
  const t = useT();
  const n = props.causes.length;
  return (
    <div className="causes" id={props.id} data-testid={props.id} data-value={n}>
      <div className="causes-head">
        <span className="causes-title">{t("access.causes.title")}</span>
        {props.note}
        {n >= MAX_CAUSES && <span className="muted">{t("access.causes.newest", { count: MAX_CAUSES })}</span>}
      </div>
      {n === 0 ? (
        <div className="muted causes-none">{t("access.causes.none")}</div>
      ) : (
        <table className="table table-compact causes-table">
          <thead>
            <tr>
              <th scope="col">{t("access.causes.when")}</th>
              <th scope="col">{t("access.causes.what")}</th>
              <th scope="col">{props.show === "ip" ? t("access.ip") : t("access.causes.account")}</th>
              <th scope="col">{props.show === "ip" ? t("access.causes.account") : t("access.ip")}</th>
              <th scope="col">{t("access.causes.user_agent")}</th>
            </tr>
          </thead>
          <tbody>
            {props.causes.map((c) => {
              const account = c.email ?? (c.user_id ? <code className="mono">{c.user_id}</code> : <span className="muted">—</span>);
              const ip = <code className="mono">{c.ip_address || "—"}</code>;
              return (
                <tr key={c.event_id} data-testid={`cause-${c.event_id}`}>
                  <td>
                    <Time iso={c.timestamp} />
                  </td>
                  <td>{causeLabel(t, c)}</td>
                  <td>{props.show === "ip" ? ip : account}</td>
                  <td>{props.show === "ip" ? account : ip}</td>
                  <td className="causes-ua" title={c.user_agent ?? undefined}>
                    {c.user_agent ?? <span className="muted">—</span>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** IPv4 dotted quad or an IPv6 literal; the Rust side parses it properly, this only spares a
 *  round trip for a typo. */
export function isIp(s: string): boolean {
  if (/^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(s)) return true;
  return s.includes(":") && /^[0-9a-fA-F:.]+$/.test(s) && s.length <= 45;
}
