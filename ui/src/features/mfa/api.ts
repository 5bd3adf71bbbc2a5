// What the MFA page and the MFA dialogs need from the Rust side (issue 4, item 4). Shapes follow
// the Rust ones (snake_case). A refused confirmation code comes back as a typed refusal, not a
// sentence, so the UI can say in the operator's language which of the three it was.
import type { MfaEnrollment } from "../users/MfaEnrollPanel";

export interface RoleCoverage {
  role: string;
  total: number;
  /** users whose `mfa_enabled` reads as enabled, as the service reads it */
  enabled: number;
}

export interface AdminGap {
  user_id: string;
  email: string;
  username: string;
  is_active: boolean;
  /** `mfa_off`, `flag_on_but_no_record`, or `record_unreadable: …` */
  reason: string;
}

export interface MfaCoverage {
  /** in the seed's role order: admin, premium_user, basic_user, guest */
  roles: RoleCoverage[];
  admins_without_mfa: AdminGap[];
  /** user records the service cannot load (not counted above) */
  unreadable: number;
}

/** `mfa_setup:{id}` was written (TTL 600): the QR code and the secret, until confirmed. */
export interface EnrollmentStarted extends MfaEnrollment {
  expires_in_seconds: number;
}

/** Why a confirmation code was refused. `drift`: the code is the one of a step further than ±1
 *  away (negative: the authenticator is behind) — still refused, but the cause is its clock.
 *  `replayed`: the console already accepted this step for the user. */
export type CodeRefusal = { kind: "wrong" } | { kind: "drift"; steps: number } | { kind: "replayed" };

export type ConfirmResult =
  /** `mfa:{id}` and `mfa_enabled` written; the 10 backup codes, shown once */
  | { kind: "enabled"; backup_codes: string[] }
  | { kind: "refused"; refusal: CodeRefusal };

export interface MfaApi {
  coverage(signal: AbortSignal): Promise<MfaCoverage>;
  /** refused with `conflict` while MFA is enabled: reset it first */
  begin(userId: string): Promise<EnrollmentStarted>;
  confirm(userId: string, code: string): Promise<ConfirmResult>;
  /** the 10 new codes, shown once; the old ones stop working */
  regenerateBackupCodes(userId: string): Promise<string[]>;
  reset(userId: string, reason: string): Promise<void>;
}
