// Console operators: every grant of Rampart's role registry with the account it names, who
// granted it and when, and whether that account can sign in now (the sign-in checks, computed in
// Rust). Everyone signed in reads it; a console admin on a writable profile grants (or changes)
// and revokes roles, each through a dialog that says what changes. Other roles see no row actions
// and a disabled grant button with the reason; the Rust side refuses them anyway (audited), and
// a refusal it sends is shown in the dialog by its code.
import { useCallback, useEffect, useRef, useState } from "react";
import { toIpcError, type IpcError } from "../../platform";
import { useT, type MessageKey } from "../../i18n";
import { Badge } from "../../shared/Badge";
import { ConfirmDialog } from "../../shared/ConfirmDialog";
import { EmptyState } from "../../shared/EmptyState";
import { ErrorBanner } from "../../shared/ErrorBanner";
import { Spinner } from "../../shared/Progress";
import { roleKey } from "../../shared/roles";
import { Stat } from "../../shared/Stat";
import { Table } from "../../shared/Table";
import { Time } from "../../shared/Time";
import { ActionError } from "../users/actionError";
import { BLOCKER_KEY, roleTone, type ConsoleRole, type OperatorEntry, type OperatorRoster, type OperatorsApi } from "./api";
import { GrantDialog } from "./GrantDialog";
import "../users/users.css";
import "./operators.css";

type Pending = { kind: "grant"; entry: OperatorEntry | null } | { kind: "revoke"; entry: OperatorEntry } | null;
type Done = { kind: "granted"; email: string; role: ConsoleRole } | { kind: "revoked"; who: string; self: boolean };

