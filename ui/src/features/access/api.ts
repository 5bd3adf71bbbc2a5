// What the locks-and-blocks page needs from the Rust side (see features/users/api.ts for how
// the lead maps it). TTLs are the seconds Redis reported at read time; the page counts down from
// the moment the snapshot arrived.

export interface AccountLockRow {
  user_id: string;
  /** null when `user:{id}` is gone or unreadable */
  email: string | null;
  /** the naive ISO value of `account_lock:{id}` */
  locked_at: string;
  ttl_seconds: number;
  /** failures in the burst that caused it, from the audit event; null when not found */
  failures: number | null;
}

export interface IpBlockRow {
  ip: string;
  blocked_at: string;
  ttl_seconds: number;
  /** set by an operator in the console (audit), rather than by the service's burst detection */
  manual: boolean;
}

export interface RateLimitRow {
  /** `default`, `auth`, `sensitive`, or another name the middleware produced */
  endpoint_type: string;
  ip: string;
  count: number;
  /** the limit the service applies to this type (CONTRACT §5.3) */
  limit: number;
  /** null: the counter has no TTL and never resets (CONTRACT §7.7), a weakness of the data */
  ttl_seconds: number | null;
}

export interface ReputationRow {
  ip: string;
  score: number;
  ttl_seconds: number;
}

export interface AccessSnapshot {
  account_locks: AccountLockRow[];
  ip_blocks: IpBlockRow[];
  rate_limits: RateLimitRow[];
  /** `ip_reputation:*` below the service's 0.5 threshold */
  low_reputations: ReputationRow[];
}

export interface AccessApi {
  snapshot(signal: AbortSignal): Promise<AccessSnapshot>;
  unlock(userId: string, reason: string): Promise<void>;
  unblock(ip: string, reason: string): Promise<void>;
  block(ip: string, minutes: number, reason: string): Promise<void>;
}
