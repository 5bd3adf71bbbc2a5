// The Operators route: the page given its IPC adapter, the signed-in operator and whether the
// profile accepts writes. Loaded lazily (Shell.tsx). Who may grant is decided by the role the
// registry holds now (the page reads it with the list); the core enforces it regardless.
import { useMemo } from "react";
import type { IpcError } from "../platform";
import { operatorsApi } from "../platform/operators";
import { OperatorsPage } from "../features/operators/OperatorsPage";
import { useConsole } from "./console";

export function OperatorsRoute() {
  const { session, handleAuthError } = useConsole();
  const api = useMemo(
    () => operatorsApi({ onError: (e: IpcError) => void handleAuthError(e) }),
    // The handler is stable for the session.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  );
  return <OperatorsPage api={api} self={session?.operator_id ?? ""} writable={!(session?.read_only ?? true)} />;
}