export function OperatorsPage(props: {
  api: OperatorsApi;
  /** the signed-in operator's user id */
  self: string;
  /** the connection profile accepts writes */
  writable: boolean;
}) {
  const t = useT();
  const [roster, setRoster] = useState<OperatorRoster | null>(null);
  const [error, setError] = useState<IpcError | null>(null);
  const [loading, setLoading] = useState(true);
  const [pending, setPending] = useState<Pending>(null);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<IpcError | null>(null);
  const [done, setDone] = useState<Done | null>(null);
  /** revoked their own role: every further command is refused, so no more buttons */
  const [lostRole, setLostRole] = useState(false);
  const inflight = useRef<AbortController | null>(null);

  const load = useCallback(async () => {
    inflight.current?.abort();
    const c = new AbortController();
    inflight.current = c;
    setLoading(true);
    try {
      const r = await props.api.list(c.signal);
      if (c.signal.aborted) return;
      setRoster(r);
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

  // The role as stored now decides, not the one signed in with: a demoted admin loses the
  // buttons on the next refresh. Rust checks it again on every command.
  const isAdmin = roster?.viewer_role === "console_admin" && !lostRole;
  const canAdminister = isAdmin && props.writable;
  const whyNot = !roster || lostRole
    ? null
    : !isAdmin
      ? t("operators.not_admin", { role: t(roleKey(roster.viewer_role)) })
      : !props.writable
        ? t("operators.read_only")
        : null;

  const open = (p: Pending) => {
    setActionError(null);
    setDone(null);
    setPending(p);
  };

  const revoke = async (entry: OperatorEntry) => {
    setBusy(true);
    setActionError(null);
    try {
      await props.api.revoke(entry.email ?? entry.user_id);
      const self = entry.user_id === props.self;
      setPending(null);
      setDone({ kind: "revoked", who: entry.email ?? entry.user_id, self });
      // Without a role even reading is refused: the row goes, and the banner says what happened.
      if (self) {
        setLostRole(true);
        setRoster(
          (r) =>
            r && {
              ...r,
              operators: r.operators.filter((o) => o.user_id !== entry.user_id),
              console_admins: r.console_admins - (entry.role === "console_admin" ? 1 : 0),
            },
        );
      } else await load();
    } catch (e) {
      setActionError(toIpcError(e));
    } finally {
      setBusy(false);
    }
  };

  const entries = roster?.operators ?? [];
  const blocked = entries.filter((e) => e.blockers.length > 0).length;
  const unreadable = entries.filter((e) => e.role === null).length;
  const lastAdmin = (e: OperatorEntry) => e.role === "console_admin" && (roster?.console_admins ?? 0) <= 1;
  const p = pending;

  return (
    <div className="page operators-page" data-testid="operators-page">
      <header className="page-header">
        <div>
          <h1 className="page-title">{t("operators.title")}</h1>
          <div className="page-subtitle">{t("operators.subtitle")}</div>
        </div>
        <div className="page-actions">
          <button type="button" className="btn btn-small" onClick={() => void load()} disabled={loading} data-testid="operators-refresh">
            {loading && <Spinner />}
            {t("action.refresh")}
          </button>
          <button
            type="button"
            className="btn btn-small btn-primary"
            disabled={!canAdminister}
            title={whyNot ?? undefined}
            onClick={() => open({ kind: "grant", entry: null })}
            data-testid="operators-grant"
          >
            {t("operators.grant")}
          </button>
        </div>
      </header>

      {done && (
        <div className="banner banner-ok" role="status" data-testid="operators-done" data-kind={done.kind}>
          <div className="banner-body">
            <div className="banner-title">
              {done.kind === "granted"
                ? t("operators.done.granted", { email: done.email, role: t(roleKey(done.role)) })
                : done.self
                  ? t("operators.done.revoked_self")
                  : t("operators.done.revoked", { who: done.who })}
            </div>
          </div>
          <button type="button" className="btn btn-ghost btn-small" onClick={() => setDone(null)}>
            {t("action.dismiss")}
          </button>
        </div>
      )}
      {error && <ErrorBanner error={error} title={t("operators.failed")} testid="operators-error" />}
      {whyNot && (
        <div className="banner banner-info" role="note" data-testid="operators-readonly-note">
          <div className="banner-body">
            <div className="banner-message">{whyNot}</div>
          </div>
        </div>
      )}

      {roster && (
        <div className="stats" data-testid="operators-stats">
          <Stat label={t("operators.stat.total")} testid="operators-total" value={entries.length}>
            {entries.length}
          </Stat>
          <Stat
            label={t("operators.stat.admins")}
            testid="operators-admins"
            value={roster.console_admins}
            tone={roster.console_admins <= 1 ? "warn" : "neutral"}
            hint={roster.console_admins <= 1 ? t("operators.stat.admins.one") : undefined}
          >
            {roster.console_admins}
          </Stat>
          <Stat label={t("operators.stat.blocked")} testid="operators-blocked" value={blocked} tone={blocked > 0 ? "danger" : "ok"}>
            {blocked}
          </Stat>
          <Stat label={t("operators.stat.unreadable")} testid="operators-unreadable" value={unreadable} tone={unreadable > 0 ? "danger" : "neutral"}>
            {unreadable}
          </Stat>
        </div>
      )}

      {!roster && loading ? (
        <div className="loading-block muted">
          <Spinner /> {t("operators.loading")}
        </div>
      ) : (
        roster && (
          <Table<OperatorEntry>
            rows={entries}
            rowKey={(e) => e.user_id}
            rowTestId={(e) => `operator-${e.user_id}`}
            caption={t("operators.title")}
            empty={<EmptyState title={t("operators.none")}>{t("operators.none.body")}</EmptyState>}
            columns={[
              { key: "who", header: t("operators.col.operator"), cell: (e) => <WhoCell e={e} self={e.user_id === props.self} /> },
              { key: "id", header: t("operators.col.user_id"), mono: true, cell: (e) => <span className="op-id">{e.user_id}</span> },
              { key: "role", header: t("operators.col.role"), cell: (e) => <RoleCell e={e} /> },
              { key: "granted", header: t("operators.col.granted"), cell: (e) => <GrantedCell e={e} /> },
              { key: "signin", header: t("operators.col.signin"), cell: (e) => <SignInCell e={e} /> },
              ...(canAdminister
                ? [
                    {
                      key: "act",
                      header: <span className="sr-only">{t("approvals.col.actions")}</span>,
                      cell: (e: OperatorEntry) => (
                        <RowActions
                          e={e}
                          last={lastAdmin(e)}
                          onChange={() => open({ kind: "grant", entry: e })}
                          onRevoke={() => open({ kind: "revoke", entry: e })}
                        />
                      ),
                    },
                  ]
                : []),
            ]}
          />
        )
      )}

      {roster && (
        <GrantDialog
          open={p?.kind === "grant"}
          entry={p?.kind === "grant" ? p.entry : null}
          roster={roster}
          self={props.self}
          api={props.api}
          onCancel={() => setPending(null)}
          onGranted={(g) => {
            setPending(null);
            setDone({ kind: "granted", email: g.email, role: g.role });
            void load();
          }}
        />
      )}
      <ConfirmDialog
        open={p?.kind === "revoke"}
        title={p?.kind === "revoke" ? t("operators.revoke.title", { who: p.entry.email ?? p.entry.user_id }) : ""}
        confirmLabel={t("operators.revoke")}
        destructive
        busy={busy}
        onConfirm={() => p?.kind === "revoke" && void revoke(p.entry)}
        onCancel={() => setPending(null)}
        error={<ActionError error={actionError} testid="operators-action-error" />}
        testid="operators-revoke-dialog"
      >
        {p?.kind === "revoke" && (
          <div className="stack-tight">
            <div>
              {p.entry.role
                ? t("operators.revoke.change", { who: p.entry.email ?? p.entry.user_id, role: t(roleKey(p.entry.role)) })
                : t("operators.revoke.change_unreadable", { who: p.entry.email ?? p.entry.user_id })}
            </div>
            <div className="muted">{t("operators.revoke.effect")}</div>
            {p.entry.user_id === props.self && (
              <div className="op-self-warning" data-testid="operators-revoke-self">
                {t("operators.revoke.self")}
              </div>
            )}
          </div>
        )}
      </ConfirmDialog>
    </div>
  );
}

function WhoCell({ e, self }: { e: OperatorEntry; self: boolean }) {
  const t = useT();
  if (!e.email) {
    return (
      <div className="op-who">
        <span className="op-missing">{e.blockers.includes("no_user") ? t("operators.no_user") : t("operators.user_unreadable")}</span>
      </div>
    );
  }
  return (
    <div className="op-who">
      <span className="op-email" title={e.email}>
        {e.email}
        {self && (
          <Badge tone="info" testid="operators-you">
            {t("operators.you")}
          </Badge>
        )}
      </span>
      {e.username && <span className="muted">{e.username}</span>}
    </div>
  );
}

function RoleCell({ e }: { e: OperatorEntry }) {
  const t = useT();
  if (!e.role) {
    return (
      <div className="op-role-broken">
        <Badge tone="danger" testid="operator-grant-unreadable">
          {t("operators.grant_unreadable")}
        </Badge>
        <span className="op-reason" title={e.grant_error ?? undefined}>
          {e.grant_error}
        </span>
      </div>
    );
  }
  return (
    <Badge tone={roleTone(e.role)} value={e.role} testid="operator-role">
      {t(roleKey(e.role))}
    </Badge>
  );
}

function GrantedCell({ e }: { e: OperatorEntry }) {
  const t = useT();
  if (!e.granted_by) return <span className="muted">—</span>;
  const local = e.granted_by.startsWith("local:");
  const by = e.granted_by_email ?? (local ? t("operators.granted.local", { user: e.granted_by.slice(6) }) : e.granted_by);
  return (
    <div className="op-granted">
      <span title={e.granted_by} className={e.granted_by_email || local ? undefined : "mono"}>
        {by}
      </span>
      {e.granted_at && (
        <span className="muted">
          <Time iso={e.granted_at} />
        </span>
      )}
    </div>
  );
}

function SignInCell({ e }: { e: OperatorEntry }) {
  const t = useT();
  if (e.blockers.length === 0) {
    return (
      <span className="status-dot status-ok" data-testid="operator-signin" data-value="ok">
        {t("operators.signin.ok")}
      </span>
    );
  }
  // A lock lapses on its own; everything else needs someone to act.
  const onlyLocked = e.blockers.every((b) => b === "locked");
  return (
    <div className="op-signin" data-testid="operator-signin" data-value={e.blockers.join(" ")}>
      <span className={onlyLocked ? "op-blocked op-blocked-warn" : "op-blocked"}>{t("operators.signin.blocked")}</span>
      <span className="op-blockers">
        {e.blockers.map((b) => (
          <span key={b} className="op-blocker" title={[t(`${BLOCKER_KEY[b]}.why` as MessageKey), ...e.problems].join("\n")}>
            {b === "locked" && e.locked_until ? (
              <>
                {t(BLOCKER_KEY[b])} <Time iso={e.locked_until} />
              </>
            ) : (
              t(BLOCKER_KEY[b])
            )}
          </span>
        ))}
      </span>
    </div>
  );
}

function RowActions(props: { e: OperatorEntry; last: boolean; onChange: () => void; onRevoke: () => void }) {
  const t = useT();
  const { e, last } = props;
  const noEmail = !e.email;
  return (
    <div className="op-actions">
      <button
        type="button"
        className="btn btn-small"
        disabled={last || noEmail}
        title={last ? t("operators.last_admin") : noEmail ? t("operators.change.no_email") : undefined}
        onClick={props.onChange}
        data-testid="operator-change"
      >
        {t("operators.change")}
      </button>
      <button
        type="button"
        className="btn btn-small btn-danger-ghost"
        disabled={last}
        title={last ? t("operators.last_admin") : undefined}
        onClick={props.onRevoke}
        data-testid="operator-revoke"
      >
        {t("operators.revoke")}
      </button>
      {last && (
        <div className="op-last note" data-testid="operator-last-admin">
          {t("operators.last_admin.short")}
        </div>
      )}
    </div>
  );
}
