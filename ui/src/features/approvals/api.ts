// What the approvals page needs from the Rust side: four-eyes requests for a promotion to
// `admin` (issue 4, item 2). A request is created by a role change or a user creation that asks
// for `admin`; a second console admin approves or refuses it; unanswered, it expires. Field
// names follow the Rust shapes (snake_case) as in features/users/api.ts.

export type ApprovalStatus = "pending" | "approved" | "refused" | "expired";

export interface ApprovalRequest {
  id: string;
  user_id: string;
  /** null when `user:{id}` is gone or unreadable since the request */
  email: string | null;
  username: string | null;
  from_role: string;
  to_role: string;
  /** the operator who asked (console e-mail) */
  requested_by: string;
  requested_at: string;
  expires_at: string;
  /** seconds left when read (pending only); the page counts down from the read */
  expires_in_seconds: number | null;
  reason: string;
  status: ApprovalStatus;
  decided_by: string | null;
  decided_at: string | null;
  /** the refusal's reason (approvals carry none) */
  decision_reason: string | null;
}

export interface ApprovalList {
  pending: ApprovalRequest[];
  /** approved, refused and expired, newest first */
  history: ApprovalRequest[];
}

export interface ApprovalsApi {
  list(signal: AbortSignal): Promise<ApprovalList>;
  /** Refused by the Rust side for the requester themself (code `forbidden`), and with
   *  `conflict` when the user's role is no longer the one the request saw. */
  approve(id: string): Promise<ApprovalRequest>;
  refuse(id: string, reason: string): Promise<ApprovalRequest>;
}
