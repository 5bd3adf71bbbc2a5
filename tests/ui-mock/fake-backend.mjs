// A fake Rust side for the UI tests: answers every IPC command of the wire contract
// (ui/src/platform/generated/wire.ts) from a plain scenario object, and records each call.
// `installFakeBackend` runs *inside the page* (it is serialised by page.addInitScript), so it
// must not use anything from this module's scope.

export const OFFICER = {
  operator_id: "user_7f3a9c",
  email: "officer@rampart.test",
  username: "officer",
  role: "security_officer",
  capabilities: ["read", "verify_trail", "administer_identity"],
  profile: "local",
  read_only: false,
  signed_in_at: "2026-11-24T00:55:00Z",
  lock_after_minutes: 15,
};

export const AUDITOR = { ...OFFICER, operator_id: "user_2b81d0", email: "auditor@rampart.test", username: "auditor", role: "auditor", capabilities: ["read", "verify_trail"] };

export const ADMIN = {
  ...OFFICER,
  operator_id: "user_0c4e11",
  email: "admin@rampart.test",
  username: "admin",
  role: "console_admin",
  capabilities: ["read", "verify_trail", "administer_identity", "administer_console"],
};

export const LOCAL_PROFILE = {
  name: "local",
  is_default: true,
  read_only: false,
  embedded: "/root/.local/share/rampart/rampart.db",
  redis: null,
  es: null,
  sql: null,
};

export const PROD_PROFILE = {
  name: "prod-ro",
  is_default: false,
  read_only: true,
  embedded: null,
  redis: { url: "rediss://redis.internal:6380", username: "rampart", db: 0, tls: true, has_password: true },
  es: { url: "https://es.internal:9200", auth: "api_key", username: null, has_secret: true },
  sql: { url: "postgres://rampart@db.internal:5432/service", has_password: true },
};

/** Distinct, awkward numbers so a test cannot pass by showing the wrong field. */
export const OVERVIEW = {
  generated_at: "2026-11-24T01:00:00Z",
  users_total: 10007,
  users_unreadable: 3,
  users_by_role: [
    { role: "admin", users: 41, active: 39, mfa_enabled: 37 },
    { role: "analyst", users: 2966, active: 2801, mfa_enabled: 2210 },
    { role: "viewer", users: 7000, active: 6123, mfa_enabled: 1402 },
  ],
  mfa_enabled: 3649,
  admins_without_mfa: 4,
  keys_by_purpose: [
    { purpose: "pii", active: 2, total: 5 },
    { purpose: "jwt_signing", active: 1, total: 3 },
    { purpose: "api_hmac", active: 0, total: 1 },
  ],
  events_24h: 8123,
  account_locks: 12,
  ip_blocks: 5,
  trail: { ok: true, entries: 214, first_broken: null, message: "214 entries verified" },
  errors: [],
};

/** A failed sign-in as the service logs it (CauseEventView): what `access_snapshot` carries. */
export function failedLogin(id, timestamp, ip, user = null, userAgent = null) {
  return {
    event_id: id,
    timestamp,
    event_type: "user_login",
    action: "login",
    result: "failure",
    ip_address: ip,
    user_id: user ? user.id : null,
    email: user ? user.email : null,
    user_agent: userAgent,
    failures: null,
  };
}

/** The service's own lockout event after a burst (CONTRACT §6.2): user agent "", a count. */
export function lockoutEvent(id, timestamp, ip, user, failures) {
  return { ...failedLogin(id, timestamp, ip, user, null), event_type: "security_violation", action: "account_locked", result: "success", failures };
}

const CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const LOCKED = { id: "user_b2", email: "seoyeon.lee@example.test" };

/**
 * Locks and blocks as `access_snapshot` returns them (AccessSnapshotView), times around
 * 2026-11-24T01:00Z: a lock after a five-failure burst, a lock whose events aged out; a block
 * the service set (its failures), one the console set (audited), one of unknown origin without
 * TTL; an unreadable counter, a counter without TTL; an unreadable reputation key.
 */
