// GENERATED from the Rust wire schema by `RAMPART_BLESS=1 cargo test -p rampart-desktop wire`.
// Do not edit: CI fails when this file and the Rust types drift (src-tauri/src/wire.rs).

export type ErrorCode = "forbidden" | "not_found" | "validation" | "conflict" | "read_only" | "unavailable" | "unauthenticated" | "mfa_required" | "locked" | "malformed" | "internal" | "throttled" | "session_expired" | "keychain" | "config" | "store_denied";

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

export type BuildState = "idle" | "building" | "complete" | "cancelled" | "failed";

export type BuildProgress = { state: BuildState, 
/**
 * `user:*` keys SCAN returned in this pass so far (a key SCAN repeats counts twice).
 */
scanned: number, 
/**
 * DBSIZE when the pass started: an upper bound of the users (every family counts).
 */
estimate: number, 
/**
 * Passes that saw every key.
 */
passes: number, error: string | null, };

export type SortKey = "email" | "username" | "role" | "created_at" | "last_login";

export type SortDir = "asc" | "desc";

export type SortInput = { key: SortKey, dir: SortDir, };

export type UsersQueryInput = { 
/**
 * E-mail or username, substring, any script; "" for all.
 */
search: string, role: string | null, active: boolean | null, mfa: boolean | null, 
/**
 * Only users dormant for this many days by the dormant rule (`rampart_domain::dormant`,
 * as the dormant batch): a user who never signed in counts from account creation.
 */
dormant_days: number | null, sort: SortInput, };

export type UserRowView = { id: string, email: string, username: string, role: string, is_active: boolean, mfa_enabled: boolean, last_login: string | null, created_at: string, };

export type UsersPageView = { total: number, rows: Array<UserRowView>, unreadable: number, complete: boolean, scanned: number, estimated: number | null, 
/**
 * Where the index's scan stands (a failed pass carries its reason).
 */
progress: BuildProgress, };

export type UnreadableUserView = { key: string, reason: string, };

export type UnreadablePageView = { total: number, rows: Array<UnreadableUserView>, };

export type MfaStateView = { enabled: boolean, enrolled_at: string | null, backup_codes_left: number | null, };

export type AccountLockView = { 
/**
 * The stored value of `account_lock:{id}` (the service writes the lock's end).
 */
locked_at: string, ttl_seconds: number, };

export type UserDetailView = { user: UserRowView, permissions: Array<string>, mfa: MfaStateView, lock: AccountLockView | null, sessions: number, api_keys: number, 
/**
 * Why parts of the user could not be read (sessions, MFA record…); never hidden.
 */
problems: Array<UnreadableUserView>, 
/**
 * The user's console role, when they are a console operator.
 */
console_role: ConsoleRole | null, };

export type SessionRowView = { 
/**
 * The token id's first characters (`abcdef…`): what revoking names, never the token.
 */
token_id: string, created_at: string | null, expires_at: string | null, ttl_seconds: number | null, };

export type ApiKeyRowView = { handle: string, key_id: string, is_active: boolean, 
/**
 * active | inactive | expired | over_quota | broken
 */
state: string, 
/**
 * Why the service would raise on this record (state `broken`).
 */
state_reason: string | null, permissions: Array<string>, usage: number, usage_limit: number, rate_limit: number, created_at: string | null, expires_at: string | null, };

export type ActivityRowView = { event_id: string, timestamp: string, event_type: string, action: string, result: string, severity: string, ip_address: string | null, };

export type ApprovalView = { id: string, user_id: string, email: string | null, username: string | null, from_role: string, to_role: string, 
/**
 * The requesting operator's e-mail (their id when the user record is gone).
 */
requested_by: string, requested_at: string, expires_at: string, 
/**
 * Seconds left at read time (pending only).
 */
expires_in_seconds: number | null, reason: string, 
/**
 * pending | approved | refused | expired, as of the read.
 */
status: string, decided_by: string | null, decided_at: string | null, decision_reason: string | null, };

export type ApprovalListView = { pending: Array<ApprovalView>, history: Array<ApprovalView>, 
/**
 * Stored requests that could not be read, with why.
 */
unreadable: Array<UnreadableUserView>, };

export type NewUserInput = { email: string, username: string, 
/**
 * `admin`, `premium_user`, `basic_user` or `guest`.
 */
role: string, 
/**
 * Empty: Rampart generates one and returns it once.
 */
password: string, };

