// Stateful fakes for the identity write paths (harness only): user creation with the Rust side's
// refusals (duplicate e-mail, common password), role changes that turn a promotion to admin into
// a four-eyes request, sessions and API keys that change when revoked or issued, approvals, a
// dormant batch that fails one item and can be interrupted, and MFA with the three kinds of
// refused code. Every call is logged in `window.__harness.calls` for the tests.
import type { IpcError } from "../platform";
import type { ApprovalList, ApprovalRequest, ApprovalsApi } from "../features/approvals/api";
import type { MfaApi, MfaCoverage } from "../features/mfa/api";
import {
  ROLE_PERMISSIONS,
  type ApiKeyRow,
  type BatchPlan,
  type BulkApi,
  type BulkTarget,
  type DormantApi,
  type SessionRow,
  type UserAdminApi,
  type UserRow,
  type UsersApi,
} from "../features/users/api";
import { DEFAULT_QUERY } from "../features/users/api";
import type { BatchItem, ItemOutcome } from "../shared/BatchPreview";
import type { QrMatrix } from "../shared/QrCode";
import { BASE, fakeUser, naive } from "./fakes";

export const OPERATOR = "officer@rampart.test";
const OTHER = "second.admin@rampart.test";

export function calls(): string[] {
  const h = window.__harness as Record<string, unknown>;
  if (!Array.isArray(h.calls)) h.calls = [];
  return h.calls as string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ipc = (code: IpcError["code"], message: string): IpcError => ({ code, message, incident: code === "internal" ? "inc-7f3a" : null });

let counter = 0;
/** Deterministic "random" hex, so screenshots are stable. */
function hex(n: number): string {
  let out = "";
  while (out.length < n) {
    counter = (counter * 1103515245 + 12345 + out.length) >>> 0;
    out += (counter >>> 8).toString(16).padStart(6, "0");
  }
  return out.slice(0, n);
}

const COMMON = new Set(["password1234", "qwerty123456", "iloveyou1234", "123456789012"]);
const TAKEN = new Set(["minjun.0000042@example.test", "taken@example.test"]);

export function request(p: Partial<ApprovalRequest> & { id: string }): ApprovalRequest {
  return {
    user_id: "u0000012",
    email: "haeun.0000012@example.test",
    username: "haeun12",
    from_role: "premium_user",
    to_role: "admin",
    requested_by: OTHER,
    requested_at: naive(BASE - 3 * 3_600_000),
    expires_at: naive(BASE + 69 * 3_600_000),
    expires_in_seconds: 69 * 3600,
    reason: "On-call rotation needs a second admin for the trading desk (TICKET-4411).",
    status: "pending",
    decided_by: null,
    decided_at: null,
    decision_reason: null,
    ...p,
  };
}

export function fakeApprovals(): ApprovalsApi & { list_: () => ApprovalList } {
  let data: ApprovalList = {
    pending: [
      request({ id: "apr_01" }),
      request({
        id: "apr_02",
        user_id: "u0000027",
        email: "서연.0000027@example.test",
        username: "서연27",
        from_role: "basic_user",
        requested_by: OPERATOR,
        requested_at: naive(BASE - 20 * 60_000),
        expires_in_seconds: 72 * 3600 - 1200,
        reason: "보안팀 야간 당직 관리자 추가 (SEC-208)",
      }),
    ],
    history: [
      request({ id: "apr_00", user_id: "u0000006", email: "doyun.0000006@example.test", username: "doyun6", status: "approved", decided_by: OTHER, decided_at: naive(BASE - 86_400_000), expires_in_seconds: null, requested_by: OPERATOR }),
      request({ id: "apr_99", user_id: "u0000041", email: "bob.0000041@example.test", username: "bob41", status: "refused", decided_by: OPERATOR, decided_at: naive(BASE - 2 * 86_400_000), decision_reason: "No ticket; ask through the access-request form.", expires_in_seconds: null }),
      request({ id: "apr_98", user_id: "u0000033", email: "jiwoo.0000033@example.test", username: "jiwoo33", status: "expired", expires_in_seconds: null, expires_at: naive(BASE - 4 * 86_400_000) }),
    ],
  };
  const decide = async (id: string, status: "approved" | "refused", reason: string | null): Promise<ApprovalRequest> => {
    calls().push(`${status} ${id}${reason ? ` ${reason}` : ""}`);
    await sleep(60);
    const r = data.pending.find((x) => x.id === id);
    if (!r) throw ipc("not_found", "the request is no longer pending");
    if (status === "approved" && r.requested_by === OPERATOR) throw ipc("forbidden", "the operator who asked cannot approve the request");
    const done: ApprovalRequest = { ...r, status, decided_by: OPERATOR, decided_at: naive(BASE), decision_reason: reason, expires_in_seconds: null };
    data = { pending: data.pending.filter((x) => x.id !== id), history: [done, ...data.history] };
    return done;
  };
  return {
    list_: () => data,
    list: async () => {
      await sleep(50);
      return structuredClone(data);
    },
    approve: (id) => decide(id, "approved", null),
    refuse: (id, reason) => decide(id, "refused", reason),
  };
}

/** Wraps the read fake with sessions and API keys that change, and the write API. */
export function fakeIdentity(users: UsersApi): { users: UsersApi; admin: UserAdminApi } {
  const sessions = new Map<string, SessionRow[]>();
  const keys = new Map<string, ApiKeyRow[]>();
  const sessionsOf = (id: string) => {
    let s = sessions.get(id);
    if (!s) {
      s = [
        { token_id: `Yyoi0r${hex(31)}oonE`, created_at: naive(BASE - 3_600_000), expires_at: naive(BASE + 6 * 86_400_000), ttl_seconds: 601_200 },
        { token_id: `Q2vb7K${hex(31)}m3Xc`, created_at: naive(BASE - 86_400_000), expires_at: naive(BASE + 5 * 86_400_000), ttl_seconds: 518_400 },
      ];
      sessions.set(id, s);
    }
    return s;
  };
  const keysOf = (id: string) => {
    let k = keys.get(id);
    if (!k) {
      k = [
        { handle: "h_3f9a1c", key_id: "ak_Zx81nq0PqR4sT2vW", is_active: true, state: "active", permissions: ["read_stock_data"], usage: 312, usage_limit: 1000, rate_limit: 100, created_at: naive(BASE - 40 * 86_400_000), expires_at: null },
        { handle: "h_77b0e2", key_id: "ak_Lm3PqQ9vT0aZ1bYc", is_active: true, state: "over_quota", permissions: ["read_stock_data"], usage: 1000, usage_limit: 1000, rate_limit: 100, created_at: naive(BASE - 80 * 86_400_000), expires_at: naive(BASE + 10 * 86_400_000) },
        { handle: "h_c41d90", key_id: "ak_Fd0sWq2ErT5yUi8o", is_active: false, state: "inactive", permissions: ["read_stock_data"], usage: 12, usage_limit: 5000, rate_limit: 100, created_at: naive(BASE - 200 * 86_400_000), expires_at: null },
      ];
      keys.set(id, k);
    }
    return k;
  };
  const created = new Map<string, UserRow>();

  const wrapped: UsersApi = {
    ...users,
    detail: async (id, signal) => {
      const d = await users.detail(id, signal);
      const c = created.get(id);
      return { ...d, user: c ?? d.user, sessions: sessionsOf(id).length, api_keys: keysOf(id).length };
    },
    sessions: async (id) => {
      await sleep(40);
      return structuredClone(sessionsOf(id));
    },
    apiKeys: async (id) => {
      await sleep(40);
      return structuredClone(keysOf(id));
    },
  };

  const admin: UserAdminApi = {
    async create(input) {
      calls().push(`create ${input.email} ${input.username} ${input.role}`);
      await sleep(80);
      if (TAKEN.has(input.email)) return { kind: "refused", field: "email", error: ipc("conflict", `an account with e-mail ${input.email} already exists (user_email:${input.email})`) };
      if (COMMON.has(input.password.toLowerCase()))
        return { kind: "refused", field: "password", error: ipc("validation", "this password is in the list of common passwords; choose another") };
      const user: UserRow = {
        id: `user_${hex(22)}`,
        email: input.email,
        username: input.username,
        role: input.role === "admin" ? "basic_user" : input.role,
        is_active: true,
        mfa_enabled: false,
        last_login: null,
        created_at: naive(BASE),
      };
      created.set(user.id, user);
      const approval = input.role === "admin" ? request({ id: "apr_new", user_id: user.id, email: user.email, username: user.username, from_role: "basic_user", requested_by: OPERATOR, reason: "created as admin" }) : null;
      return { kind: "created", user, approval };
    },
    async changeRole(userId, role, reason) {
      calls().push(`role ${userId} ${role} ${reason}`);
      await sleep(80);
      const u = created.get(userId) ?? fakeUser(Number(userId.slice(1)));
      if (role === "admin") return { kind: "requested", request: request({ id: "apr_role", user_id: userId, email: u.email, username: u.username, from_role: u.role, requested_by: OPERATOR, reason }) };
      return { kind: "changed", user: { ...u, role }, permissions: [...ROLE_PERMISSIONS[role]] };
    },
    async revokeSession(userId, tokenId) {
      calls().push(`revoke-session ${userId} ${tokenId.slice(0, 6)}`);
      await sleep(50);
      sessions.set(userId, sessionsOf(userId).filter((s) => s.token_id !== tokenId));
    },
    async revokeAllSessions(userId) {
      calls().push(`revoke-all ${userId}`);
      await sleep(50);
      const n = sessionsOf(userId).length;
      sessions.set(userId, []);
      return { revoked: n };
    },
    async issueApiKey(userId, input) {
      calls().push(`issue ${userId} ${input.permissions.join(",")} ${input.usage_limit} ${input.rate_limit} ${input.expires_at ?? "none"}`);
      await sleep(80);
      const key_id = `ak_${hex(16)}`;
      const api_key = `${hex(8)}-${hex(8)}_${hex(26)}`;
      keysOf(userId).push({ handle: `h_${hex(6)}`, key_id, is_active: true, state: "active", permissions: input.permissions, usage: 0, usage_limit: input.usage_limit, rate_limit: input.rate_limit, created_at: naive(BASE), expires_at: input.expires_at });
      return { handle: "h_new", key_id, api_key };
    },
    async setApiKeyActive(handle, active) {
      calls().push(`key-active ${handle} ${active}`);
      await sleep(50);
      for (const list of keys.values())
        for (const k of list)
          if (k.handle === handle) {
            k.is_active = active;
            k.state = active ? (k.usage >= k.usage_limit ? "over_quota" : "active") : "inactive";
          }
    },
    async revokeApiKey(handle) {
      calls().push(`key-revoke ${handle}`);
      await sleep(50);
      for (const [id, list] of keys) keys.set(id, list.filter((k) => k.handle !== handle));
    },
  };
  return { users: wrapped, admin };
}

/** A dormant batch over the (small) fake store: item `failAt` of the changes fails; with
 *  `breakAt` the "store" goes away after that many results (the run rejects). */
export function fakeDormant(users: UsersApi, opts: { failAt: number; breakAt: number | null; unfinished: boolean }): DormantApi {
  const plans = new Map<string, { plan: BatchPlan; results: Map<string, ItemOutcome> }>();
  let broke = false;
  const build = async (days: number, signal: AbortSignal, id: string): Promise<BatchPlan> => {
    const page = await users.page({ ...DEFAULT_QUERY, dormant_days: days, sort: { key: "last_login", dir: "asc" } }, 0, 500, signal);
    return {
      batch_id: id,
      action: "deactivate",
      to_role: null,
      reason: `dormant: no login for ${days} days`,
      created_by: OPERATOR,
      created_at: naive(BASE),
      items: page.rows.map((u) => ({
        id: u.id,
        label: u.email,
        kind: u.is_active ? "change" : "no_change",
        field: "is_active",
        before: u.is_active ? "True" : "False",
        after: "False",
        skip: u.is_active ? null : "no change",
      })),
      results: [],
    };
  };
  let pre: Promise<void> | null = null;
  if (opts.unfinished) {
    pre = build(90, new AbortController().signal, "batch_prev").then((plan) => {
      const results = new Map<string, ItemOutcome>();
      plan.items.filter((it) => !it.skip).slice(0, 5).forEach((it) => results.set(it.id, { status: "ok" }));
      plans.set(plan.batch_id, { plan, results });
    });
  }
  const snapshot = (id: string): BatchPlan => {
    const p = plans.get(id);
    if (!p) throw ipc("not_found", "no such batch");
    return { ...p.plan, results: [...p.results].map(([rid, outcome]) => ({ id: rid, outcome })) };
  };
  return {
    async planDeactivate(days, reason, signal) {
      calls().push(`plan ${days} ${reason}`);
      const plan = await build(days, signal, `batch_${hex(8)}`);
      plans.set(plan.batch_id, { plan, results: new Map() });
      return plan;
    },
    async run(batchId, onResult, signal) {
      calls().push(`run ${batchId}`);
      const p = plans.get(batchId);
      if (!p) throw ipc("not_found", "no such batch");
      const todo = p.plan.items.filter((it) => !it.skip);
      for (const [k, it] of todo.entries()) {
        if (p.results.has(it.id)) continue;
        if (signal.aborted) return "interrupted";
        if (opts.breakAt !== null && !broke && p.results.size >= opts.breakAt) {
          broke = true;
          throw ipc("unavailable", "the connection to Redis was lost (Connection reset by peer)");
        }
        await sleep(25);
        const outcome: ItemOutcome = k === opts.failAt ? { status: "failed", message: "WATCH conflict: the user changed during the batch (last_login written)" } : { status: "ok" };
        p.results.set(it.id, outcome);
        calls().push(`item ${it.id} ${outcome.status}`);
        onResult(it.id, outcome);
      }
      return "done";
    },
    async unfinished() {
      await pre;
      return plans.has("batch_prev") ? snapshot("batch_prev") : null;
    },
  };
}

const CODES_A = ["22b33b22", "9f0c41ad", "e7d21b6c", "04aa9e3f", "b18c7d52", "5e6f0a91", "c3d9e8b4", "71f2a0cd", "8a4b6e13", "42043f6b"];
const CODES_B = ["1c7e9a04", "f3b25d86", "60a1c9e7", "d84f2b31", "2e9c07af", "a5d1e6f8", "7b30c4d2", "e1f96a5b", "39ad8c70", "c6e24f19"];

export function fakeMfa(qr: QrMatrix, secret: string): MfaApi {
  let coverage: MfaCoverage = {
    roles: [
      { role: "admin", total: 142_857, enabled: 114_286 },
      { role: "premium_user", total: 285_714, enabled: 95_238 },
      { role: "basic_user", total: 428_572, enabled: 142_857 },
      { role: "guest", total: 142_857, enabled: 47_619 },
    ],
    admins_without_mfa: [
      { user_id: "u0000006", email: "doyun.0000006@example.test", username: "doyun6", is_active: true, reason: "mfa_off" },
      { user_id: "u0000035", email: "kr.0000035@example.test", username: "민준35", is_active: true, reason: "mfa_off" },
      { user_id: "u0000076", email: "kr.0000076@example.test", username: "서연76", is_active: false, reason: "flag_on_but_no_record" },
      { user_id: "u0000090", email: "jiho.0000090@example.test", username: "jiho90", is_active: true, reason: "record_unreadable: secret_key is not base32" },
    ],
    unreadable: 3,
  };
  let regenerated = false;
  return {
    coverage: async () => {
      await sleep(50);
      return structuredClone(coverage);
    },
    begin: async (userId) => {
      calls().push(`mfa-begin ${userId}`);
      await sleep(60);
      return { secret, issuer: "Stock Analysis App", account: `user_${userId}`, qr, expires_in_seconds: 600 };
    },
    confirm: async (userId, code) => {
      calls().push(`mfa-confirm ${userId} ${code}`);
      await sleep(60);
      if (code === "111111") return { kind: "refused", refusal: { kind: "drift", steps: -3 } };
      if (code === "222222") return { kind: "refused", refusal: { kind: "replayed" } };
      if (code !== "123456") return { kind: "refused", refusal: { kind: "wrong" } };
      coverage = {
        ...coverage,
        admins_without_mfa: coverage.admins_without_mfa.filter((g) => g.user_id !== userId),
        roles: coverage.roles.map((r) => (r.role === "admin" ? { ...r, enabled: r.enabled + 1 } : r)),
      };
      return { kind: "enabled", backup_codes: [...CODES_A] };
    },
    regenerateBackupCodes: async (userId) => {
      calls().push(`mfa-regen ${userId}`);
      await sleep(60);
      regenerated = !regenerated;
      return [...(regenerated ? CODES_B : CODES_A)];
    },
    reset: async (userId, reason) => {
      calls().push(`mfa-reset ${userId} ${reason}`);
      await sleep(60);
    },
  };
}

/** Bulk actions over the fake users: ids, or a filter resolved over every matching user (as
 *  the Rust side does at dry-run time); item `failAt` of a run fails; a promotion to admin
 *  becomes an approval request. */
export function fakeBulk(users: UsersApi, opts: { failAt: number } = { failAt: 2 }): BulkApi {
  const batches = new Map<string, { plan: BatchPlan; results: Map<string, ItemOutcome> }>();
  const view = (id: string): BatchPlan => {
    const b = batches.get(id);
    if (!b) throw ipc("not_found", `not found: no batch ${id}`);
    return { ...b.plan, results: [...b.results].map(([rid, outcome]) => ({ id: rid, outcome })) };
  };
  const rows = async (target: BulkTarget, signal: AbortSignal): Promise<UserRow[]> => {
    if (target.kind === "filter") {
      const first = await users.page(target.query, 0, 1, signal);
      if (first.total > 10_000) throw ipc("validation", `invalid input: ${first.total} users match the filter; a batch holds at most 10000: narrow the filter`);
      const all = await users.page(target.query, 0, first.total, signal);
      const except = new Set(target.except);
      return all.rows.filter((u) => !except.has(u.id));
    }
    const found: UserRow[] = [];
    for (const id of target.ids) found.push((await users.detail(id, signal)).user);
    return found;
  };
  return {
    async plan(action, target, signal) {
      calls().push(`bulk-plan ${action.action} ${target.kind}`);
      const list = await rows(target, signal);
      const field = action.action === "deactivate" ? "is_active" : action.action === "change_role" ? "role" : "sessions";
      const items: BatchItem[] = list.map((u, k) => {
        const base = { id: u.id, label: u.email, field };
        if (action.action === "deactivate")
          return u.is_active ? { ...base, kind: "change", before: "True", after: "False" } : { ...base, kind: "no_change", before: "False", after: "False", skip: "no change" };
        if (action.action === "change_role") {
          if (u.role === action.role) return { ...base, kind: "no_change", before: u.role, after: u.role, skip: "no change" };
          return { ...base, kind: action.role === "admin" ? "approval_request" : "change", before: u.role, after: action.role };
        }
        const n = k % 4;
        return n === 0 ? { ...base, kind: "no_change", before: "0", after: "0", skip: "no change" } : { ...base, kind: "change", before: String(n), after: "0" };
      });
      const plan: BatchPlan = {
        batch_id: `b_${hex(9)}`,
        action: action.action,
        to_role: action.action === "change_role" ? action.role : null,
        reason: action.reason,
        created_by: OPERATOR,
        created_at: naive(BASE),
        items,
        results: [],
      };
      batches.set(plan.batch_id, { plan, results: new Map() });
      return plan;
    },
    async run(batchId, onResult, signal) {
      calls().push(`bulk-run ${batchId}`);
      const b = batches.get(batchId);
      if (!b) throw ipc("not_found", `not found: no batch ${batchId}`);
      for (const [k, it] of b.plan.items.entries()) {
        if (b.results.has(it.id)) continue;
        if (signal.aborted) return "interrupted";
        await sleep(25);
        const outcome: ItemOutcome =
          k === opts.failAt
            ? { status: "failed", message: "conflict: user:" + it.id + " changed 20 times while the role was written; try again" }
            : it.kind === "no_change"
              ? { status: "unchanged" }
              : it.kind === "approval_request"
                ? { status: "requested", approval_id: `apr_${hex(6)}` }
                : { status: "ok" };
        b.results.set(it.id, outcome);
        onResult(it.id, outcome);
      }
      return "done";
    },
    async unfinished() {
      return [...batches.values()]
        .filter((b) => b.results.size > 0 && b.results.size < b.plan.items.length)
        .map((b) => ({
          batch_id: b.plan.batch_id,
          action: b.plan.action,
          to_role: b.plan.to_role,
          reason: b.plan.reason,
          created_by: b.plan.created_by,
          created_at: b.plan.created_at,
          total: b.plan.items.length,
          done: b.results.size,
          failed: [...b.results.values()].filter((o) => o.status === "failed").length,
        }));
    },
    async show(batchId) {
      return view(batchId);
    },
  };
}
