// Fake in-page APIs for the UI-kit harness: a million users computed from their index (no
// million-object array), a locks snapshot, and a log of every fetch and abort for the tests.
import type { AccessApi, AccessSnapshot, CauseEvent } from "../features/access/api";
import type { UserPage, UserQuery, UserRow, UsersApi } from "../features/users/api";
import { queryKey } from "../features/users/api";

export interface FetchLog {
  id: number;
  what: string;
  offset: number;
  limit: number;
  key: string;
  state: "pending" | "done" | "aborted";
}

export const harnessLog: { fetches: FetchLog[] } = { fetches: [] };
declare global {
  interface Window {
    __harness: { fetches: FetchLog[]; [k: string]: unknown };
  }
}
window.__harness = harnessLog as Window["__harness"];

let nextId = 1;
/** Resolves `make()` after `delay` ms unless the signal aborts first; logs both outcomes. */
export function delayed<T>(what: string, key: string, offset: number, limit: number, delay: number, signal: AbortSignal, make: () => T): Promise<T> {
  const entry: FetchLog = { id: nextId++, what, offset, limit, key, state: "pending" };
  harnessLog.fetches.push(entry);
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      entry.state = "done";
      resolve(make());
    }, delay);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      entry.state = "aborted";
      reject(new DOMException("aborted", "AbortError"));
    });
  });
}

const ROLES = ["basic_user", "premium_user", "basic_user", "guest", "premium_user", "basic_user", "admin"] as const;
const GIVEN = ["minjun", "seoyeon", "jiho", "alice", "haeun", "bob", "doyun", "carol", "jiwoo", "dave", "서연", "민준"];
export const BASE = Date.UTC(2026, 10, 24, 1, 0, 0);

export function naive(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "").replace(/\.\d+$/, ".000000").slice(0, 26);
}

/** User number i of the fake store, the same every time. */
export function fakeUser(i: number): UserRow {
  const given = GIVEN[i % GIVEN.length] ?? "user";
  const n = String(i).padStart(7, "0");
  const role = ROLES[i % ROLES.length] ?? "basic_user";
  const never = i % 11 === 3;
  const daysAgo = (i * 7919) % 400;
  return {
    id: `u${n}`,
    email: `${/^[a-z]+$/.test(given) ? given : "kr"}.${n}@example.test`,
    username: `${given}${i % 1000}`,
    role,
    is_active: i % 17 !== 5,
    mfa_enabled: role === "admin" ? i % 5 !== 0 : i % 3 === 0,
    last_login: never ? null : naive(BASE - daysAgo * 86_400_000 - (i % 86_400) * 1000),
    created_at: naive(BASE - 500 * 86_400_000 + i * 1000),
  };
}

function matches(u: UserRow, q: UserQuery, now: number): boolean {
  if (q.role && u.role !== q.role) return false;
  if (q.active !== null && u.is_active !== q.active) return false;
  if (q.mfa !== null && u.mfa_enabled !== q.mfa) return false;
  if (q.dormant_days !== null) {
    // The Rust side's dormant rule (crates/domain dormant.rs), mirrored by this fake backend:
    // idle since the last login, else since the account was created; neither is dormant.
    const since = u.last_login ?? u.created_at;
    if (since !== null && now - Date.parse(`${since}Z`) < q.dormant_days * 86_400_000) return false;
  }
  if (q.search) {
    const s = q.search.toLowerCase();
    if (!u.email.includes(s) && !u.username.toLowerCase().includes(s)) return false;
  }
  return true;
}

