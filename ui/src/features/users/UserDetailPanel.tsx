// One user beside the table: tabs for profile, MFA, sessions, API keys, locks and recent audit
// events. Each tab loads when first shown (activity comes from the audit index, which may be
// slow or down without taking the rest of the panel with it).
import { useEffect, useId, useState, type ReactNode } from "react";
import { toIpcError, type IpcError } from "../../platform";
import { useT, type MessageKey, type Translate } from "../../i18n";
import { Badge } from "../../shared/Badge";
import { roleKey } from "../../shared/roles";
import { Countdown } from "../../shared/Countdown";
import { EmptyState } from "../../shared/EmptyState";
import { ErrorBanner } from "../../shared/ErrorBanner";
import { useFormat } from "../../shared/format";
import { Spinner } from "../../shared/Progress";
import { ConfirmDialog } from "../../shared/ConfirmDialog";
import { Meter } from "../../shared/Meter";
import { OneTimeSecret } from "../../shared/OneTimeSecret";
import type { CopyText } from "../../shared/SecretText";
import { Table } from "../../shared/Table";
import { Time } from "../../shared/Time";
import type { MfaApi } from "../mfa/api";
import { MfaFlow, type MfaAction } from "../mfa/MfaFlow";
import { ActionError } from "./actionError";
import type { ActivityRow, ApiKeyRow, ApiKeyState, IssuedKey, SessionRow, UserAdminApi, UserDetail, UserRow, UsersApi } from "./api";
import { IssueApiKeyDialog } from "./IssueApiKeyDialog";
import { RoleChangeDialog } from "./RoleChangeDialog";

export type UserAction =
  | "deactivate"
  | "reactivate"
  | "change_role"
  | "reset_password"
  | "enroll_mfa"
  | "regenerate_backup_codes"
  | "reset_mfa"
  | "revoke_sessions"
  | "issue_api_key"
  | "unlock";

const TABS = ["profile", "mfa", "sessions", "api_keys", "locks", "activity"] as const;
type Tab = (typeof TABS)[number];

/** Actions the panel runs itself when given the write APIs; the rest go to `onAction`. */
const MFA_ACTIONS: Partial<Record<UserAction, MfaAction>> = {
  enroll_mfa: "enroll",
  regenerate_backup_codes: "regenerate",
  reset_mfa: "reset",
};