export const ACCESS = {
  account_locks: [
    {
      user_id: LOCKED.id,
      email: LOCKED.email,
      until: "2026-11-24T01:13:25.118204",
      until_readable: true,
      ttl_seconds: 805,
      failures: 5,
      causes: [
        lockoutEvent("audit_1795482055118_-51", "2026-11-24T00:58:25.118204", "203.0.113.7", LOCKED, 5),
        failedLogin("audit_1795482055101_-45", "2026-11-24T00:58:25.101377", "203.0.113.7", LOCKED, CHROME),
        failedLogin("audit_1795482031870_-44", "2026-11-24T00:58:01.870012", "203.0.113.7", LOCKED, CHROME),
        failedLogin("audit_1795482002515_-43", "2026-11-24T00:57:32.515660", "203.0.113.7", LOCKED, "python-requests/2.31.0"),
        failedLogin("audit_1795481977004_-42", "2026-11-24T00:57:07.004518", "203.0.113.7", LOCKED, "python-requests/2.31.0"),
        failedLogin("audit_1795481950226_-41", "2026-11-24T00:56:40.226931", "203.0.113.7", LOCKED, "python-requests/2.31.0"),
      ],
    },
    { user_id: "user_9x77", email: null, until: "2026-11-24T01:05:00.000000", until_readable: true, ttl_seconds: 300, failures: null, causes: [] },
  ],
  ip_blocks: [
    {
      ip: "203.0.113.7",
      until: "2026-11-24T01:28:25.118204",
      until_readable: true,
      ttl_seconds: 1705,
      origin: "service",
      failures: 5,
      causes: [
        lockoutEvent("audit_1795482055118_-51", "2026-11-24T00:58:25.118204", "203.0.113.7", LOCKED, 5),
        failedLogin("audit_1795482055101_-45", "2026-11-24T00:58:25.101377", "203.0.113.7", LOCKED, CHROME),
        failedLogin("audit_1795482031870_-44", "2026-11-24T00:58:01.870012", "203.0.113.7", { id: "user_a1", email: "minjun.kim@example.test" }, CHROME),
        failedLogin("audit_1795482002515_-43", "2026-11-24T00:57:32.515660", "203.0.113.7", null, "python-requests/2.31.0"),
        failedLogin("audit_1795481977004_-42", "2026-11-24T00:57:07.004518", "203.0.113.7", LOCKED, "python-requests/2.31.0"),
        failedLogin("audit_1795481950226_-41", "2026-11-24T00:56:40.226931", "203.0.113.7", LOCKED, "python-requests/2.31.0"),
      ],
    },
    { ip: "2001:db8:bad::1", until: "2026-11-24T01:59:30.000000", until_readable: true, ttl_seconds: 3570, origin: "console", failures: null, causes: [] },
    { ip: "198.51.100.23", until: "2026-11-20T09:00:00.000000", until_readable: true, ttl_seconds: null, origin: "unknown", failures: null, causes: [] },
  ],
  rate_limits: [
    { endpoint_type: "auth", ip: "192.0.2.13", count: null, limit: 10, ttl_seconds: 33, unreadable: "`ten` is not an integer" },
    { endpoint_type: "auth", ip: "203.0.113.7", count: 10, limit: 10, ttl_seconds: 41, unreadable: null },
    { endpoint_type: "default", ip: "198.51.100.20", count: 37, limit: 100, ttl_seconds: 12, unreadable: null },
    { endpoint_type: "auth", ip: "192.0.2.99", count: 10, limit: 10, ttl_seconds: null, unreadable: null },
  ],
  low_reputations: [
    { ip: "203.0.113.7", score: 0.2, ttl_seconds: 3400 },
    { ip: "192.0.2.66", score: 0, ttl_seconds: 2000 },
  ],
  unreadable_keys: [{ key: "ip_reputation:192.0.2.8", reason: "`high` is not a float" }],
};

export function connectionFor(profile, extra = {}) {
  return {
    profile: profile.name,
    read_only: profile.read_only,
    keyspace: profile.redis ? profile.redis.url : `sqlite:${profile.embedded}`,
    audit_index: profile.es ? profile.es.url : "embedded",
    records: profile.sql ? profile.sql.url : null,
    user_count: 10007,
    operators_configured: true,
    demo_available: false,
    ...extra,
  };
}

