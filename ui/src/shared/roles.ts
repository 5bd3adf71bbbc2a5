import type { ConsoleRole } from "../platform";
import type { MessageKey } from "../i18n";

export function roleKey(role: ConsoleRole): MessageKey {
  switch (role) {
    case "security_officer":
      return "role.security_officer";
    case "auditor":
      return "role.auditor";
    case "key_custodian":
      return "role.key_custodian";
    case "console_admin":
      return "role.console_admin";
  }
}
