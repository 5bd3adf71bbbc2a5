// The identity routes: the feature pages given their IPC adapters, the console's write rights,
// and the few single-user actions the pages hand back to their host (deactivate, reactivate,
// password reset, revoke all sessions). Loaded lazily (Shell.tsx): the sign-in path never
// downloads this. Write actions show only with `administer_identity` on a writable profile;
// auditors see everything read-only (the core refuses writes anyway).
import { useEffect, useMemo, useState } from "react";
import type { IpcError } from "../platform";
import { accessApi, approvalsApi, bulkApi, dormantApi, mfaApi, userAdminApi, usersApi } from "../platform/identity";
import { useT } from "../i18n";
import { ConfirmDialog } from "../shared/ConfirmDialog";
import { ErrorBanner } from "../shared/ErrorBanner";
import { OneTimeSecret } from "../shared/OneTimeSecret";
import { ReasonDialog } from "../shared/ReasonDialog";
import { UsersPage, type UserAction } from "../features/users/UsersPage";
import type { UserRow } from "../features/users/api";
import { DormantPanel } from "../features/users/DormantPanel";
import { MfaPage } from "../features/mfa/MfaPage";
import { ApprovalsPage } from "../features/approvals/ApprovalsPage";
import { LocksPage } from "../features/access/LocksPage";
import { useConsole } from "./console";

/** While the Users page is open, the index re-scans for changes made outside the console. */
const REFRESH_MS = 60_000;

function useRights() {
  const { session, handleAuthError } = useConsole();
  const caps = session?.capabilities ?? [];
  const writable = !(session?.read_only ?? true);
  return {
    session,
    canWrite: writable && caps.includes("administer_identity"),
    canDecide: writable && caps.includes("administer_console"),
    hooks: { onError: (e: IpcError) => void handleAuthError(e) },
  };
}

type Pending = { action: UserAction; user: UserRow };

export function UsersRoute() {
  const t = useT();
  const { canWrite, hooks } = useRights();
  const apis = useMemo(
    () => ({ users: usersApi(hooks), admin: userAdminApi(hooks), mfa: mfaApi(hooks), dormant: dormantApi(hooks), bulk: bulkApi(hooks) }),
    // The hooks close over the shell's handler, stable for the session.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  );
  const [tab, setTab] = useState<"users" | "dormant">("users");
  const [pending, setPending] = useState<Pending | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);
  const [password, setPassword] = useState<{ email: string; value: string; lockCleared: boolean; sessions: number } | null>(null);
  // A finished action re-mounts the table so it reads the changed row (the index already has it).
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    const timer = setInterval(() => void apis.users.refresh().catch(() => undefined), REFRESH_MS);
    return () => clearInterval(timer);
  }, [apis]);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
      setPending(null);
      setGeneration((g) => g + 1);
    } catch (e) {
      setError(e as IpcError);
    } finally {
      setBusy(false);
    }
  };
  const close = () => {
    setPending(null);
    setError(null);
  };
  const banner = error && <ErrorBanner error={error} title={t("idm.action.failed")} testid="idm-action-error" />;
  const p = pending;
  const email = p?.user.email ?? "";

  return (
    <div className="page users-route" data-testid="users-route">
      <div className="tabs" role="tablist">
        {(["users", "dormant"] as const).map((k) => (
          <button
            key={k}
            type="button"
            role="tab"
            aria-selected={tab === k}
            className={tab === k ? "tab active" : "tab"}
            onClick={() => setTab(k)}
            data-testid={`idm-tab-${k}`}
          >
            {t(k === "users" ? "idm.tab.users" : "idm.tab.dormant")}
          </button>
        ))}
      </div>
      {tab === "users" ? (
        <UsersPage
          key={generation}
          api={apis.users}
          canWrite={canWrite}
          admin={canWrite ? apis.admin : undefined}
          mfa={canWrite ? apis.mfa : undefined}
          bulk={canWrite ? apis.bulk : undefined}
          onAction={canWrite ? (action, user) => setPending({ action, user }) : undefined}
        />
      ) : (
        <DormantPanel users={apis.users} api={apis.dormant} canWrite={canWrite} />
      )}
      {p && (p.action === "deactivate" || p.action === "reactivate") && (
        <ReasonDialog
          open
          title={t(p.action === "deactivate" ? "idm.deactivate.title" : "idm.reactivate.title", { email })}
          change={t(p.action === "deactivate" ? "idm.deactivate.change" : "idm.reactivate.change", { email })}
          confirmLabel={t(p.action === "deactivate" ? "idm.deactivate.confirm" : "idm.reactivate.confirm")}
          destructive={p.action === "deactivate"}
          busy={busy}
          error={banner}
          onCancel={close}
          onConfirm={(reason) =>
            void run(async () => {
              await apis.admin.setActive(p.user.id, p.action === "reactivate", reason);
            })
          }
        />
      )}
      {p && p.action === "reset_password" && (
        <ConfirmDialog
          open
          title={t("idm.reset.title", { email })}
          confirmLabel={t("idm.reset.confirm")}
          destructive
          busy={busy}
          error={banner}
          onCancel={close}
          onConfirm={() =>
            void run(async () => {
              const r = await apis.admin.resetPassword(p.user.id);
              setPassword({ email, value: r.password, lockCleared: r.lock_cleared, sessions: r.sessions_revoked });
            })
          }
          testid="idm-reset"
        >
          {t("idm.reset.body")}
        </ConfirmDialog>
      )}
      {p && p.action === "revoke_sessions" && (
        <ConfirmDialog
          open
          title={t("idm.revoke_all.title", { email })}
          confirmLabel={t("idm.revoke_all.confirm")}
          destructive
          busy={busy}
          error={banner}
          onCancel={close}
          onConfirm={() =>
            void run(async () => {
              await apis.admin.revokeAllSessions(p.user.id);
            })
          }
          testid="idm-revoke-all"
        >
          {t("idm.revoke_all.body")}
        </ConfirmDialog>
      )}
      <OneTimeSecret
        open={password !== null}
        title={t("idm.reset.shown", { email: password?.email ?? "" })}
        context={
          password
            ? [t("idm.reset.sessions", { count: password.sessions }), password.lockCleared ? t("idm.reset.lock_cleared") : null].filter(Boolean).join(" ")
            : undefined
        }
        items={password ? [password.value] : []}
        onClose={() => setPassword(null)}
        testid="idm-password"
      />
    </div>
  );
}

export function MfaRoute() {
  const { canWrite, hooks } = useRights();
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const api = useMemo(() => mfaApi(hooks), []);
  return <MfaPage api={api} canWrite={canWrite} />;
}

export function ApprovalsRoute() {
  const { canDecide, hooks, session } = useRights();
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const api = useMemo(() => approvalsApi(hooks), []);
  return <ApprovalsPage api={api} operator={session?.email ?? ""} canDecide={canDecide} />;
}

export function ThreatsRoute() {
  const { canWrite, hooks } = useRights();
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const api = useMemo(() => accessApi(hooks), []);
  return <LocksPage api={api} canWrite={canWrite} />;
}