export type CreateUserResultView = { "kind": "created", user: UserRowView, 
/**
 * Set when `admin` was asked for: created as `basic_user`, promotion requested.
 */
approval: ApprovalView | null, 
/**
 * Set when Rampart generated the password: shown once.
 */
generated_password: string | null, } | { "kind": "refused", 
/**
 * email | username | role | password; null: not about one field.
 */
field: string | null, error: IpcError, };

export type RoleChangeResultView = { "kind": "changed", user: UserRowView, permissions: Array<string>, } | { "kind": "requested", request: ApprovalView, };

export type StatusChangeView = { user_id: string, before: boolean, after: boolean, changed: boolean, };

export type PasswordResetView = { user_id: string, lock_cleared: boolean, 
/**
 * Refresh tokens deleted with the reset: the sessions the old password opened.
 */
sessions_revoked: number, password: string, };

export type RevokedView = { revoked: number, };

export type IssueKeyInput = { permissions: Array<string>, usage_limit: number, rate_limit: number, 
/**
 * Naive UTC ISO, null for no expiry.
 */
expires_at: string | null, };

export type IssuedKeyView = { handle: string, key_id: string, api_key: string, };

export type BulkActionInput = { "action": "deactivate", reason: string, } | { "action": "change_role", role: string, reason: string, } | { "action": "revoke_sessions", reason: string, };

export type BulkTargetInput = { "kind": "ids", ids: Array<string>, } | { "kind": "filter", query: UsersQueryInput, 
/**
 * Rows unticked after "select all matching".
 */
except: Array<string>, };

export type BatchItemKindView = "change" | "no_change" | "approval_request" | "skip";

export type BatchItemView = { 
/**
 * The user id (unique within a plan).
 */
id: string, 
/**
 * The user's e-mail when the index knows it.
 */
label: string, kind: BatchItemKindView, 
/**
 * `is_active`, `role` or `sessions` (the refresh-token count).
 */
field: string, before: string | null, after: string | null, 
/**
 * Why nothing will be done for this item (no change, or the user cannot be read).
 */
skip: string | null, };

export type ItemOutcomeView = { "status": "ok" } | { "status": "unchanged" } | { "status": "requested", approval_id: string, } | { "status": "failed", message: string, } | { "status": "skipped", reason: string, };

export type BatchResultView = { id: string, outcome: ItemOutcomeView, };

export type BatchPlanView = { batch_id: string, 
/**
 * `deactivate`, `reactivate`, `change_role` or `revoke_sessions`.
 */
action: string, 
/**
 * The target role of `change_role`.
 */
to_role: string | null, reason: string | null, 
/**
 * The operator's e-mail when the index knows it, else their user id.
 */
created_by: string, 
/**
 * Naive UTC ISO, when the dry run was made.
 */
created_at: string, items: Array<BatchItemView>, results: Array<BatchResultView>, };

export type BatchSummaryView = { batch_id: string, action: string, to_role: string | null, reason: string | null, created_by: string, created_at: string, total: number, 
/**
 * Items with a result (of any kind).
 */
done: number, failed: number, };

export type BatchRunEnd = "done" | "interrupted";

export type RoleCoverageView = { role: string, total: number, enabled: number, };

export type AdminGapView = { user_id: string, email: string, username: string, is_active: boolean, reason: string, };

export type MfaCoverageView = { roles: Array<RoleCoverageView>, admins_without_mfa: Array<AdminGapView>, unreadable: number, };

export type QrMatrixView = { width: number, 
/**
 * width × width characters, row-major, '1' dark.
 */
modules: string, };

export type EnrollmentView = { secret: string, 
/**
 * The otpauth label's parts, exactly as in the URI the QR code carries.
 */
issuer: string, account: string, qr: QrMatrixView, expires_in_seconds: number, };

export type CodeInput = { code: string, };

export type CodeRefusal = { "kind": "wrong" } | { "kind": "drift", steps: number, } | { "kind": "replayed" };

export type ConfirmResultView = { "kind": "enabled", backup_codes: Array<string>, } | { "kind": "refused", refusal: CodeRefusal, };

export type BlockOrigin = "console" | "service" | "unknown";

export type CauseEventView = { event_id: string, 
/**
 * Naive UTC ISO.
 */
timestamp: string, 
/**
 * `user_login` (a failed sign-in) or `security_violation` (the service's lockout).
 */
event_type: string, action: string, result: string, ip_address: string, 
/**
 * The account the event names, when it names one.
 */
user_id: string | null, email: string | null, 
/**
 * Null when the service logged none (its own lockout events have `""`).
 */
user_agent: string | null, 
/**
 * The lockout event's count of failures (`details.failures`).
 */
failures: number | null, };

