// GENERATED from the Rust wire schema (src-tauri/src/wire.rs) by `cargo test -p rampart-desktop wire`.
// Do not edit: CI fails when this file and the Rust types drift. (Hand-written seed; to be regenerated.)

export type ErrorCode = "forbidden" | "not_found" | "validation" | "conflict" | "read_only" | "unavailable" | "unauthenticated" | "mfa_required" | "locked" | "malformed" | "internal" | "throttled" | "session_expired" | "keychain" | "config";

/** Every command failure: a closed code the UI switches on, a safe sentence, and an incident id
 *  that finds the full story in the console's log. */
export type IpcError = { code: ErrorCode; message: string; incident: string | null };

export type ConsoleRole = "security_officer" | "auditor" | "key_custodian" | "console_admin";

export type Language = "ko" | "en";
export type Theme = "system" | "dark" | "light";

export type Settings = { language: Language; time_zone: string; theme: Theme; lock_after_minutes: number };

export type AppInfo = { version: string; os_locale: string; data_dir: string; config_dir: string; settings: Settings; keychain: KeychainState; config_error: IpcError | null };

export type KeychainState = { available: boolean; backend: string; error: IpcError | null };

export type ProfileView = { name: string; is_default: boolean; read_only: boolean; embedded: string | null; redis: RedisTargetView | null; es: EsTargetView | null; sql: SqlTargetView | null };
export type RedisTargetView = { url: string; username: string | null; db: number | null; tls: boolean; has_password: boolean };
export type EsAuth = "none" | "basic" | "api_key";
export type EsTargetView = { url: string; auth: EsAuth; username: string | null; has_secret: boolean };
export type SqlTargetView = { url: string; has_password: boolean };

/** A secret field in a form: `keep` leaves what the keychain holds, `clear` deletes it,
 *  `set` stores a new value in the keychain. */
export type SecretInput = { kind: "keep" } | { kind: "clear" } | { kind: "set"; value: string };
export type ProfileInput = { name: string; read_only: boolean; embedded: string | null; redis: RedisTargetInput | null; es: EsTargetInput | null; sql: SqlTargetInput | null };
export type RedisTargetInput = { url: string; username: string | null; db: number | null; tls: boolean; password: SecretInput };
export type EsTargetInput = { url: string; auth: EsAuth; username: string | null; secret: SecretInput };
export type SqlTargetInput = { url: string; password: SecretInput };

export type StorePort = "keyspace" | "audit_index" | "records";
export type ProbeResult = { port: StorePort; backend: string; target: string; ok: boolean; latency_ms: number | null; server_version: string | null; account: string | null; may_read: boolean | null; may_write: boolean | null; notes: string[]; error: IpcError | null };
export type ConnectionReport = { profile: string; results: ProbeResult[] };

export type ConnectionState = { profile: string; read_only: boolean; keyspace: string; audit_index: string; records: string | null; user_count: number; operators_configured: boolean; demo_available: boolean };

export type DemoProgress = { phase: string; done: number; total: number };
export type DemoReport = { users: number; events: number; records: number; operators: DemoOperator[] };
export type DemoOperator = { email: string; role: ConsoleRole };

export type SignInInput = { email: string; password: string; totp: string };
export type SessionView = { operator_id: string; email: string; username: string; role: ConsoleRole; profile: string; read_only: boolean; signed_in_at: string; lock_after_minutes: number };

export type RoleCount = { role: string; users: number; active: number; mfa_enabled: number };
export type PurposeKeys = { purpose: string; active: number; total: number };
export type TrailStatus = { ok: boolean; entries: number; first_broken: number | null; message: string };
export type OverviewPart = { part: string; error: IpcError };
/** Live figures for the Overview page and `rampart status --json` (same struct, same numbers). */
export type Overview = {
  generated_at: string;
  users_total: number;
  users_unreadable: number;
  users_by_role: RoleCount[];
  mfa_enabled: number;
  admins_without_mfa: number;
  keys_by_purpose: PurposeKeys[];
  events_24h: number | null;
  account_locks: number;
  ip_blocks: number;
  trail: TrailStatus | null;
  errors: OverviewPart[];
};