export function UserDetailPanel(props: {
  api: UsersApi;
  user: UserRow;
  canWrite: boolean;
  onAction?: (action: UserAction, user: UserRow) => void;
  onClose: () => void;
  /** role change, sessions and API keys run here when given */
  admin?: UserAdminApi;
  /** enrolment, backup codes and reset run here when given */
  mfa?: MfaApi;
  /** after this panel changed the user (the table may want to refetch) */
  onChanged?: (userId: string) => void;
  copy?: CopyText;
  print?: () => void;
}) {
  const t = useT();
  const id = useId();
  const [tab, setTab] = useState<Tab>("profile");
  const [revision, setRevision] = useState(0);
  const [roleOpen, setRoleOpen] = useState(false);
  const [mfaAction, setMfaAction] = useState<MfaAction | null>(null);
  const detail = useLoad((s) => props.api.detail(props.user.id, s), [props.api, props.user.id, revision]);
  const u = detail.data?.user ?? props.user;
  const changed = () => {
    setRevision((r) => r + 1);
    props.onChanged?.(u.id);
  };
  const act =
    props.canWrite && (props.onAction || props.admin || props.mfa)
      ? (a: UserAction) => {
          if (a === "change_role" && props.admin) setRoleOpen(true);
          else if (MFA_ACTIONS[a] && props.mfa) setMfaAction(MFA_ACTIONS[a] ?? null);
          else props.onAction?.(a, u);
        }
      : null;
  const admin = props.canWrite ? (props.admin ?? null) : null;

  return (
    <aside className="detail" aria-label={t("users.detail.label", { email: u.email })} data-testid="user-detail" data-user={u.id}>
      <header className="detail-head">
        <div className="detail-id">
          <div className="detail-title" title={u.email}>
            {u.email}
          </div>
          <div className="detail-sub">
            <span>{u.username}</span>
            <code className="mono muted">{u.id}</code>
          </div>
          {detail.data?.console_role && (
            <div className="detail-console-role">
              <Badge tone="warn" title={t("users.console_role.title")} testid="user-console-role" value={detail.data.console_role}>
                {t("users.console_role", { role: t(roleKey(detail.data.console_role)) })}
              </Badge>
            </div>
          )}
        </div>
        <button type="button" className="btn btn-ghost btn-small" onClick={props.onClose} aria-label={t("action.close")} data-testid="user-detail-close">
          ✕
        </button>
      </header>
      <div className="tabs" role="tablist" aria-label={t("users.detail.tabs")}>
        {TABS.map((k) => (
          <button
            key={k}
            type="button"
            role="tab"
            id={`${id}-tab-${k}`}
            aria-controls={`${id}-panel`}
            aria-selected={tab === k}
            tabIndex={tab === k ? 0 : -1}
            className={tab === k ? "tab active" : "tab"}
            onClick={() => setTab(k)}
            onKeyDown={(e) => {
              const i = TABS.indexOf(k);
              const next = e.key === "ArrowRight" ? TABS[(i + 1) % TABS.length] : e.key === "ArrowLeft" ? TABS[(i + TABS.length - 1) % TABS.length] : null;
              if (next) {
                setTab(next);
                document.getElementById(`${id}-tab-${next}`)?.focus();
              }
            }}
            data-testid={`user-tab-${k}`}
          >
            {t(`users.tab.${k}` as MessageKey)}
            {k === "sessions" && detail.data ? <span className="tab-count">{detail.data.sessions}</span> : null}
            {k === "api_keys" && detail.data ? <span className="tab-count">{detail.data.api_keys}</span> : null}
            {k === "locks" && detail.data?.lock ? <span className="tab-dot" aria-hidden="true" /> : null}
          </button>
        ))}
      </div>
      <div className="detail-body" role="tabpanel" id={`${id}-panel`} aria-labelledby={`${id}-tab-${tab}`}>
        {detail.error && <ErrorBanner error={detail.error} title={t("users.detail.failed")} />}
        {!detail.data && detail.loading && <Loading />}
        {detail.data && tab === "profile" && <ProfileTab d={detail.data} act={act} />}
        {detail.data && tab === "mfa" && <MfaTab d={detail.data} act={act} />}
        {tab === "sessions" && <SessionsTab api={props.api} admin={admin} user={u} act={act} revision={revision} onChanged={changed} />}
        {tab === "api_keys" && (
          <ApiKeysTab
            api={props.api}
            admin={admin}
            user={u}
            permissions={detail.data?.permissions ?? null}
            act={act}
            revision={revision}
            onChanged={changed}
            copy={props.copy}
            print={props.print}
          />
        )}
        {detail.data && tab === "locks" && <LocksTab d={detail.data} readAt={detail.readAt} act={act} />}
        {tab === "activity" && <ActivityTab api={props.api} userId={u.id} />}
      </div>
      {props.admin && (
        <RoleChangeDialog
          open={roleOpen}
          target={{ kind: "one", user: u }}
          api={props.admin}
          onDone={(r) => r.kind === "changed" && changed()}
          onClose={() => setRoleOpen(false)}
        />
      )}
      {props.mfa && mfaAction && (
        <MfaFlow
          api={props.mfa}
          user={{ id: u.id, email: u.email }}
          action={mfaAction}
          onChanged={changed}
          onClose={() => setMfaAction(null)}
          copy={props.copy}
          print={props.print}
        />
      )}
    </aside>
  );
}

type Act = ((a: UserAction) => void) | null;

/** A credential action (password reset, MFA enrolment, reset, backup codes): the core refuses
 *  it on an operator account until the console role is revoked, so the button says so. */
function credentialActionProps(d: UserDetail, t: Translate): { disabled: boolean; title?: string } {
  return d.console_role ? { disabled: true, title: t("users.console_role.title") } : { disabled: false };
}

