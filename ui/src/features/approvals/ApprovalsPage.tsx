// Four-eyes requests (issue 4, item 2): promotions to admin waiting for a second console admin,
// with who asked, when, why and how long the request has left; approve (a plain confirmation:
// the Rust side re-checks the user's role) or refuse (with a reason). The operator who asked
// cannot approve their own request: the button is disabled and says why — the Rust side refuses
// it too, and audits the attempt. History keeps the approved, refused and expired ones.
import { useCallback, useEffect, useRef, useState } from "react";
import { toIpcError, type IpcError } from "../../platform";
import { useT, type MessageKey } from "../../i18n";
import { Badge, type Tone } from "../../shared/Badge";
import { ConfirmDialog } from "../../shared/ConfirmDialog";
import { Countdown } from "../../shared/Countdown";
import { EmptyState } from "../../shared/EmptyState";
import { ErrorBanner } from "../../shared/ErrorBanner";
import { Spinner } from "../../shared/Progress";
import { ReasonDialog } from "../../shared/ReasonDialog";
import { Table } from "../../shared/Table";
import { Time } from "../../shared/Time";
import { ActionError } from "../users/actionError";
import { ROLE_PERMISSIONS, type ServiceRole } from "../users/api";
import type { ApprovalList, ApprovalRequest, ApprovalStatus, ApprovalsApi } from "./api";
import "../users/users.css";
import "./approvals.css";

const REFRESH_MS = 30_000;

