// GENERATED from the Rust wire schema by `RAMPART_BLESS=1 cargo test -p rampart-desktop wire`.
// Do not edit: CI fails when this file and the Rust types drift (src-tauri/src/wire.rs).

export type ErrorCode = "forbidden" | "not_found" | "validation" | "conflict" | "read_only" | "unavailable" | "unauthenticated" | "mfa_required" | "locked" | "malformed" | "internal" | "throttled" | "session_expired" | "keychain" | "config";

export type IpcError = { code: ErrorCode, message: string, incident: string | null, };

export type ConsoleRole = "security_officer" | "auditor" | "key_custodian" | "console_admin";

export type Capability = "read" | "verify_trail" | "administer_identity" | "administer_keys" | "administer_console";

export type Language = "ko" | "en";

export type Theme = "system" | "dark" | "light";

export type Settings = { language: Language, 
/**
 * IANA zone the UI shows times in; the stores keep naive UTC.
 */
time_zone: string, theme: Theme, 
/**
 * The console locks after this many minutes without activity (1–120).
 */
lock_after_minutes: number, };

export type KeychainState = { available: boolean, backend: string, error: IpcError | null, };

export type AppInfo = { version: string, 
/**
 * As the OS states it, e.g. `ko_KR`.
 */
os_locale: string, data_dir: string, config_dir: string, settings: Settings, keychain: KeychainState, 
/**
 * A corrupt settings or profile file: shown, never overwritten.
 */
config_error: IpcError | null, };

export type EsAuth = "none" | "basic" | "api_key";

export type RedisTargetView = { url: string, username: string | null, db: number | null, tls: boolean, has_password: boolean, };

export type EsTargetView = { url: string, auth: EsAuth, username: string | null, has_secret: boolean, };

export type SqlTargetView = { url: string, has_password: boolean, };

export type ProfileView = { name: string, is_default: boolean, read_only: boolean, 
/**
 * The embedded store file, shown as a path.
 */
embedded: string | null, redis: RedisTargetView | null, es: EsTargetView | null, sql: SqlTargetView | null, };

export type SecretInput = { "kind": "keep" } | { "kind": "clear" } | { "kind": "set", value: string, };

export type RedisTargetInput = { url: string, username: string | null, db: number | null, tls: boolean, password: SecretInput, };

export type EsTargetInput = { url: string, auth: EsAuth, username: string | null, secret: SecretInput, };

export type SqlTargetInput = { url: string, password: SecretInput, };

export type ProfileInput = { name: string, read_only: boolean, embedded: string | null, redis: RedisTargetInput | null, es: EsTargetInput | null, sql: SqlTargetInput | null, };

export type StorePort = "keyspace" | "audit_index" | "records";

export type ProbeResult = { port: StorePort, 
/**
 * `redis`, `sqlite`, `elasticsearch`, `postgres`, `mysql`.
 */
backend: string, 
/**
 * Where, without credentials.
 */
target: string, ok: boolean, latency_ms: number | null, server_version: string | null, account: string | null, may_read: boolean | null, may_write: boolean | null, notes: Array<string>, error: IpcError | null, };

export type ConnectionReport = { profile: string, results: Array<ProbeResult>, };

export type ConnectionState = { profile: string, read_only: boolean, 
/**
 * Where the key space is (`redis://…`, a file), without credentials.
 */
keyspace: string, audit_index: string, records: string | null, 
/**
 * Whether any console role is registered in this store (if not, the first console admin
 * must be bootstrapped with the CLI; see the README).
 */
operators_configured: boolean, 
/**
 * An empty embedded store: the desktop offers demo data.
 */
demo_available: boolean, };

export type DemoPhase = "passwords" | "keyspace" | "events" | "records";

export type DemoProgress = { phase: DemoPhase, done: number, total: number, };

export type DemoOperator = { email: string, role: ConsoleRole, };

export type DemoReport = { users: number, events: number, records: number, operators: Array<DemoOperator>, };

export type SignInInput = { email: string, password: string, totp: string, };

export type SessionView = { operator_id: string, email: string, username: string, role: ConsoleRole, 
/**
 * What the role may do: the UI hides what is not listed (the core enforces it anyway).
 */
capabilities: Array<Capability>, profile: string, read_only: boolean, 
/**
 * UTC, RFC 3339 with `Z`.
 */
signed_in_at: string, lock_after_minutes: number, };

export type RoleCount = { role: string, users: number, active: number, mfa_enabled: number, };

export type PurposeKeys = { purpose: string, active: number, total: number, };

export type TrailStatus = { ok: boolean, entries: number, first_broken: number | null, message: string, };

export type OverviewPart = { part: string, error: IpcError, };

export type Overview = { 
/**
 * UTC, RFC 3339 with `Z`.
 */
generated_at: string, users_total: number, users_unreadable: number, users_by_role: Array<RoleCount>, mfa_enabled: number, 
/**
 * Service admins whose account has no MFA: flagged on the page.
 */
admins_without_mfa: number, keys_by_purpose: Array<PurposeKeys>, 
/**
 * `null` when the audit index could not answer (see `errors`).
 */
events_24h: number | null, account_locks: number, ip_blocks: number, trail: TrailStatus | null, errors: Array<OverviewPart>, };