function ProfileTab({ d, act }: { d: UserDetail; act: Act }) {
  const t = useT();
  const u = d.user;
  const credentialAction = credentialActionProps(d, t);
  return (
    <div className="stack">
      <dl className="kv" data-testid="user-profile">
        <dt>{t("users.col.role")}</dt>
        <dd>
          <Badge tone={u.role === "admin" ? "warn" : "neutral"}>{u.role}</Badge>
        </dd>
        {d.console_role && (
          <>
            <dt>{t("operators.col.role")}</dt>
            <dd className="stack-tight">
              <span>
                <Badge tone="warn">{t(roleKey(d.console_role))}</Badge>
              </span>
              <span className="note" data-testid="user-console-role-note">
                {t("users.console_role.title")}
              </span>
            </dd>
          </>
        )}
        <dt>{t("users.col.status")}</dt>
        <dd>{u.is_active ? <Badge tone="ok">{t("users.active")}</Badge> : <Badge tone="danger">{t("users.inactive")}</Badge>}</dd>
        <dt>{t("users.col.last_login")}</dt>
        <dd>{u.last_login ? <Time iso={u.last_login} /> : t("users.never")}</dd>
        <dt>{t("users.col.created")}</dt>
        <dd>
          <Time iso={u.created_at} />
        </dd>
        <dt>{t("users.permissions")}</dt>
        <dd>
          <span className="badges">
            {d.permissions.map((p) => (
              <code key={p} className="perm">
                {p}
              </code>
            ))}
          </span>
        </dd>
      </dl>
      {act && (
        <div className="detail-actions">
          <button type="button" className="btn btn-small" onClick={() => act("change_role")} data-testid="user-act-change_role">
            {t("users.act.change_role")}
          </button>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => act("reset_password")}
            {...credentialAction}
            data-testid="user-act-reset_password"
          >
            {t("users.act.reset_password")}
          </button>
          {u.is_active ? (
            <button type="button" className="btn btn-small btn-danger-ghost" onClick={() => act("deactivate")} data-testid="user-act-deactivate">
              {t("users.act.deactivate")}
            </button>
          ) : (
            <button type="button" className="btn btn-small" onClick={() => act("reactivate")} data-testid="user-act-reactivate">
              {t("users.act.reactivate")}
            </button>
          )}
        </div>
      )}
    </div>
  );
}

function MfaTab({ d, act }: { d: UserDetail; act: Act }) {
  const t = useT();
  const f = useFormat();
  const credentialAction = credentialActionProps(d, t);
  return (
    <div className="stack">
      {!d.mfa.enabled && d.user.role === "admin" && (
        <div className="banner banner-danger" role="alert">
          <div className="banner-body">
            <div className="banner-title">{t("users.mfa.admin_without")}</div>
          </div>
        </div>
      )}
      <dl className="kv" data-testid="user-mfa">
        <dt>{t("users.col.mfa")}</dt>
        <dd>{d.mfa.enabled ? <Badge tone="ok">{t("users.mfa.on")}</Badge> : <Badge tone="neutral">{t("users.mfa.off")}</Badge>}</dd>
        {d.mfa.enrolled_at && (
          <>
            <dt>{t("users.mfa.enrolled_at")}</dt>
            <dd>
              <Time iso={d.mfa.enrolled_at} />
            </dd>
          </>
        )}
        {d.mfa.backup_codes_left !== null && (
          <>
            <dt>{t("users.mfa.backup_left")}</dt>
            <dd className="num">{f.number(d.mfa.backup_codes_left)} / 10</dd>
          </>
        )}
      </dl>
      {act && (
        <div className="detail-actions">
          {d.mfa.enabled ? (
            <>
              <button
                type="button"
                className="btn btn-small"
                onClick={() => act("regenerate_backup_codes")}
                {...credentialAction}
                data-testid="user-act-regenerate_backup_codes"
              >
                {t("users.act.regenerate_backup_codes")}
              </button>
              <button
                type="button"
                className="btn btn-small btn-danger-ghost"
                onClick={() => act("reset_mfa")}
                {...credentialAction}
                data-testid="user-act-reset_mfa"
              >
                {t("users.act.reset_mfa")}
              </button>
            </>
          ) : (
            <button
              type="button"
              className="btn btn-small btn-primary"
              onClick={() => act("enroll_mfa")}
              {...credentialAction}
              data-testid="user-act-enroll_mfa"
            >
              {t("users.act.enroll_mfa")}
            </button>
          )}
        </div>
      )}
    </div>
  );
}

