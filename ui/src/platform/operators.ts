// The Operators page over IPC (src-tauri/src/operators.rs). Argument names are the commands'
// own: `email` and `role` to grant, `who` (e-mail or user id) to revoke.
import { caller, type AdapterHooks } from "./identity";
import type { OperatorGrantView, OperatorRoster } from "./generated/wire";
import type { OperatorsApi } from "../features/operators/api";

export function operatorsApi(hooks: AdapterHooks = {}): OperatorsApi {
  const call = caller(hooks);
  return {
    list: (signal) => call<OperatorRoster>("operators_list", undefined, signal),
    grant: (email, role) => call<OperatorGrantView>("operator_grant", { email, role }),
    async revoke(who) {
      await call("operator_revoke", { who });
    },
  };
}