/** The service's users as the identity commands return them (UserRowView). */
export const USERS = [
  { id: "user_a1", email: "minjun.kim@example.test", username: "김민준", role: "admin", is_active: true, mfa_enabled: true, last_login: "2026-11-23T08:00:00.000000", created_at: "2026-01-02T03:04:05.000000" },
  { id: "user_b2", email: "seoyeon.lee@example.test", username: "이서연", role: "premium_user", is_active: true, mfa_enabled: false, last_login: "2026-11-20T10:30:00.000000", created_at: "2026-02-03T04:05:06.000000" },
  { id: "user_c3", email: "alice@example.test", username: "alice", role: "basic_user", is_active: false, mfa_enabled: false, last_login: null, created_at: "2026-03-04T05:06:07.000000" },
  { id: "user_d4", email: "bob@example.test", username: "bob", role: "guest", is_active: true, mfa_enabled: false, last_login: "2026-06-01T00:00:00.000000", created_at: "2026-04-05T06:07:08.000000" },
];

/** Rampart's console-role registry as operators_list returns it (OperatorEntry): readable
 *  grants of every role, one unreadable grant, one whose user record is gone, and accounts
 *  that cannot sign in (no MFA, deactivated, locked). One console admin, so it is the last. */
export const OPERATORS = [
  { user_id: "user_0c4e11", email: "admin@rampart.test", username: "admin", role: "console_admin", granted_by: "local:root", granted_by_email: null, granted_at: "2026-09-01T02:00:00", grant_error: null, blockers: [], locked_until: null, problems: [] },
  { user_id: "user_7f3a9c", email: "officer@rampart.test", username: "officer", role: "security_officer", granted_by: "user_0c4e11", granted_by_email: "admin@rampart.test", granted_at: "2026-09-02T07:15:00", grant_error: null, blockers: [], locked_until: null, problems: [] },
  { user_id: "user_2b81d0", email: "auditor@rampart.test", username: "auditor", role: "auditor", granted_by: "user_0c4e11", granted_by_email: "admin@rampart.test", granted_at: "2026-09-02T07:16:00", grant_error: null, blockers: [], locked_until: null, problems: [] },
  { user_id: "user_a1", email: "minjun.kim@example.test", username: "김민준", role: "key_custodian", granted_by: "user_0c4e11", granted_by_email: "admin@rampart.test", granted_at: "2026-10-11T01:30:00", grant_error: null, blockers: ["locked"], locked_until: "2026-11-24T01:15:00", problems: [] },
  { user_id: "user_b2", email: "seoyeon.lee@example.test", username: "이서연", role: "security_officer", granted_by: "user_0c4e11", granted_by_email: "admin@rampart.test", granted_at: "2026-10-12T05:00:00", grant_error: null, blockers: ["no_mfa"], locked_until: null, problems: [] },
  { user_id: "user_c3", email: "alice@example.test", username: "alice", role: "auditor", granted_by: "user_7f3a9c", granted_by_email: "officer@rampart.test", granted_at: "2026-10-20T09:45:00", grant_error: null, blockers: ["deactivated", "no_mfa"], locked_until: null, problems: [] },
  { user_id: "user_9d2f00", email: "jiho.park@ops.example.test", username: "박지호", role: null, granted_by: null, granted_by_email: null, granted_at: null, grant_error: "unknown variant `superuser`, expected one of `security_officer`, `auditor`, `key_custodian`, `console_admin` at line 1 column 20", blockers: ["grant_unreadable"], locked_until: null, problems: [] },
  { user_id: "user_5e0a77", email: null, username: null, role: "auditor", granted_by: "user_0c4e11", granted_by_email: "admin@rampart.test", granted_at: "2026-08-30T23:00:00", grant_error: null, blockers: ["no_user"], locked_until: null, problems: [] },
];