function SessionsTab(props: {
  api: UsersApi;
  admin: UserAdminApi | null;
  user: UserRow;
  act: Act;
  revision: number;
  onChanged: () => void;
}) {
  const t = useT();
  const [local, setLocal] = useState(0);
  const s = useLoad((sig) => props.api.sessions(props.user.id, sig), [props.api, props.user.id, props.revision, local]);
  const [confirm, setConfirm] = useState<{ kind: "one"; row: SessionRow } | { kind: "all"; count: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);
  const admin = props.admin;

  const run = async () => {
    if (!confirm || !admin) return;
    setBusy(true);
    setError(null);
    try {
      if (confirm.kind === "one") await admin.revokeSession(props.user.id, confirm.row.token_id);
      else await admin.revokeAllSessions(props.user.id);
      setConfirm(null);
      setLocal((n) => n + 1);
      props.onChanged();
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Loaded state={s} render={(rows: SessionRow[]) => (
        <div className="stack">
          <Table<SessionRow>
            rows={rows}
            rowKey={(r) => r.token_id}
            rowTestId={(r) => `session-${r.token_id}`}
            empty={<EmptyState title={t("users.sessions.none")} />}
            columns={[
              { key: "id", header: t("users.sessions.token"), mono: true, cell: (r) => shortId(r.token_id) },
              { key: "created", header: t("users.col.created"), cell: (r) => (r.created_at ? <Time iso={r.created_at} /> : "—") },
              {
                key: "left",
                header: t("users.time_left"),
                numeric: true,
                cell: (r) => (r.ttl_seconds !== null ? <Countdown ttlSeconds={r.ttl_seconds} readAt={s.readAt} /> : "—"),
              },
              ...(admin
                ? [
                    {
                      key: "act",
                      header: <span className="sr-only">{t("approvals.col.actions")}</span>,
                      cell: (r: SessionRow) => (
                        <button type="button" className="btn btn-small btn-danger-ghost" onClick={() => { setError(null); setConfirm({ kind: "one", row: r }); }} data-testid="session-revoke">
                          {t("sessions.revoke")}
                        </button>
                      ),
                    },
                  ]
                : []),
            ]}
          />
          {props.act && rows.length > 0 && (
            <div className="detail-actions">
              <button
                type="button"
                className="btn btn-small btn-danger-ghost"
                onClick={() => {
                  if (admin) {
                    setError(null);
                    setConfirm({ kind: "all", count: rows.length });
                  } else props.act?.("revoke_sessions");
                }}
                data-testid="sessions-revoke-all"
              >
                {t("users.act.revoke_sessions")}
              </button>
            </div>
          )}
        </div>
      )} />
      <ConfirmDialog
        open={confirm !== null}
        title={confirm?.kind === "all" ? t("sessions.revoke_all.title") : t("sessions.revoke.title")}
        confirmLabel={confirm?.kind === "all" ? t("sessions.revoke_all") : t("sessions.revoke")}
        destructive
        busy={busy}
        onConfirm={() => void run()}
        onCancel={() => setConfirm(null)}
        error={<ActionError error={error} />}
        testid="sessions-confirm"
      >
        {confirm?.kind === "all"
          ? t("sessions.revoke_all.change", { count: confirm.count, email: props.user.email })
          : confirm
            ? t("sessions.revoke.change", { token: shortId(confirm.row.token_id), email: props.user.email })
            : null}
      </ConfirmDialog>
    </>
  );
}

const KEY_STATE_TONE: Record<ApiKeyState, "ok" | "neutral" | "warn" | "danger"> = {
  active: "ok",
  inactive: "neutral",
  expired: "warn",
  over_quota: "danger",
  broken: "danger",
};

type KeyPending = { kind: "deactivate" | "revoke"; row: ApiKeyRow } | null;

function ApiKeysTab(props: {
  api: UsersApi;
  admin: UserAdminApi | null;
  user: UserRow;
  permissions: string[] | null;
  act: Act;
  revision: number;
  onChanged: () => void;
  copy?: CopyText;
  print?: () => void;
}) {
  const t = useT();
  const f = useFormat();
  const [local, setLocal] = useState(0);
  const s = useLoad((sig) => props.api.apiKeys(props.user.id, sig), [props.api, props.user.id, props.revision, local]);
  const [issuing, setIssuing] = useState(false);
  const [issued, setIssued] = useState<IssuedKey | null>(null);
  const [pending, setPending] = useState<KeyPending>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);
  const admin = props.admin;

  const refresh = () => {
    setLocal((n) => n + 1);
    props.onChanged();
  };

  const mutate = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      setPending(null);
      refresh();
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Loaded state={s} render={(rows: ApiKeyRow[]) => (
        <div className="stack">
          {!pending && <ActionError error={error} />}
          {rows.length === 0 ? (
            <EmptyState title={t("users.keys.none")} />
          ) : (
            // Cards rather than a table: the detail panel is narrow, and each key has six facts
            // and up to two actions.
            <ul className="key-list" aria-label={t("users.tab.api_keys")}>
              {rows.map((r) => {
                const v = r.usage_limit > 0 ? r.usage / r.usage_limit : null;
                const tone = v === null ? "neutral" : v >= 1 ? "danger" : v >= 0.8 ? "warn" : "ok";
                return (
                  <li key={r.handle} className="key-card" data-testid={`key-${r.key_id}`} data-state={r.state}>
                    <div className="key-card-head">
                      <code className="mono key-id">{r.key_id}</code>
                      <Badge tone={KEY_STATE_TONE[r.state]} value={r.state}>
                        {t(`keys.state.${r.state}` as MessageKey)}
                      </Badge>
                    </div>
                    <dl className="kv key-facts">
                      <dt>{t("users.keys.usage")}</dt>
                      <dd>
                        <Meter value={v} tone={tone} label={`${f.number(r.usage)} / ${f.number(r.usage_limit)}`} testid="key-usage" />
                      </dd>
                      <dt>{t("users.keys.expires")}</dt>
                      <dd>{r.expires_at ? <Time iso={r.expires_at} /> : t("users.keys.no_expiry")}</dd>
                      <dt>{t("keys.permissions.short")}</dt>
                      <dd>
                        <span className="badges">
                          {r.permissions.map((p) => (
                            <code key={p} className="perm">
                              {p}
                            </code>
                          ))}
                        </span>
                      </dd>
                    </dl>
                    {admin && (
                      <div className="row-actions">
                        {r.is_active ? (
                          <button type="button" className="btn btn-small" onClick={() => { setError(null); setPending({ kind: "deactivate", row: r }); }} data-testid="key-deactivate">
                            {t("keys.deactivate")}
                          </button>
                        ) : (
                          <button type="button" className="btn btn-small" disabled={busy} onClick={() => void mutate(() => admin.setApiKeyActive(r.handle, true))} data-testid="key-activate">
                            {t("keys.activate")}
                          </button>
                        )}
                        <button type="button" className="btn btn-small btn-danger-ghost" onClick={() => { setError(null); setPending({ kind: "revoke", row: r }); }} data-testid="key-revoke">
                          {t("keys.revoke")}
                        </button>
                      </div>
                    )}
                  </li>
                );
              })}
            </ul>
          )}
          {props.act && (
            <div className="detail-actions">
              <button
                type="button"
                className="btn btn-small"
                disabled={admin !== null && props.permissions === null}
                onClick={() => (admin ? setIssuing(true) : props.act?.("issue_api_key"))}
                data-testid="key-issue"
              >
                {t("users.act.issue_api_key")}
              </button>
            </div>
          )}
        </div>
      )} />
      {admin && props.permissions && (
        <IssueApiKeyDialog
          open={issuing}
          api={admin}
          userId={props.user.id}
          email={props.user.email}
          permissions={props.permissions}
          onClose={() => setIssuing(false)}
          onIssued={(k) => {
            setIssuing(false);
            setIssued(k);
            refresh();
          }}
        />
      )}
      {issued && (
        <OneTimeSecret
          open
          title={t("keys.issued.title", { key_id: issued.key_id })}
          context={t("keys.issued.context", { email: props.user.email })}
          items={[issued.api_key]}
          onClose={() => setIssued(null)}
          copy={props.copy}
          print={props.print}
          testid="key-secret"
        />
      )}
      <ConfirmDialog
        open={pending?.kind === "deactivate"}
        title={t("keys.deactivate.title")}
        confirmLabel={t("keys.deactivate")}
        busy={busy}
        onConfirm={() => pending && admin && void mutate(() => admin.setApiKeyActive(pending.row.handle, false))}
        onCancel={() => setPending(null)}
        error={<ActionError error={error} />}
        testid="key-deactivate-dialog"
      >
        {pending ? t("keys.deactivate.change", { key_id: pending.row.key_id }) : null}
      </ConfirmDialog>
      <ConfirmDialog
        open={pending?.kind === "revoke"}
        title={t("keys.revoke.title")}
        confirmLabel={t("keys.revoke")}
        typeToConfirm={pending?.row.key_id}
        destructive
        busy={busy}
        onConfirm={() => pending && admin && void mutate(() => admin.revokeApiKey(pending.row.handle))}
        onCancel={() => setPending(null)}
        error={<ActionError error={error} />}
        testid="key-revoke-dialog"
      >
        {pending ? t("keys.revoke.change", { key_id: pending.row.key_id }) : null}
      </ConfirmDialog>
    </>
  );
}

