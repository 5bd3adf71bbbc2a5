// Identity administration over IPC: the typed commands (src-tauri/src/identity.rs) and the
// adapters that implement the features' ports (features/*/api.ts) with them. The wire types are
// shaped as the ports, so the adapters mostly pass through; what they add: an aborted signal
// rejects at once (IPC cannot be cancelled, its late answer is dropped), every rejection is an
// `IpcError` that also goes to `onError` (the shell locks on `session_expired`), and the few
// renames noted below.
import { Channel } from "@tauri-apps/api/core";
import { invoke, type InvokeArgs } from "@tauri-apps/api/core";
import { toIpcError } from "./ipc";
import type {
  AccessSnapshotView,
  ActivityRowView,
  ApiKeyRowView,
  ApprovalListView,
  ApprovalView,
  BatchPlanView,
  BatchResultView,
  BatchRunEnd,
  BatchSummaryView,
  BuildProgress,
  BulkTargetInput,
  ConfirmResultView,
  CreateUserResultView,
  EnrollmentView,
  IpcError,
  IssuedKeyView,
  MfaCoverageView,
  PasswordResetView,
  RevokedView,
  RoleChangeResultView,
  SessionRowView,
  StatusChangeView,
  UnreadablePageView,
  UserDetailView,
  UsersPageView,
  UsersQueryInput,
} from "./generated/wire";
import type {
  ApiKeyState,
  BatchRunner,
  BulkApi,
  CreateUserResult,
  DormantApi,
  UserAdminApi,
  UsersApi,
} from "../features/users/api";
import type { ApprovalRequest, ApprovalsApi, ApprovalStatus } from "../features/approvals/api";
import type { MfaApi } from "../features/mfa/api";
import type { AccessApi } from "../features/access/api";

export interface AdapterHooks {
  /** every failure, before the caller sees it (the shell acts on session_expired) */
  onError?: (error: IpcError) => void;
}

export function caller(hooks: AdapterHooks) {
  return async function call<T>(command: string, args?: InvokeArgs, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) throw new DOMException("aborted", "AbortError");
    const run = invoke<T>(command, args).catch((e: unknown) => {
      const err = toIpcError(e);
      hooks.onError?.(err);
      throw err;
    });
    if (!signal) return run;
    return new Promise<T>((resolve, reject) => {
      const abort = () => reject(new DOMException("aborted", "AbortError"));
      signal.addEventListener("abort", abort, { once: true });
      run.then(
        (v) => {
          signal.removeEventListener("abort", abort);
          resolve(v);
        },
        (e: unknown) => {
          signal.removeEventListener("abort", abort);
          reject(e);
        },
      );
    });
  };
}

const approval = (a: ApprovalView): ApprovalRequest => ({ ...a, status: a.status as ApprovalStatus });

/** The users table, detail and its tabs. */
export function usersApi(hooks: AdapterHooks = {}): UsersApi & { refresh(): Promise<BuildProgress> } {
  const call = caller(hooks);
  return {
    async page(query, offset, limit, signal) {
      const q: UsersQueryInput = { ...query, sort: { key: query.sort.key, dir: query.sort.dir } };
      const p = await call<UsersPageView>("users_page", { query: q, offset, limit }, signal);
      return { total: p.total, rows: p.rows, unreadable: p.unreadable, complete: p.complete, scanned: p.scanned, estimated: p.estimated };
    },
    unreadable: (offset, limit, signal) => call<UnreadablePageView>("users_unreadable", { offset, limit }, signal),
    async detail(id, signal) {
      const d = await call<UserDetailView>("user_detail", { id }, signal);
      return { user: d.user, permissions: d.permissions, mfa: d.mfa, lock: d.lock, sessions: d.sessions, api_keys: d.api_keys, console_role: d.console_role };
    },
    sessions: (id, signal) => call<SessionRowView[]>("user_sessions", { id }, signal),
    async apiKeys(id, signal) {
      const keys = await call<ApiKeyRowView[]>("user_api_keys", { id }, signal);
      return keys.map((k) => ({ ...k, state: k.state as ApiKeyState }));
    },
    activity: (id, signal) => call<ActivityRowView[]>("user_activity", { id }, signal),
    refresh: () => call<BuildProgress>("users_refresh"),
  };
}

