import type { IpcError } from "../../platform";
import type { MessageKey } from "../../i18n";

/** The sentence for a failed sign-in. Wrong email, password and code share one sentence so the
 *  screen never tells an attacker which of the three was right. */
export function signInErrorKey(error: IpcError): MessageKey | null {
  switch (error.code) {
    case "unauthenticated":
      return "signin.error.unauthenticated";
    case "mfa_required":
      return "signin.error.mfa_required";
    case "forbidden":
      return "signin.error.forbidden";
    case "throttled":
      return "signin.error.throttled";
    case "locked":
      return "signin.error.locked";
    case "unavailable":
      return "signin.error.unavailable";
    case "store_denied":
      return "signin.error.store_denied";
    default:
      return null; // the backend's own sentence
  }
}