function LocksTab({ d, readAt, act }: { d: UserDetail; readAt: number; act: Act }) {
  const t = useT();
  if (!d.lock) return <EmptyState title={t("users.locks.none")} />;
  return (
    <div className="stack">
      <dl className="kv" data-testid="user-lock">
        <dt>{t("access.locked_at")}</dt>
        <dd>
          <Time iso={d.lock.locked_at} />
        </dd>
        <dt>{t("users.time_left")}</dt>
        <dd>
          <Countdown ttlSeconds={d.lock.ttl_seconds} readAt={readAt} />
        </dd>
      </dl>
      {act && (
        <div className="detail-actions">
          <button type="button" className="btn btn-small" onClick={() => act("unlock")}>
            {t("access.unlock")}
          </button>
        </div>
      )}
    </div>
  );
}

function ActivityTab(props: { api: UsersApi; userId: string }) {
  const t = useT();
  const s = useLoad((sig) => props.api.activity(props.userId, sig), [props.api, props.userId]);
  return (
    <Loaded state={s} render={(rows: ActivityRow[]) => (
      <Table<ActivityRow>
        rows={rows}
        rowKey={(r) => r.event_id}
        empty={<EmptyState title={t("users.activity.none")} />}
        columns={[
          { key: "time", header: t("users.activity.time"), cell: (r) => <Time iso={r.timestamp} /> },
          { key: "action", header: t("users.activity.action"), mono: true, cell: (r) => r.action },
          {
            key: "result",
            header: t("users.activity.result"),
            cell: (r) => <Badge tone={r.result === "success" ? "neutral" : "danger"}>{r.result}</Badge>,
          },
        ]}
      />
    )} />
  );
}

