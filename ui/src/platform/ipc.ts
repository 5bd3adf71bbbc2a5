// The one door to the Rust side. Every command is a typed function here; every rejection
// becomes an `IpcError` (code + safe sentence + incident id) so callers switch on `code`,
// never on text. Nothing outside ui/src/platform imports @tauri-apps/*.
import { Channel, invoke, isTauri as runtimeIsTauri, type InvokeArgs } from "@tauri-apps/api/core";
import type {
  AppInfo,
  ConnectionReport,
  ConnectionState,
  DemoProgress,
  DemoReport,
  ErrorCode,
  IpcError,
  Overview,
  ProfileInput,
  ProfileView,
  SessionView,
  Settings,
  SignInInput,
} from "./generated/wire";

// A Record keyed by the union makes this list fail to compile when wire.ts gains a code.
const ERROR_CODES: Record<ErrorCode, true> = {
  forbidden: true,
  not_found: true,
  validation: true,
  conflict: true,
  read_only: true,
  unavailable: true,
  unauthenticated: true,
  mfa_required: true,
  locked: true,
  malformed: true,
  internal: true,
  throttled: true,
  session_expired: true,
  keychain: true,
  config: true,
  store_denied: true,
};

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(ERROR_CODES, value);
}

export function isIpcError(value: unknown): value is IpcError {
  if (typeof value !== "object" || value === null) return false;
  const o = value as Record<string, unknown>;
  return (
    isErrorCode(o.code) &&
    typeof o.message === "string" &&
    (o.incident === null || o.incident === undefined || typeof o.incident === "string")
  );
}

/** Any rejection as an `IpcError`. Shapes we do not recognise (a Tauri-level failure such as an
 *  unknown command, a thrown Error) become `internal`, keeping their text for the log line. */
export function toIpcError(value: unknown): IpcError {
  if (isIpcError(value)) {
    return { code: value.code, message: value.message, incident: value.incident ?? null };
  }
  let message: string;
  if (value instanceof Error) message = value.message;
  else if (typeof value === "string") message = value;
  else message = "The console hit an unexpected failure.";
  return { code: "internal", message: message.slice(0, 500), incident: null };
}

async function call<T>(command: string, args?: InvokeArgs): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toIpcError(e);
  }
}

/** True inside the Tauri webview (not in a browser, not under a mock). */
export function isTauri(): boolean {
  return runtimeIsTauri();
}

/** True when commands can be sent: the Tauri webview, or a mock installed by a test
 *  (`mockIPC` defines the same `window.__TAURI_INTERNALS__` bridge). */
export function ipcAvailable(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

/** Development only: resolves once a mock bridge announces itself with
 *  `window.dispatchEvent(new Event("rampart:mock-ready"))` (see tests/ui-mock/README.md). */
export function waitForMockBridge(): Promise<void> {
  return new Promise((resolve) => {
    if (ipcAvailable()) return resolve();
    window.addEventListener("rampart:mock-ready", () => resolve(), { once: true });
  });
}

export const appInfo = () => call<AppInfo>("app_info");
export const settingsSave = (settings: Settings) => call<Settings>("settings_save", { settings });

export const profilesList = () => call<ProfileView[]>("profiles_list");
export const profileSave = (input: ProfileInput) => call<ProfileView>("profile_save", { input });
export const profileRemove = (name: string) => call<null>("profile_remove", { name });
export const profileTest = (name: string) => call<ConnectionReport>("profile_test", { name });

export const connect = (profile: string) => call<ConnectionState>("connect", { profile });
export const connection = () => call<ConnectionState | null>("connection");

/** Loads demo data into the empty embedded store; `onProgress` gets every phase update. */
export function demoSeed(onProgress: (p: DemoProgress) => void): Promise<DemoReport> {
  const channel = new Channel<DemoProgress>(onProgress);
  return call<DemoReport>("demo_seed", { onProgress: channel });
}

export const signIn = (input: SignInInput) => call<SessionView>("sign_in", { input });
export const session = () => call<SessionView | null>("session");
export const activity = () => call<null>("activity");
export const signOut = () => call<null>("sign_out");

export const overview = () => call<Overview>("overview");

/** Tells the startup benchmark that the first screen is on glass. */
export const uiReady = () => call<null>("ui_ready");