export function fakeUsersApi(opts: { total: number; delay: number; indexing?: boolean; unreadable?: number }): UsersApi {
  const cache = new Map<string, Int32Array | null>();
  const started = performance.now();
  /** while "indexing", the store reveals 40,000 users a second */
  const indexed = () => (opts.indexing ? Math.min(opts.total, 412_000 + Math.floor((performance.now() - started) * 4)) : opts.total);
  const matching = (q: UserQuery, upto: number): { count: number; at: (k: number) => number } => {
    const plain = !q.role && q.active === null && q.mfa === null && q.dormant_days === null && !q.search;
    const desc = q.sort.dir === "desc";
    if (plain) return { count: upto, at: (k) => (desc ? upto - 1 - k : k) };
    const key = `${queryKey(q)}@${upto}`;
    let hits = cache.get(key);
    if (!hits) {
      const buf = new Int32Array(upto);
      let n = 0;
      for (let i = 0; i < upto; i++) if (matches(fakeUser(i), q, BASE)) buf[n++] = i;
      hits = buf.subarray(0, n);
      cache.set(key, hits);
    }
    const h = hits;
    return { count: h.length, at: (k) => h[desc ? h.length - 1 - k : k] ?? 0 };
  };
  const unreadable = opts.unreadable ?? 3;
  return {
    page(q, offset, limit, signal) {
      return delayed("users", queryKey(q), offset, limit, opts.delay, signal, (): UserPage => {
        const upto = indexed();
        const m = matching(q, upto);
        const rows: UserRow[] = [];
        for (let k = offset; k < Math.min(m.count, offset + limit); k++) rows.push(fakeUser(m.at(k)));
        return { total: m.count, rows, unreadable, complete: upto >= opts.total, scanned: upto, estimated: opts.total };
      });
    },
    unreadable(offset, limit, signal) {
      return delayed("unreadable", "", offset, limit, opts.delay, signal, () => ({
        total: unreadable,
        rows: [
          { key: "user:u_broken_01", reason: "missing field `role`" },
          { key: "user:u_broken_02", reason: "`created_at` is not an ISO time: '2024-13-45'" },
          { key: "user:u_broken_03", reason: "WRONGTYPE: a string where a hash was expected" },
        ].slice(offset, offset + limit),
      }));
    },
    detail(id, signal) {
      const i = Number(id.slice(1));
      const u = fakeUser(i);
      return delayed("detail", id, 0, 1, 60, signal, () => ({
        user: u,
        permissions:
          u.role === "admin"
            ? ["read_stock_data", "write_stock_data", "read_sentiment_data", "manage_users", "access_analytics", "export_data"]
            : u.role === "premium_user"
              ? ["read_stock_data", "read_sentiment_data", "access_analytics", "export_data"]
              : u.role === "basic_user"
                ? ["read_stock_data", "read_sentiment_data"]
                : ["read_stock_data"],
        mfa: { enabled: u.mfa_enabled, enrolled_at: u.mfa_enabled ? u.created_at : null, backup_codes_left: u.mfa_enabled ? 8 : null },
        lock: i % 2 === 0 ? { locked_at: naive(BASE - 120_000), ttl_seconds: 780 } : null,
        sessions: 2,
        api_keys: 1,
      }));
    },
    sessions(id, signal) {
      return delayed("sessions", id, 0, 1, 60, signal, () => [
        { token_id: "c2a7e1f0-4b1e-4d8a-9d0e-7f3a9c11aa01", created_at: naive(BASE - 3_600_000), expires_at: naive(BASE + 6 * 86_400_000), ttl_seconds: 601_200 },
        { token_id: "9f1b22d4-0c6e-45b7-8e61-2d5c0b7e3c92", created_at: naive(BASE - 86_400_000), expires_at: naive(BASE + 5 * 86_400_000), ttl_seconds: 518_400 },
      ]);
    },
    apiKeys(id, signal) {
      return delayed("keys", id, 0, 1, 60, signal, () => [
        { handle: "h_3f9a1c", key_id: "ak_Zx81nq0PqR4sT2vW", is_active: true, state: "active" as const, permissions: ["read_stock_data"], usage: 312, usage_limit: 1000, rate_limit: 100, created_at: naive(BASE - 40 * 86_400_000), expires_at: null },
      ]);
    },
    activity(id, signal) {
      return delayed("activity", id, 0, 1, 60, signal, () => [
        { event_id: "audit_1", timestamp: naive(BASE - 120_000), event_type: "security_violation", action: "account_locked", result: "success", severity: "high", ip_address: "203.0.113.7" },
        { event_id: "audit_2", timestamp: naive(BASE - 180_000), event_type: "authentication", action: "login", result: "failure", severity: "medium", ip_address: "203.0.113.7" },
        { event_id: "audit_3", timestamp: naive(BASE - 86_400_000), event_type: "authentication", action: "login", result: "success", severity: "low", ip_address: "198.51.100.20" },
      ]);
    },
  };
}

/** A failed sign-in as the service logs it (CauseEvent). */
function failedLogin(n: number, msAgo: number, ip: string, user: [string, string | null] | null, ua: string | null): CauseEvent {
  return {
    event_id: `audit_${BASE - msAgo}_${n}`,
    timestamp: naive(BASE - msAgo),
    event_type: "user_login",
    action: "login",
    result: "failure",
    ip_address: ip,
    user_id: user ? user[0] : null,
    email: user ? user[1] : null,
    user_agent: ua,
    failures: null,
  };
}