function shortId(id: string): string {
  return id.length > 14 ? `${id.slice(0, 6)}…${id.slice(-4)}` : id;
}

function Loading() {
  const t = useT();
  return (
    <div className="loading-block muted">
      <Spinner /> {t("users.loading")}
    </div>
  );
}

interface LoadState<T> {
  data: T | null;
  error: IpcError | null;
  loading: boolean;
  /** performance.now() when the data arrived: countdowns run from here */
  readAt: number;
}

/** Loads once per dependency change; a change or unmount aborts the request in flight. */
function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): LoadState<T> {
  const [state, setState] = useState<LoadState<T>>({ data: null, error: null, loading: true, readAt: 0 });
  useEffect(() => {
    const controller = new AbortController();
    setState({ data: null, error: null, loading: true, readAt: 0 });
    load(controller.signal).then(
      (data) => !controller.signal.aborted && setState({ data, error: null, loading: false, readAt: performance.now() }),
      (e: unknown) => !controller.signal.aborted && setState({ data: null, error: toIpcError(e), loading: false, readAt: 0 }),
    );
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller lists what the load depends on
  }, deps);
  return state;
}

function Loaded<T>(props: { state: LoadState<T>; render: (data: T) => ReactNode }) {
  const t = useT();
  if (props.state.error) return <ErrorBanner error={props.state.error} title={t("users.detail.failed")} />;
  if (props.state.data === null) return <Loading />;
  return <>{props.render(props.state.data)}</>;
}