/** A full scenario; tests override what they are about. */
export function scenario(overrides = {}) {
  return {
    appInfo: {
      version: "0.1.0",
      os_locale: "en-US",
      data_dir: "/root/.local/share/rampart",
      config_dir: "/root/.config/rampart",
      settings: { language: "en", time_zone: "Asia/Seoul", theme: "dark", lock_after_minutes: 15 },
      keychain: { available: true, backend: "secret-service", error: null },
      config_error: null,
    },
    profiles: [LOCAL_PROFILE, PROD_PROFILE],
    connection: null,
    connections: {
      local: connectionFor(LOCAL_PROFILE),
      "prod-ro": connectionFor(PROD_PROFILE),
    },
    session: null,
    signInSession: OFFICER,
    signInError: null,
    sessionError: null,
    overview: OVERVIEW,
    overviewDelayMs: 0,
    probeDelayMs: 400,
    probe: null,
    demo: {
      stepMs: 150,
      steps: [
        { phase: "passwords", done: 0, total: 1 },
        { phase: "passwords", done: 1, total: 1 },
        { phase: "keyspace", done: 0, total: 10000 },
        { phase: "keyspace", done: 5000, total: 10000 },
        { phase: "keyspace", done: 10000, total: 10000 },
        { phase: "events", done: 250000, total: 1000000 },
        { phase: "events", done: 1000000, total: 1000000 },
      ],
      report: {
        users: 10000,
        events: 1000000,
        records: 5000,
        operators: [
          { email: "officer@demo.rampart.test", role: "security_officer" },
          { email: "auditor@demo.rampart.test", role: "auditor" },
          { email: "custodian@demo.rampart.test", role: "key_custodian" },
          { email: "admin@demo.rampart.test", role: "console_admin" },
        ],
      },
    },
    users: USERS,
    failures: {},
    // Bulk actions (src-tauri/src/identity.rs bulk_plan / batch_run): dry runs held by id,
    // stored once run; per-item delay; ids whose item fails; results after which the "store"
    // goes away once; refresh-token counts per user for revoke_sessions.
    batches: {},
    batchSeq: 0,
    bulkItemMs: 30,
    bulkFail: {},
    bulkBreakAfter: null,
    sessionsOf: {},
    access: ACCESS,
    operators: OPERATORS,
    ...overrides,
  };
}

/** `n` more users with awkward but valid data, for selections larger than a page. */
export function manyUsers(n, start = 0) {
  const roles = ["guest", "basic_user", "premium_user", "guest", "basic_user"];
  return Array.from({ length: n }, (_, k) => {
    const i = start + k;
    const num = String(i).padStart(4, "0");
    return {
      id: `user_m${num}`,
      email: `member.${num}@example.test`,
      username: i % 7 === 0 ? `회원${num}` : `member${num}`,
      role: roles[i % roles.length],
      is_active: i % 9 !== 4,
      mfa_enabled: i % 4 === 0,
      last_login: i % 6 === 1 ? null : "2026-10-01T09:00:00.000000",
      created_at: "2026-05-05T05:05:05.000000",
    };
  });
}