/** Writes on one user. */
export function userAdminApi(hooks: AdapterHooks = {}): UserAdminApi & {
  setActive(userId: string, active: boolean, reason: string): Promise<StatusChangeView>;
  resetPassword(userId: string): Promise<PasswordResetView>;
} {
  const call = caller(hooks);
  return {
    async create(input): Promise<CreateUserResult> {
      const r = await call<CreateUserResultView>("user_create", { input });
      if (r.kind === "refused") {
        const field = r.field === "email" || r.field === "username" || r.field === "password" ? r.field : null;
        return { kind: "refused", field, error: r.error };
      }
      return { kind: "created", user: r.user, approval: r.approval ? approval(r.approval) : null };
    },
    async changeRole(userId, role, reason) {
      const r = await call<RoleChangeResultView>("user_change_role", { id: userId, role, reason });
      return r.kind === "requested" ? { kind: "requested", request: approval(r.request) } : r;
    },
    async revokeSession(userId, tokenId) {
      await call<RevokedView>("session_revoke", { userId, tokenId });
    },
    revokeAllSessions: (userId) => call<RevokedView>("sessions_revoke_all", { userId }),
    issueApiKey: (userId, input) => call<IssuedKeyView>("api_key_issue", { userId, input }),
    async setApiKeyActive(handle, active) {
      await call("api_key_set_active", { handle, active });
    },
    async revokeApiKey(handle) {
      await call("api_key_revoke", { handle });
    },
    setActive: (userId, active, reason) => call<StatusChangeView>("user_set_active", { id: userId, active, reason }),
    resetPassword: (userId) => call<PasswordResetView>("user_reset_password", { id: userId }),
  };
}

/** Runs (or resumes) a batch, each result arriving through a channel as it lands. */
function batchRunner(call: ReturnType<typeof caller>): BatchRunner {
  return {
    run(batchId, onResult, signal) {
      const channel = new Channel<BatchResultView>((r) => onResult(r.id, r.outcome));
      // Aborting asks the Rust side to stop after the current item; the run then resolves
      // `interrupted` with every finished item reported.
      const stop = () => void call("batch_cancel", { batchId }).catch(() => undefined);
      signal.addEventListener("abort", stop, { once: true });
      return call<BatchRunEnd>("batch_run", { batchId, onResult: channel }).finally(() =>
        signal.removeEventListener("abort", stop),
      );
    },
  };
}

/** Dormant accounts: a dry run, then a resumable run reporting each result. */
export function dormantApi(hooks: AdapterHooks = {}): DormantApi {
  const call = caller(hooks);
  return {
    ...batchRunner(call),
    planDeactivate: (days, reason, signal) => call<BatchPlanView>("dormant_plan", { days, reason }, signal),
    unfinished: (signal) => call<BatchPlanView | null>("batch_unfinished", undefined, signal),
  };
}

/** Bulk actions from the users table: dry run over ids or a filter, run, resume. */
export function bulkApi(hooks: AdapterHooks = {}): BulkApi {
  const call = caller(hooks);
  return {
    ...batchRunner(call),
    plan(action, target, signal) {
      const t: BulkTargetInput =
        target.kind === "ids"
          ? target
          : { kind: "filter", query: { ...target.query, sort: { key: target.query.sort.key, dir: target.query.sort.dir } }, except: target.except };
      return call<BatchPlanView>("bulk_plan", { action, target: t }, signal);
    },
    unfinished: (signal) => call<BatchSummaryView[]>("batches_unfinished", undefined, signal),
    show: (batchId, signal) => call<BatchPlanView>("batch_show", { batchId }, signal),
  };
}

export function approvalsApi(hooks: AdapterHooks = {}): ApprovalsApi {
  const call = caller(hooks);
  return {
    async list(signal) {
      const l = await call<ApprovalListView>("approvals_list", undefined, signal);
      return { pending: l.pending.map(approval), history: l.history.map(approval) };
    },
    approve: async (id) => approval(await call<ApprovalView>("approval_approve", { id })),
    refuse: async (id, reason) => approval(await call<ApprovalView>("approval_refuse", { id, reason })),
  };
}

export function mfaApi(hooks: AdapterHooks = {}): MfaApi {
  const call = caller(hooks);
  return {
    coverage: (signal) => call<MfaCoverageView>("mfa_coverage", undefined, signal),
    begin: (userId) => call<EnrollmentView>("mfa_begin", { userId }),
    confirm: (userId, code) => call<ConfirmResultView>("mfa_confirm", { userId, input: { code } }),
    regenerateBackupCodes: (userId) => call<string[]>("mfa_regenerate_backup_codes", { userId }),
    async reset(userId, reason) {
      await call("mfa_reset", { userId, reason });
    },
  };
}

export function accessApi(hooks: AdapterHooks = {}): AccessApi {
  const call = caller(hooks);
  return {
    snapshot: (signal) => call<AccessSnapshotView>("access_snapshot", undefined, signal),
    async unlock(userId, reason) {
      await call("account_unlock", { userId, reason });
    },
    async unblock(ip, reason) {
      await call("ip_unblock", { ip, reason });
    },
    async block(ip, minutes, reason) {
      await call("ip_block", { ip, minutes, reason });
    },
  };
}