export function ApprovalsPage(props: {
  api: ApprovalsApi;
  /** the signed-in operator's e-mail: their own requests cannot be approved by them */
  operator: string;
  /** console_admin on a writable profile */
  canDecide: boolean;
}) {
  const t = useT();
  const [tab, setTab] = useState<"pending" | "history">("pending");
  const [list, setList] = useState<{ data: ApprovalList; readAt: number } | null>(null);
  const [error, setError] = useState<IpcError | null>(null);
  const [loading, setLoading] = useState(true);
  const [pending, setPending] = useState<{ kind: "approve" | "refuse"; req: ApprovalRequest } | null>(null);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<IpcError | null>(null);
  const [done, setDone] = useState<ApprovalRequest | null>(null);
  const inflight = useRef<AbortController | null>(null);

  const load = useCallback(async () => {
    inflight.current?.abort();
    const c = new AbortController();
    inflight.current = c;
    setLoading(true);
    try {
      const data = await props.api.list(c.signal);
      if (c.signal.aborted) return;
      setList({ data, readAt: performance.now() });
      setError(null);
    } catch (e) {
      if (!c.signal.aborted) setError(toIpcError(e));
    } finally {
      if (!c.signal.aborted) setLoading(false);
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

  const decide = async (reason?: string) => {
    if (!pending) return;
    setBusy(true);
    setActionError(null);
    try {
      const r = pending.kind === "approve" ? await props.api.approve(pending.req.id) : await props.api.refuse(pending.req.id, reason ?? "");
      setDone(r);
      setPending(null);
      await load();
    } catch (e) {
      setActionError(toIpcError(e));
    } finally {
      setBusy(false);
    }
  };

  const open = (kind: "approve" | "refuse", req: ApprovalRequest) => {
    setActionError(null);
    setPending({ kind, req });
  };

  const rows = list ? (tab === "pending" ? list.data.pending : list.data.history) : [];
  const who = (r: ApprovalRequest) => r.email ?? r.user_id;

  return (
    <div className="page approvals-page" data-testid="approvals-page">
      <header className="page-header">
        <div>
          <h1 className="page-title">{t("approvals.title")}</h1>
          <div className="page-subtitle">{t("approvals.subtitle")}</div>
        </div>
        <div className="page-actions">
          <button type="button" className="btn btn-small" onClick={() => void load()} disabled={loading} data-testid="approvals-refresh">
            {loading && <Spinner />}
            {t("action.refresh")}
          </button>
        </div>
      </header>

      {done && (
        <div className="banner banner-ok" role="status" data-testid="approvals-done" data-status={done.status}>
          <div className="banner-body">
            <div className="banner-title">
              {done.status === "approved" ? t("approvals.done.approved", { who: who(done), role: done.to_role }) : t("approvals.done.refused", { who: who(done) })}
            </div>
          </div>
          <button type="button" className="btn btn-ghost btn-small" onClick={() => setDone(null)}>
            {t("action.dismiss")}
          </button>
        </div>
      )}
      {error && <ErrorBanner error={error} title={t("approvals.failed")} />}

      <div className="tabs" role="tablist" aria-label={t("approvals.title")}>
        {(["pending", "history"] as const).map((k) => (
          <button
            key={k}
            type="button"
            role="tab"
            aria-selected={tab === k}
            className={tab === k ? "tab active" : "tab"}
            onClick={() => setTab(k)}
            data-testid={`approvals-tab-${k}`}
          >
            {t(`approvals.tab.${k}` as MessageKey)}
            {list && <span className="tab-count">{k === "pending" ? list.data.pending.length : list.data.history.length}</span>}
          </button>
        ))}
      </div>

      {!list && loading ? (
        <div className="loading-block muted">
          <Spinner /> {t("users.loading")}
        </div>
      ) : tab === "pending" ? (
        <Table<ApprovalRequest>
          rows={rows}
          rowKey={(r) => r.id}
          rowTestId={(r) => `approval-${r.id}`}
          empty={<EmptyState title={t("approvals.none")} />}
          caption={t("approvals.tab.pending")}
          columns={[
            { key: "user", header: t("access.user"), cell: (r) => <UserCell r={r} /> },
            {
              // The reason under the change it asks for: one column less, so the page fits a
              // 1280 px window with the actions readable.
              key: "change",
              header: t("approvals.col.change_reason"),
              cell: (r) => (
                <div className="approval-change">
                  <RoleChange from={r.from_role} to={r.to_role} />
                  <span className="approval-reason" title={r.reason}>
                    {r.reason}
                  </span>
                </div>
              ),
            },
            {
              // Who and when in one column: seven columns do not fit a 1280 px window otherwise.
              key: "by",
              header: t("approvals.col.requested"),
              cell: (r) => (
                <div className="approval-requested">
                  <span className={r.requested_by === props.operator ? "self" : undefined} title={r.requested_by}>
                    {r.requested_by}
                  </span>
                  <span className="muted">
                    <Time iso={r.requested_at} />
                  </span>
                </div>
              ),
            },
            {
              key: "left",
              header: t("approvals.col.expires_in"),
              numeric: true,
              cell: (r) => (r.expires_in_seconds !== null && list ? <Countdown ttlSeconds={r.expires_in_seconds} readAt={list.readAt} /> : "—"),
            },
            {
              key: "act",
              header: <span className="sr-only">{t("approvals.col.actions")}</span>,
              cell: (r) => <Decide r={r} self={r.requested_by === props.operator} canDecide={props.canDecide} onDecide={open} />,
            },
          ]}
        />
      ) : (
        <Table<ApprovalRequest>
          rows={rows}
          rowKey={(r) => r.id}
          rowTestId={(r) => `approval-${r.id}`}
          empty={<EmptyState title={t("approvals.history.none")} />}
          caption={t("approvals.tab.history")}
          columns={[
            { key: "user", header: t("access.user"), cell: (r) => <UserCell r={r} /> },
            { key: "change", header: t("approvals.col.change"), cell: (r) => <RoleChange from={r.from_role} to={r.to_role} /> },
            { key: "status", header: t("users.col.status"), cell: (r) => <StatusBadge status={r.status} /> },
            { key: "by", header: t("approvals.col.requested_by"), cell: (r) => r.requested_by },
            { key: "decided", header: t("approvals.col.decided_by"), cell: (r) => r.decided_by ?? "—" },
            { key: "at", header: t("approvals.col.decided_at"), cell: (r) => (r.decided_at ? <Time iso={r.decided_at} /> : <Time iso={r.expires_at} />) },
            {
              key: "why",
              header: t("approvals.col.reason"),
              cell: (r) => (
                <span className="approval-reason" title={r.decision_reason ?? r.reason}>
                  {r.decision_reason ?? r.reason}
                </span>
              ),
            },
          ]}
        />
      )}

      <ConfirmDialog
        open={pending?.kind === "approve"}
        title={t("approvals.approve.title")}
        confirmLabel={t("approvals.approve")}
        onConfirm={() => void decide()}
        onCancel={() => setPending(null)}
        busy={busy}
        error={<ActionError error={actionError} />}
        testid="approve-dialog"
      >
        {pending && (
          <div className="stack-tight">
            <div>{t("approvals.approve.change", { who: who(pending.req), role: pending.req.to_role, by: pending.req.requested_by })}</div>
            <span className="badges">
              {(ROLE_PERMISSIONS[pending.req.to_role as ServiceRole] ?? []).map((p) => (
                <code key={p} className="perm">
                  {p}
                </code>
              ))}
            </span>
            <div className="muted">“{pending.req.reason}”</div>
          </div>
        )}
      </ConfirmDialog>
      <ReasonDialog
        open={pending?.kind === "refuse"}
        title={t("approvals.refuse.title")}
        change={pending ? t("approvals.refuse.change", { who: who(pending.req), role: pending.req.to_role, by: pending.req.requested_by }) : ""}
        confirmLabel={t("approvals.refuse")}
        onConfirm={(reason) => void decide(reason)}
        onCancel={() => setPending(null)}
        busy={busy}
        error={<ActionError error={actionError} />}
        destructive
        testid="refuse-dialog"
      />
    </div>
  );
}

function UserCell({ r }: { r: ApprovalRequest }) {
  return (
    <div className="approval-user">
      <span title={r.email ?? undefined}>{r.email ?? <code className="mono">{r.user_id}</code>}</span>
      {r.username && <span className="muted">{r.username}</span>}
    </div>
  );
}

function RoleChange({ from, to }: { from: string; to: string }) {
  const t = useT();
  return (
    <span className="batch-change">
      <Badge tone="neutral">{from}</Badge>
      <span className="batch-arrow" aria-label={t("batch.becomes")}>
        →
      </span>
      <Badge tone={to === "admin" ? "warn" : "neutral"}>{to}</Badge>
    </span>
  );
}

const STATUS_TONE: Record<ApprovalStatus, Tone> = { pending: "info", approved: "ok", refused: "danger", expired: "neutral" };

function StatusBadge({ status }: { status: ApprovalStatus }) {
  const t = useT();
  return (
    <Badge tone={STATUS_TONE[status]} value={status}>
      {t(`approvals.status.${status}` as MessageKey)}
    </Badge>
  );
}

function Decide(props: {
  r: ApprovalRequest;
  self: boolean;
  canDecide: boolean;
  onDecide: (kind: "approve" | "refuse", r: ApprovalRequest) => void;
}) {
  const t = useT();
  const { r } = props;
  const approveBlocked = props.self || !props.canDecide;
  return (
    <div className="approval-actions">
      <button
        type="button"
        className="btn btn-small btn-primary"
        disabled={approveBlocked}
        title={props.self ? t("approvals.self") : !props.canDecide ? t("approvals.not_admin") : undefined}
        aria-describedby={props.self ? `self-${r.id}` : undefined}
        onClick={() => props.onDecide("approve", r)}
        data-testid="approval-approve"
      >
        {t("approvals.approve")}
      </button>
      <button type="button" className="btn btn-small btn-danger-ghost" disabled={!props.canDecide} onClick={() => props.onDecide("refuse", r)} data-testid="approval-refuse">
        {t("approvals.refuse")}
      </button>
      {props.self && (
        <div className="approval-self note" id={`self-${r.id}`} data-testid="approval-self">
          {t("approvals.self")}
        </div>
      )}
    </div>
  );
}
