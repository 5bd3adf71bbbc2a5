// What the Operators page needs from the Rust side (src-tauri/src/operators.rs). The wire types
// are the page's own: the registry entry, its account and why it cannot sign in, computed in
// Rust (crates/core/src/operators.rs) with the checks sign-in makes.
import type { ConsoleRole, OperatorEntry, OperatorGrantView, OperatorRoster, SignInBlocker } from "../../platform";
import type { MessageKey } from "../../i18n";
import type { Tone } from "../../shared/Badge";

export type { ConsoleRole, OperatorEntry, OperatorGrantView, OperatorRoster, SignInBlocker };

/** The console roles in the order the picker shows them: least to most power over the console. */
export const CONSOLE_ROLES: readonly ConsoleRole[] = ["auditor", "security_officer", "key_custodian", "console_admin"];

export interface OperatorsApi {
  list(signal?: AbortSignal): Promise<OperatorRoster>;
  /** grant or change: `email` must be a user of the store */
  grant(email: string, role: ConsoleRole): Promise<OperatorGrantView>;
  /** `who`: the e-mail, or the user id of a grant whose user record is gone */
  revoke(who: string): Promise<void>;
}

/** Console admin is the role that can lock everyone else out: it stands out wherever shown. */
export function roleTone(role: ConsoleRole): Tone {
  return role === "console_admin" ? "warn" : role === "auditor" ? "neutral" : "info";
}

/** What stops a sign-in, as the Sign-in column names it (`.why` keys explain it). */
export const BLOCKER_KEY: Record<SignInBlocker, MessageKey> = {
  grant_unreadable: "operators.blocker.grant_unreadable",
  no_user: "operators.blocker.no_user",
  user_unreadable: "operators.blocker.user_unreadable",
  deactivated: "operators.blocker.deactivated",
  no_mfa: "operators.blocker.no_mfa",
  mfa_unreadable: "operators.blocker.mfa_unreadable",
  locked: "operators.blocker.locked",
};
