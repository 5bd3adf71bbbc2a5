// Where things are. run.sh exports these; the defaults match scripts/test.sh.
import { fileURLToPath } from "node:url";
import path from "node:path";
import os from "node:os";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const TARGET = process.env.CARGO_TARGET_DIR ?? path.join(os.homedir(), ".cache/rampart/target");
/** The desktop app, built with `--features tauri/custom-protocol` (else it loads the dev URL). */
export const APP = process.env.TAURI_APP_BINARY ?? path.join(TARGET, "debug/rampart-desktop");
export const CLI = process.env.RAMPART_CLI ?? path.join(TARGET, "debug/rampart");
export const ARTIFACTS = path.join(process.env.RAMPART_ARTIFACTS ?? path.join(TARGET, "artifacts"), "e2e");
export const DRIVER_PORT = Number(process.env.TAURI_DRIVER_PORT ?? 4444);
/** The throwaway session root (scripts/desktop.sh): HOME, XDG dirs, data and config dirs. */
export const SESSION_ROOT = process.env.RAMPART_SESSION_ROOT ?? "";
export const DATA_DIR = process.env.RAMPART_DATA_DIR ?? "";
export const CONFIG_DIR = process.env.RAMPART_CONFIG_DIR ?? "";
/** The default profile's embedded store. */
export const STORE = path.join(DATA_DIR, "rampart.db");

/** Refuse to run against a real HOME or keychain: the tests write secrets to the keychain. */
export function assertIsolated() {
  const problems = [];
  if (!SESSION_ROOT) problems.push("RAMPART_SESSION_ROOT is unset (run through scripts/desktop.sh e2e)");
  for (const [name, value] of Object.entries({ HOME: process.env.HOME, RAMPART_DATA_DIR: DATA_DIR, RAMPART_CONFIG_DIR: CONFIG_DIR, XDG_DATA_HOME: process.env.XDG_DATA_HOME })) {
    if (!value || !SESSION_ROOT || !value.startsWith(SESSION_ROOT + "/")) problems.push(`${name}=${value ?? ""} is outside the session root`);
  }
  if (!process.env.DISPLAY) problems.push("DISPLAY is unset");
  if (!process.env.DBUS_SESSION_BUS_ADDRESS) problems.push("no session bus");
  if (problems.length) throw new Error(`not an isolated desktop session:\n  ${problems.join("\n  ")}`);
}