/** Runs in the page. */
export function installFakeBackend(initial) {
  const fake = { state: initial, calls: [] };
  window.__fake = fake;
  const wait = (ms) => new Promise((r) => setTimeout(r, ms));
  const err = (code, message) => ({ code, message, incident: null });
  const clone = (v) => JSON.parse(JSON.stringify(v));
  const progress = () => ({ state: "complete", scanned: fake.state.users.length + 1, estimate: fake.state.users.length + 40, passes: 1, error: null });
  const viewFromInput = (input, before) => {
    const had = (field) => Boolean(before && field);
    const secretAfter = (secret, hadIt) => (secret.kind === "set" ? true : secret.kind === "clear" ? false : hadIt);
    return {
      name: input.name,
      is_default: before ? before.is_default : false,
      read_only: input.read_only,
      embedded: input.embedded,
      redis: input.redis && {
        url: input.redis.url,
        username: input.redis.username,
        db: input.redis.db,
        tls: input.redis.tls,
        has_password: secretAfter(input.redis.password, had(before?.redis?.has_password)),
      },
      es: input.es && {
        url: input.es.url,
        auth: input.es.auth,
        username: input.es.username,
        has_secret: secretAfter(input.es.secret, had(before?.es?.has_secret)),
      },
      sql: input.sql && {
        url: input.sql.url,
        has_password: secretAfter(input.sql.password, had(before?.sql?.has_password)),
      },
    };
  };

  const matching = (users, q) => {
    const needle = q.search.trim().toLowerCase();
    return users.filter(
      (u) =>
        (!needle || u.email.toLowerCase().includes(needle) || u.username.toLowerCase().includes(needle)) &&
        (q.role === null || u.role === q.role) &&
        (q.active === null || u.is_active === q.active) &&
        (q.mfa === null || u.mfa_enabled === q.mfa),
    );
  };
  // What the Rust side's plan_item says (crates/domain/src/batch.rs).
  const planItem = (action, u, id) => {
    const field = action.action === "deactivate" ? "is_active" : action.action === "change_role" ? "role" : "sessions";
    if (!u) return { id, label: id, kind: "skip", field, before: null, after: null, skip: "no such user" };
    const item = (kind, before, after) => ({ id, label: u.email, kind, field, before, after, skip: kind === "no_change" ? "no change" : null });
    if (action.action === "deactivate") return u.is_active ? item("change", "True", "False") : item("no_change", "False", "False");
    if (action.action === "change_role") {
      if (u.role === action.role) return item("no_change", u.role, u.role);
      return item(action.role === "admin" ? "approval_request" : "change", u.role, action.role);
    }
    const n = fake.state.sessionsOf[id] ?? 0;
    return item(n === 0 ? "no_change" : "change", String(n), "0");
  };
  const batchView = (b) => ({ ...b.plan, results: b.results.map((r) => ({ id: r.id, outcome: r.outcome })) });

  window.__rampartMocks.mockIPC(async (cmd, args) => {
    const s = fake.state;
    fake.calls.push({ cmd, args: args === undefined ? null : clone(args) });
    const failure = s.failures[cmd];
    if (failure) throw failure;
    switch (cmd) {
      case "app_info":
        return s.appInfo;
      case "settings_save":
        s.appInfo.settings = args.settings;
        return args.settings;
      case "profiles_list":
        return s.profiles;
      case "profile_save": {
        const before = s.profiles.find((p) => p.name === args.input.name) ?? null;
        const view = viewFromInput(args.input, before);
        s.profiles = before ? s.profiles.map((p) => (p.name === view.name ? view : p)) : [...s.profiles, view];
        return view;
      }
      case "profile_remove":
        s.profiles = s.profiles.filter((p) => p.name !== args.name);
        return null;
      case "profile_test":
        await wait(s.probeDelayMs);
        return (
          s.probe ?? {
            profile: args.name,
            results: [
              {
                port: "keyspace",
                backend: "redis",
                target: "rediss://redis.internal:6380/0",
                ok: true,
                latency_ms: 3,
                server_version: "7.2.4",
                account: "rampart",
                may_read: true,
                may_write: false,
                notes: ["ACL user may not run KEYS (expected)."],
                error: null,
              },
            ],
          }
        );
      case "connect": {
        const c = s.connections[args.profile];
        if (!c) throw err("not_found", `No profile named ${args.profile}.`);
        s.connection = c;
        return c;
      }
      case "connection":
        return s.connection;
      case "demo_seed": {
        const channel = args.onProgress;
        let index = 0;
        for (const step of s.demo.steps) {
          await wait(s.demo.stepMs);
          window.__TAURI_INTERNALS__.runCallback(channel.id, { index: index++, message: step });
        }
        await wait(s.demo.stepMs);
        const profile = s.connection.profile;
        s.connections[profile] = { ...s.connections[profile], demo_available: false, operators_configured: true, user_count: s.demo.report.users };
        return s.demo.report;
      }
      case "sign_in":
        if (s.signInError) throw s.signInError;
        s.session = s.signInSession;
        return s.session;
      case "session":
        if (s.sessionError) throw s.sessionError;
        return s.session;
      case "activity":
        return null;
      case "sign_out":
        s.session = null;
        return null;
      case "overview":
        if (s.overviewDelayMs) await wait(s.overviewDelayMs);
        if (!s.session) throw err("unauthenticated", "Sign in first.");
        return s.overview;
      case "ui_ready":
        return null;
      // ---- identity administration (src-tauri/src/identity.rs)
      case "users_refresh":
      case "users_index_progress":
        return progress();
      case "users_page": {
        const rows = matching(s.users, args.query);
        const p = progress();
        return { total: rows.length, rows: rows.slice(args.offset, args.offset + args.limit), unreadable: 1, complete: true, scanned: p.scanned, estimated: p.estimate, progress: p };
      }
      case "users_unreadable":
        return { total: 1, rows: [{ key: "user:user_broken", reason: "is_active is 'maybe', neither True nor False" }] };
      case "user_detail": {
        const u = s.users.find((x) => x.id === args.id);
        if (!u) throw err("not_found", `no user ${args.id}`);
        return { user: u, permissions: ["read_stock_data"], mfa: { enabled: u.mfa_enabled, enrolled_at: null, backup_codes_left: u.mfa_enabled ? 10 : null }, lock: null, sessions: 0, api_keys: 0, problems: [], console_role: s.operators.find((o) => o.user_id === u.id)?.role ?? null };
      }
      case "user_sessions":
      case "user_api_keys":
      case "user_activity":
        return [];
      case "user_create": {
        const i = args.input;
        if (s.users.some((u) => u.email === i.email))
          return { kind: "refused", field: "email", error: err("conflict", `conflict: the e-mail ${i.email} already exists`) };
        const user = { id: `user_new${s.users.length}`, email: i.email, username: i.username, role: i.role === "admin" ? "basic_user" : i.role, is_active: true, mfa_enabled: false, last_login: null, created_at: "2026-11-24T01:00:00.000000" };
        s.users = [...s.users, user];
        return { kind: "created", user, approval: null, generated_password: null };
      }
      case "approvals_list":
        return { pending: [], history: [], unreadable: [] };
      case "mfa_coverage":
        return (
          s.mfaCoverage ?? { roles: [{ role: "admin", total: 1, enabled: 1 }, { role: "premium_user", total: 1, enabled: 0 }, { role: "basic_user", total: 1, enabled: 0 }, { role: "guest", total: 1, enabled: 0 }], admins_without_mfa: [], unreadable: 1 }
        );
      case "access_snapshot":
        return clone(s.access);
      // What core's unlock_account / unblock_ip / block_ip do to the listing (reasons recorded).
      case "account_unlock":
        s.access = { ...s.access, account_locks: s.access.account_locks.filter((l) => l.user_id !== args.userId) };
        return null;
      case "ip_unblock":
        s.access = { ...s.access, ip_blocks: s.access.ip_blocks.filter((b) => b.ip !== args.ip) };
        return null;
      case "ip_block": {
        const until = new Date(Date.UTC(2026, 10, 24, 1, 0, 0) + args.minutes * 60_000).toISOString().replace("Z", "000");
        const row = { ip: args.ip, until, until_readable: true, ttl_seconds: args.minutes * 60, origin: "console", failures: null, causes: [] };
        s.access = { ...s.access, ip_blocks: [row, ...s.access.ip_blocks.filter((b) => b.ip !== args.ip)] };
        return null;
      }
      case "user_reset_password": {
        // The Rust side deletes the user's refresh tokens with the reset (sessions_revoked).
        const n = s.sessionsOf[args.id] ?? 0;
        s.sessionsOf[args.id] = 0;
        return { user_id: args.id, lock_cleared: false, sessions_revoked: n, password: "Generated-Pass-0042-xyz" };
      }
      case "batch_unfinished":
        return null;
      case "bulk_plan": {
        const { action, target } = args;
        if (!s.session?.capabilities.includes("administer_identity"))
          throw err("forbidden", `not allowed: the console role ${s.session?.role} may not run bulk actions`);
        if (s.session.read_only) throw err("read_only", "the profile for `prod-ro` is read-only; refused to run a bulk action");
        if (!action.reason.trim()) throw err("validation", "invalid input: give a reason; it is kept in the audit log with every item");
        let ids;
        if (target.kind === "ids") ids = target.ids;
        else {
          const except = new Set(target.except);
          ids = matching(s.users, target.query)
            .map((u) => u.id)
            .filter((id) => !except.has(id));
          if (ids.length > 10000) throw err("validation", `invalid input: ${ids.length} users match the filter; a batch holds at most 10000: narrow the filter`);
        }
        const items = ids.map((id) => planItem(action, s.users.find((u) => u.id === id), id));
        s.batchSeq += 1;
        const plan = {
          batch_id: `b_${String(s.batchSeq).padStart(9, "0")}`,
          action: action.action,
          to_role: action.action === "change_role" ? action.role : null,
          reason: action.reason,
          created_by: s.session.email,
          created_at: "2026-11-24T01:00:00.000000",
          items,
          results: [],
        };
        s.batches[plan.batch_id] = { plan, results: [], stored: false, stop: false };
        return plan;
      }
      case "batch_run": {
        const b = s.batches[args.batchId];
        if (!b) throw err("not_found", `not found: no batch ${args.batchId}`);
        b.stored = true;
        b.stop = false;
        let index = 0;
        const send = (message) => window.__TAURI_INTERNALS__.runCallback(args.onResult.id, { index: index++, message });
        const done = new Set(b.results.map((r) => r.id));
        for (const item of b.plan.items) {
          if (done.has(item.id)) continue;
          if (b.stop) return "interrupted";
          if (s.bulkBreakAfter !== null && b.results.length >= s.bulkBreakAfter) {
            s.bulkBreakAfter = null;
            throw err("unavailable", "redis://127.0.0.1:6379 is unreachable: Connection reset by peer");
          }
          await wait(s.bulkItemMs);
          const u = s.users.find((x) => x.id === item.id);
          let outcome;
          if (s.bulkFail[item.id]) outcome = { status: "failed", message: s.bulkFail[item.id] };
          else if (item.kind === "skip" || !u) outcome = { status: "skipped", reason: `not found: no user ${item.id}` };
          else if (item.kind === "no_change") outcome = { status: "unchanged" };
          else if (item.kind === "approval_request") outcome = { status: "requested", approval_id: `apr_${item.id}` };
          else {
            outcome = { status: "ok" };
            if (b.plan.action === "deactivate") u.is_active = false;
            if (b.plan.action === "change_role") u.role = b.plan.to_role;
            if (b.plan.action === "revoke_sessions") s.sessionsOf[item.id] = 0;
          }
          b.results.push({ id: item.id, outcome });
          send({ id: item.id, outcome });
        }
        return "done";
      }
      case "batch_cancel": {
        const b = s.batches[args.batchId];
        if (b) b.stop = true;
        return Boolean(b);
      }
      case "batch_show": {
        const b = s.batches[args.batchId];
        if (!b) throw err("not_found", `not found: no batch ${args.batchId}`);
        return batchView(b);
      }
      case "batches_unfinished":
        return Object.values(s.batches)
          .filter((b) => b.stored && b.results.length < b.plan.items.length)
          .map((b) => ({
            batch_id: b.plan.batch_id,
            action: b.plan.action,
            to_role: b.plan.to_role,
            reason: b.plan.reason,
            created_by: b.plan.created_by,
            created_at: b.plan.created_at,
            total: b.plan.items.length,
            done: b.results.length,
            failed: b.results.filter((r) => r.outcome.status === "failed").length,
          }));
      // ---- console roles (src-tauri/src/operators.rs; rules of crates/core/src/signin.rs)
      case "operators_list": {
        const admins = s.operators.filter((o) => o.role === "console_admin").length;
        const mine = s.operators.find((o) => o.user_id === s.session?.operator_id);
        if (!mine) throw err("forbidden", "your console role was removed; a console admin must grant one again");
        return { operators: clone(s.operators), console_admins: admins, viewer_role: mine.role };
      }
      case "operator_grant":
      case "operator_revoke": {
        const action = cmd === "operator_grant" ? "console.grant_role" : "console.revoke_role";
        const me = s.operators.find((o) => o.user_id === s.session?.operator_id);
        if (me?.role !== "console_admin") throw err("forbidden", `not allowed: the console role ${me?.role ?? s.session?.role} may not perform ${action}`);
        if (s.session.read_only) throw err("read_only", `the profile \`${s.session.profile}\` is read-only; refused to perform ${action}`);
        const who = cmd === "operator_grant" ? args.email.trim() : args.who.trim();
        const user = s.users.find((u) => u.email === who);
        const entry = s.operators.find((o) => (who.includes("@") ? o.email === who : o.user_id === who));
        if (who.includes("@") && !user && !entry) throw err("not_found", `not found: no user with e-mail ${who}`);
        if (cmd === "operator_revoke" && !entry) throw err("not_found", `not found: ${who} has no console role`);
        const admins = s.operators.filter((o) => o.role === "console_admin").length;
        if (entry?.role === "console_admin" && admins <= 1 && (cmd === "operator_revoke" || args.role !== "console_admin"))
          throw err("conflict", "conflict: this is the last console admin, and a console without one can only be repaired by bootstrapping again; grant console_admin to someone else first");
        if (cmd === "operator_revoke") {
          s.operators = s.operators.filter((o) => o !== entry);
          return null;
        }
        const grant = { role: args.role, granted_by: s.session.operator_id, granted_at: "2026-11-24T01:00:00" };
        const fresh = { grant_error: null, granted_by_email: s.session.email, ...grant };
        if (entry) Object.assign(entry, fresh, { blockers: entry.blockers.filter((b) => b !== "grant_unreadable") });
        else s.operators = [...s.operators, { user_id: user.id, email: user.email, username: user.username, ...fresh, blockers: [...(user.is_active ? [] : ["deactivated"]), ...(user.mfa_enabled ? [] : ["no_mfa"])], locked_until: null, problems: [] }];
        return { email: who, ...grant };
      }
      default:
        // What Tauri answers for a command the app did not register.
        throw `Command ${cmd} not found`;
    }
  });
}