export type AccountLockRowView = { user_id: string, email: string | null, 
/**
 * The stored value of `account_lock:{id}`: the naive-UTC end of the lock, or the raw
 * value when it does not parse (`until_readable` false).
 */
until: string, until_readable: boolean, 
/**
 * Null: the key has no TTL, the lock never expires.
 */
ttl_seconds: number | null, 
/**
 * Login failures among the events that caused it; null when none were found.
 */
failures: number | null, 
/**
 * The events that caused it, newest first (at most `MAX_CAUSES`).
 */
causes: Array<CauseEventView>, };

export type IpBlockRowView = { ip: string, 
/**
 * As [`AccountLockRowView::until`], for `ip_block:{ip}`.
 */
until: string, until_readable: boolean, ttl_seconds: number | null, 
/**
 * Who set it, on evidence (`rampart_domain::limits::block_origin`); null when its causes
 * were not looked up (past the first `MAX_WITH_CAUSES` blocks).
 */
origin: BlockOrigin | null, failures: number | null, causes: Array<CauseEventView>, };

export type RateLimitRowView = { endpoint_type: string, ip: string, 
/**
 * Null when the value is not an integer (`unreadable` says why).
 */
count: number | null, limit: number, 
/**
 * Seconds left in the window; null for a counter without TTL (CONTRACT §7.7: INCR
 * after the key expired made a counter that never resets, so the IP stays limited for
 * ever once it reaches the limit).
 */
ttl_seconds: number | null, 
/**
 * Why the value could not be read; the middleware's `int()` fails on it as well.
 */
unreadable: string | null, };

export type ReputationRowView = { ip: string, 
/**
 * NaN reads as 0 (the service blocks on it as on a low score).
 */
score: number, ttl_seconds: number, };

export type UnreadableKeyView = { key: string, reason: string, };

export type AccessSnapshotView = { account_locks: Array<AccountLockRowView>, ip_blocks: Array<IpBlockRowView>, 
/**
 * Unreadable counters first, then the busiest.
 */
rate_limits: Array<RateLimitRowView>, low_reputations: Array<ReputationRowView>, 
/**
 * Keys of either family that could not be read (a counter name without `{type}:{ip}`, a
 * reputation that is not a float): shown, never dropped.
 */
unreadable_keys: Array<UnreadableKeyView>, };

export type SignInBlocker = "grant_unreadable" | "no_user" | "user_unreadable" | "deactivated" | "no_mfa" | "mfa_unreadable" | "locked";

export type OperatorEntry = { user_id: string, 
/**
 * From `user:{id}`; `None` when the record is missing or unreadable.
 */
email: string | null, username: string | null, 
/**
 * `None` when the grant is unreadable (`grant_error` says why, in the JSON parser's words).
 */
role: ConsoleRole | null, 
/**
 * `user_…`, or `local:<os user>` for the bootstrap.
 */
granted_by: string | null, 
/**
 * The e-mail of `granted_by` when it names a readable user.
 */
granted_by_email: string | null, 
/**
 * Naive UTC ISO, as stored.
 */
granted_at: string | null, grant_error: string | null, 
/**
 * Empty when nothing stops a sign-in (password and code aside).
 */
blockers: Array<SignInBlocker>, 
/**
 * Naive UTC ISO, with [`SignInBlocker::Locked`].
 */
locked_until: string | null, 
/**
 * The reasons of unreadable parts (user record, MFA record), with their keys.
 */
problems: Array<string>, };

export type OperatorRoster = { 
/**
 * By e-mail (entries without one last, by user id).
 */
operators: Array<OperatorEntry>, 
/**
 * Readable console_admin grants: the last one cannot be revoked or demoted.
 */
console_admins: number, 
/**
 * The reader's console role as stored now (it may have changed since they signed in).
 */
viewer_role: ConsoleRole, };

export type OperatorGrantView = { email: string, role: ConsoleRole, granted_by: string, 
/**
 * Naive UTC ISO.
 */
granted_at: string, };

/** Most users one bulk batch holds (`rampart_domain::batch::MAX_BATCH_ITEMS`). */
export const MAX_BATCH_ITEMS = 10000;
/** Most causing events listed per lock or block, newest first (`rampart_core::access::locks::MAX_CAUSES`). */
export const MAX_CAUSES = 20;
