// What every page may know about the console it runs in, and the few things it may ask the
// shell to do. Pages get it with `useConsole()`.
import { createContext, useContext } from "react";
import type { AppInfo, ConnectionState, IpcError, ProfileView, SessionView, Settings } from "../platform";

export interface Console {
  info: AppInfo;
  settings: Settings;
  profiles: readonly ProfileView[];
  connection: ConnectionState | null;
  /** null before sign-in (the Connections page is reachable from the sign-in screen) */
  session: SessionView | null;
  /** Lets the shell act on `session_expired` (lock) and `unauthenticated` (sign in again).
   *  Returns true when it did, so the page shows nothing of its own. */
  handleAuthError: (error: IpcError) => boolean;
  refreshProfiles: () => Promise<void>;
  saveSettings: (next: Settings) => Promise<Settings>;
}

export const ConsoleContext = createContext<Console | null>(null);

export function useConsole(): Console {
  const value = useContext(ConsoleContext);
  if (!value) throw new Error("useConsole outside the console shell");
  return value;
}
