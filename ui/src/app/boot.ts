// What the first screen needs from the Rust side, asked before React renders anything.
//
// main.tsx calls `askBoot()` first thing, so these commands run while the bundle finishes
// evaluating and React paints its first frame, instead of after it (an effect runs only once
// that frame is committed). The four answers are independent and asked at once; connecting the
// default profile, the slowest step, starts as soon as the two answers it depends on are in,
// without waiting for `app_info` (which probes the keychain) or the session.
import * as ipc from "../platform";
import type { AppInfo, ConnectionState, ProfileView, SessionView } from "../platform";

export interface Boot {
  about: PromiseSettledResult<AppInfo>;
  /** what is connected already (a webview reloaded under a live connection), or null */
  conn: PromiseSettledResult<ConnectionState | null>;
  list: PromiseSettledResult<ProfileView[]>;
  live: PromiseSettledResult<SessionView | null>;
  /** The connect to the default profile started when nothing was connected, if any. */
  autoConnect: { profile: string; result: Promise<ConnectionState> } | null;
}

/** The profile to connect when nothing is: the default one, or the only one. */
export function defaultProfile(known: readonly ProfileView[]): ProfileView | undefined {
  return known.find((p) => p.is_default) ?? (known.length === 1 ? known[0] : undefined);
}

export async function askBoot(): Promise<Boot> {
  const about = ipc.appInfo();
  const conn = ipc.connection();
  const list = ipc.profilesList();
  const live = ipc.session();
  const [c, l] = await Promise.allSettled([conn, list]);
  let autoConnect: Boot["autoConnect"] = null;
  if (c.status === "fulfilled" && !c.value && l.status === "fulfilled") {
    const fallback = defaultProfile(l.value);
    if (fallback) {
      const result = ipc.connect(fallback.name);
      result.catch(() => undefined); // handled where it is awaited; not an unhandled rejection
      autoConnect = { profile: fallback.name, result };
    }
  }
  const [a, s] = await Promise.allSettled([about, live]);
  return { about: a, conn: c, list: l, live: s, autoConnect };
}