function lockout(msAgo: number, ip: string, user: [string, string | null] | null, failures: number): CauseEvent {
  return { ...failedLogin(0, msAgo, ip, user, null), event_id: `audit_${BASE - msAgo}_lock`, event_type: "security_violation", action: "account_locked", result: "success", failures };
}

const MINJUN: [string, string] = ["u0000042", "minjun.0000042@example.test"];
const UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";

export const FAKE_ACCESS: AccessSnapshot = {
  account_locks: [
    {
      user_id: "u0000042",
      email: "minjun.0000042@example.test",
      until: naive(BASE + 805_000),
      until_readable: true,
      ttl_seconds: 805,
      failures: 5,
      causes: [
        lockout(95_000, "203.0.113.7", MINJUN, 5),
        ...[0, 1, 2, 3, 4].map((k) => failedLogin(k + 1, 95_000 + k * 21_000, "203.0.113.7", MINJUN, k === 4 ? "python-requests/2.31.0" : UA)),
      ],
    },
    { user_id: "u0000977", email: null, until: naive(BASE + 300_000), until_readable: true, ttl_seconds: 300, failures: null, causes: [] },
  ],
  ip_blocks: [
    {
      ip: "203.0.113.7",
      until: naive(BASE + 1_705_000),
      until_readable: true,
      ttl_seconds: 1705,
      origin: "service",
      failures: 3,
      causes: [failedLogin(7, 95_000, "203.0.113.7", MINJUN, UA), failedLogin(8, 120_000, "203.0.113.7", ["u0000311", "seoyeon.0000311@example.test"], UA), failedLogin(9, 150_000, "203.0.113.7", null, null)],
    },
    { ip: "2001:db8:bad::1", until: naive(BASE + 3_570_000), until_readable: true, ttl_seconds: 3570, origin: "console", failures: null, causes: [] },
    { ip: "198.51.100.23", until: "tomorrow", until_readable: false, ttl_seconds: null, origin: "unknown", failures: null, causes: [] },
  ],
  rate_limits: [
    // Not an integer: the middleware's int() fails on it too.
    { endpoint_type: "auth", ip: "192.0.2.13", count: null, limit: 10, ttl_seconds: 33, unreadable: "`ten` is not an integer" },
    { endpoint_type: "auth", ip: "203.0.113.7", count: 10, limit: 10, ttl_seconds: 41, unreadable: null },
    { endpoint_type: "default", ip: "198.51.100.20", count: 37, limit: 100, ttl_seconds: 12, unreadable: null },
    { endpoint_type: "sensitive", ip: "2001:db8::5", count: 2, limit: 5, ttl_seconds: 55, unreadable: null },
    // INCR after the window expired (CONTRACT §7.7): no TTL, never resets.
    { endpoint_type: "auth", ip: "192.0.2.99", count: 10, limit: 10, ttl_seconds: null, unreadable: null },
  ],
  low_reputations: [
    { ip: "203.0.113.7", score: 0.2, ttl_seconds: 3400 },
    { ip: "192.0.2.66", score: 0, ttl_seconds: 2000 },
  ],
  unreadable_keys: [{ key: "ip_reputation:192.0.2.8", reason: "`high` is not a float" }],
};

export function fakeAccessApi(): AccessApi & { calls: string[] } {
  const calls: string[] = [];
  let snap = structuredClone(FAKE_ACCESS);
  return {
    calls,
    snapshot: (signal) => delayed("access", "", 0, 1, 80, signal, () => structuredClone(snap)),
    unlock: async (userId, reason) => {
      calls.push(`unlock ${userId} ${reason}`);
      snap = { ...snap, account_locks: snap.account_locks.filter((l) => l.user_id !== userId) };
    },
    unblock: async (ip, reason) => {
      calls.push(`unblock ${ip} ${reason}`);
      snap = { ...snap, ip_blocks: snap.ip_blocks.filter((b) => b.ip !== ip) };
    },
    block: async (ip, minutes, reason) => {
      calls.push(`block ${ip} ${minutes} ${reason}`);
      snap = { ...snap, ip_blocks: [...snap.ip_blocks, { ip, until: naive(BASE + minutes * 60_000), until_readable: true, ttl_seconds: minutes * 60, origin: "console" as const, failures: null, causes: [] }] };
    },
  };
}
