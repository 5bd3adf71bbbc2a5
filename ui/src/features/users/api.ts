// What the users pages need from the Rust side, as a TypeScript port. The lead maps the wire
// types (generated from Rust) onto these and passes an implementation to the pages; tests pass
// a fake. Names follow the Rust shapes (snake_case fields) so the mapping stays a rename-free
// pass-through. Times are naive UTC ISO strings as the seed stores them (shared/format.ts
// parses them as UTC).
import type { ConsoleRole, IpcError } from "../../platform";
import type { BatchItem, ItemOutcome } from "../../shared/BatchPreview";
import type { ApprovalRequest } from "../approvals/api";

/** The service's roles (CONTRACT §1.7). A role string outside this list still shows, as is. */
export const SERVICE_ROLES = ["admin", "premium_user", "basic_user", "guest"] as const;
export type ServiceRole = (typeof SERVICE_ROLES)[number];

export interface UserRow {
  id: string;
  email: string;
  username: string;
  role: string;
  is_active: boolean;
  mfa_enabled: boolean;
  /** naive UTC ISO, null when the user never signed in */
  last_login: string | null;
  created_at: string;
}

/** A `user:*` hash the console could not read, with why (never hidden, never fatal). */
export interface UnreadableUser {
  key: string;
  reason: string;
}

export type UserSortKey = "email" | "username" | "role" | "last_login" | "created_at";

export interface UserQuery {
  /** e-mail or username, prefix or substring, any script; "" for all */
  search: string;
  role: string | null;
  active: boolean | null;
  mfa: boolean | null;
  /** only users with no login for at least this many days (never signed in counts) */
  dormant_days: number | null;
  sort: { key: UserSortKey; dir: "asc" | "desc" };
}

export interface UserPage {
  /** users matching the query among those indexed so far */
  total: number;
  rows: UserRow[];
  /** unreadable records met so far */
  unreadable: number;
  /** the index has seen every key of the store: totals are final */
  complete: boolean;
  /** keys scanned so far, and the store's key estimate (DBSIZE-based) for the progress banner */
  scanned: number;
  estimated: number | null;
}

export interface UnreadablePage {
  total: number;
  rows: UnreadableUser[];
}

export interface UserDetail {
  user: UserRow;
  /** the stored `permissions`, in stored order */
  permissions: string[];
  mfa: {
    enabled: boolean;
    /** when `mfa:{id}` was written; null when not enrolled */
    enrolled_at: string | null;
    backup_codes_left: number | null;
  };
  lock: AccountLockInfo | null;
  /** counts for the tab labels */
  sessions: number;
  api_keys: number;
  /** the user's console role when they are a console operator (their credentials are then
   *  changed only after the role is revoked) */
  console_role?: ConsoleRole | null;
}

export interface AccountLockInfo {
  locked_at: string;
  /** seconds left on the key's TTL when read */
  ttl_seconds: number;
}

export interface SessionRow {
  token_id: string;
  created_at: string | null;
  expires_at: string | null;
  ttl_seconds: number | null;
}

/** What `validate_api_key` would decide now (CONTRACT §5.1–5.2); `broken`: the service would
 *  raise on this record (a bad integer or date). */
export type ApiKeyState = "active" | "inactive" | "expired" | "over_quota" | "broken";

export interface ApiKeyRow {
  /** a stable, non-secret handle the commands accept (never the key itself) */
  handle: string;
  key_id: string;
  is_active: boolean;
  state: ApiKeyState;
  permissions: string[];
  usage: number;
  usage_limit: number;
  rate_limit: number;
  created_at: string | null;
  expires_at: string | null;
}

export interface ActivityRow {
  event_id: string;
  timestamp: string;
  event_type: string;
  action: string;
  result: string;
  severity: string;
  ip_address: string | null;
}

export interface UsersApi {
  page(query: UserQuery, offset: number, limit: number, signal: AbortSignal): Promise<UserPage>;
  unreadable(offset: number, limit: number, signal: AbortSignal): Promise<UnreadablePage>;
  detail(id: string, signal: AbortSignal): Promise<UserDetail>;
  sessions(id: string, signal: AbortSignal): Promise<SessionRow[]>;
  apiKeys(id: string, signal: AbortSignal): Promise<ApiKeyRow[]>;
  activity(id: string, signal: AbortSignal): Promise<ActivityRow[]>;
}

/** A stable key for a query: equal queries share a cache, any change resets the table. */
export function queryKey(q: UserQuery): string {
  return JSON.stringify([q.search, q.role, q.active, q.mfa, q.dormant_days, q.sort.key, q.sort.dir]);
}

export const DEFAULT_QUERY: UserQuery = {
  search: "",
  role: null,
  active: null,
  mfa: null,
  dormant_days: null,
  sort: { key: "email", dir: "asc" },
};

// ---- Writes (issue 4, items 2, 3, 5, 6, 8). Errors are thrown as IpcError (toIpcError) and the
// dialogs switch on `code`: forbidden, read_only, conflict, validation, not_found, unavailable.

export interface NewUser {
  email: string;
  /** any UTF-8 text, Korean included (CONTRACT §1.2) */
  username: string;
  role: ServiceRole;
  password: string;
}

