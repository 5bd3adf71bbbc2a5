// What the locks-and-blocks page needs from the Rust side (see features/users/api.ts for how
// the lead maps it). TTLs are the seconds Redis reported at read time; the page counts down from
// the moment the snapshot arrived.

/** One audit event behind a lock or block (CauseEventView): never the event's free-form details. */
export interface CauseEvent {
  event_id: string;
  /** naive UTC ISO */
  timestamp: string;
  /** `user_login` (a failed sign-in) or `security_violation` (the service's lockout) */
  event_type: string;
  action: string;
  result: string;
  ip_address: string;
  user_id: string | null;
  email: string | null;
  user_agent: string | null;
  /** the lockout event's count of failures */
  failures: number | null;
}

export interface AccountLockRow {
  user_id: string;
  /** null when `user:{id}` is gone or unreadable */
  email: string | null;
  /** the value of `account_lock:{id}`: the naive ISO end of the lock, or the raw value */
  until: string;
  until_readable: boolean;
  /** null: no TTL, the lock never expires */
  ttl_seconds: number | null;
  /** failures in the burst that caused it; null when none were found */
  failures: number | null;
  /** the events that caused it, newest first */
  causes: CauseEvent[];
}

/** Who set a block, on evidence (rampart_domain::limits::block_origin). */
export type BlockOrigin = "console" | "service" | "unknown";

export interface IpBlockRow {
  ip: string;
  until: string;
  until_readable: boolean;
  ttl_seconds: number | null;
  /** null: not judged (its causes were not looked up) */
  origin: BlockOrigin | null;
  failures: number | null;
  causes: CauseEvent[];
}

export interface RateLimitRow {
  /** `default`, `auth`, `sensitive`, or another name the middleware produced */
  endpoint_type: string;
  ip: string;
  /** null when the value is not an integer (see `unreadable`) */
  count: number | null;
  /** the limit the service applies to this type (CONTRACT §5.3) */
  limit: number;
  /** null: the counter has no TTL and never resets (CONTRACT §7.7), a weakness of the data */
  ttl_seconds: number | null;
  /** why the value could not be read */
  unreadable: string | null;
}

export interface ReputationRow {
  ip: string;
  score: number;
  ttl_seconds: number;
}

export interface UnreadableKey {
  key: string;
  reason: string;
}

export interface AccessSnapshot {
  account_locks: AccountLockRow[];
  ip_blocks: IpBlockRow[];
  /** unreadable counters first, then the busiest */
  rate_limits: RateLimitRow[];
  /** `ip_reputation:*` below the service's 0.5 threshold */
  low_reputations: ReputationRow[];
  /** `rate_limit:*` / `ip_reputation:*` keys that could not be read */
  unreadable_keys: UnreadableKey[];
}

export interface AccessApi {
  snapshot(signal: AbortSignal): Promise<AccessSnapshot>;
  unlock(userId: string, reason: string): Promise<void>;
  unblock(ip: string, reason: string): Promise<void>;
  block(ip: string, minutes: number, reason: string): Promise<void>;
}