export interface CreatedUser {
  user: UserRow;
  /** set when `admin` was asked for: the user is created as `basic_user` and this four-eyes
   *  request waits for a second console admin */
  approval: ApprovalRequest | null;
}

/** A refusal the create dialog puts next to its field (duplicate e-mail: `conflict` on
 *  `email`; a common password: `validation` on `password`); `field` null: a banner. */
export interface FieldRefusal {
  kind: "refused";
  field: "email" | "username" | "password" | null;
  error: IpcError;
}

export type CreateUserResult = ({ kind: "created" } & CreatedUser) | FieldRefusal;

export type RoleChangeResult =
  | { kind: "changed"; user: UserRow; permissions: string[] }
  /** a promotion to admin is never applied directly: a second console admin approves it */
  | { kind: "requested"; request: ApprovalRequest };

export interface IssueKeyInput {
  /** a subset of the user's own permissions, in the role table's order */
  permissions: string[];
  usage_limit: number;
  rate_limit: number;
  /** naive UTC ISO, null for no expiry */
  expires_at: string | null;
}

export interface IssuedKey {
  handle: string;
  key_id: string;
  /** the `X-API-Key` value: shown once, never again */
  api_key: string;
}

export interface UserAdminApi {
  create(input: NewUser): Promise<CreateUserResult>;
  changeRole(userId: string, role: ServiceRole, reason: string): Promise<RoleChangeResult>;
  revokeSession(userId: string, tokenId: string): Promise<void>;
  revokeAllSessions(userId: string): Promise<{ revoked: number }>;
  issueApiKey(userId: string, input: IssueKeyInput): Promise<IssuedKey>;
  setApiKeyActive(handle: string, active: boolean): Promise<void>;
  /** deletes `api_key:{key}` and its usage counter: irreversible */
  revokeApiKey(handle: string): Promise<void>;
}

/** A dry run the Rust side holds (stored under `rampart:console:batch:{id}` once executed):
 *  exactly what will change, per user. */
export interface BatchPlan {
  batch_id: string;
  /** `deactivate`, `reactivate`, `change_role` or `revoke_sessions` */
  action: string;
  /** the target role of `change_role` */
  to_role: string | null;
  reason: string | null;
  /** the operator's e-mail (or id) who made the dry run */
  created_by: string;
  /** naive UTC ISO */
  created_at: string;
  items: BatchItem[];
  /** results already recorded (a resumed batch); empty for a fresh plan */
  results: { id: string; outcome: ItemOutcome }[];
}

/** A stored batch that stopped before its end, without its items. */
export interface BatchSummary {
  batch_id: string;
  action: string;
  to_role: string | null;
  reason: string | null;
  created_by: string;
  created_at: string;
  total: number;
  /** items with a result of any kind */
  done: number;
  failed: number;
}

export type BulkAction = "deactivate" | "change_role" | "revoke_sessions";

/** A bulk action with its reason (required: it goes into every item's audit event). */
export type BulkActionInput =
  | { action: "deactivate"; reason: string }
  /** a promotion to admin becomes one four-eyes request per user */
  | { action: "change_role"; role: ServiceRole; reason: string }
  | { action: "revoke_sessions"; reason: string };

/** What a bulk action applies to: picked ids, or the filter itself (minus unticked rows),
 *  which the Rust side resolves to ids at dry-run time. */
export type BulkTarget =
  | { kind: "ids"; ids: string[] }
  | { kind: "filter"; query: UserQuery; except: string[] };

export interface BatchRunner {
  /** Runs the items that have no result yet (a dry run is stored first), reporting each result
   *  as it lands. Aborting the signal stops after the current item. Resolves `done` when every
   *  item has a result. */
  run(batchId: string, onResult: (id: string, outcome: ItemOutcome) => void, signal: AbortSignal): Promise<"done" | "interrupted">;
}

export interface BulkApi extends BatchRunner {
  /** The dry run: nothing changes yet. Refused for an auditor and on a read-only profile. */
  plan(action: BulkActionInput, target: BulkTarget, signal: AbortSignal): Promise<BatchPlan>;
  /** Stored batches that stopped before their end, newest first. */
  unfinished(signal: AbortSignal): Promise<BatchSummary[]>;
  /** One batch with its results so far. */
  show(batchId: string, signal: AbortSignal): Promise<BatchPlan>;
}

export interface DormantApi extends BatchRunner {
  /** Dry run: deactivate every active user with no login for `days` days (never signed in:
   *  counted from `created_at`). Nothing changes yet. */
  planDeactivate(days: number, reason: string, signal: AbortSignal): Promise<BatchPlan>;
  /** A dormant batch that stopped before its end (the console closed, the store went away). */
  unfinished(signal: AbortSignal): Promise<BatchPlan | null>;
}

/** The role → permission table, in the order `permissions` is written (CONTRACT §1.7). Shown
 *  by the role dialogs so the operator sees what a change grants; the Rust side writes it. */
export const ROLE_PERMISSIONS: Record<ServiceRole, readonly string[]> = {
  admin: ["read_stock_data", "write_stock_data", "read_sentiment_data", "manage_users", "access_analytics", "export_data"],
  premium_user: ["read_stock_data", "read_sentiment_data", "access_analytics", "export_data"],
  basic_user: ["read_stock_data", "read_sentiment_data"],
  guest: ["read_stock_data"],
};
