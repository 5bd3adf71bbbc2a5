// The shell's state machine: boot → (sign in | console | locked). It owns the app info,
// settings, profiles and connection, and hands pages what they need through ConsoleContext.
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import * as ipc from "../platform";
import type { AppInfo, ConnectionState, IpcError, Language, ProfileView, SessionView, Settings } from "../platform";
import { languageFromLocale, LocaleProvider, translate, type MessageKey, type Vars } from "../i18n";
import { ErrorBanner } from "../shared/ErrorBanner";
import { Spinner } from "../shared/Progress";
import { SignInPage } from "../features/signin/SignInPage";
import { askBoot, type Boot } from "./boot";
import { ConsoleContext, type Console } from "./console";
import { applyTheme } from "./theme";
import { useActivityHeartbeat } from "./activity";
import { Brand } from "./Brand";
import { ConfigErrorBanner } from "./ConfigErrorBanner";
import { LanguageToggle } from "./LanguageToggle";
import { LockScreen } from "./LockScreen";

// Only the sign-in screen is in the first bundle; the console and the Connections page load
// when first shown (the console right after the first frame, see the finish line below).
const loadShell = () => import("./Shell");
const Shell = lazy(() => loadShell().then((m) => ({ default: m.Shell })));
const ConnectionsPage = lazy(() =>
  import("../features/connections/ConnectionsPage").then((m) => ({ default: m.ConnectionsPage })),
);

type Phase =
  | { kind: "booting" }
  | { kind: "no-bridge"; waiting: boolean }
  | { kind: "boot-failed"; error: IpcError }
  | { kind: "gate"; view: "signin" | "connections"; notice: string | null }
  | { kind: "console"; session: SessionView }
  | { kind: "locked"; session: SessionView | null };

const SESSION_POLL_MS = 30_000;

/** Settings carry a language; an older or hand-edited config may not, and then the OS decides. */
function effectiveSettings(info: AppInfo): Settings {
  const s = info.settings as Partial<Settings>;
  return {
    language: s.language === "ko" || s.language === "en" ? s.language : languageFromLocale(info.os_locale),
    time_zone: s.time_zone || "Asia/Seoul",
    theme: s.theme ?? "system",
    lock_after_minutes: s.lock_after_minutes ?? 15,
  };
}

/** `boot`: the start-up answers main.tsx already asked for; asked here when absent. */
export function App(props: { boot?: Promise<Boot> }) {
  const [phase, setPhase] = useState<Phase>({ kind: "booting" });
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [settings, setSettings] = useState<Settings | null>(null);
  const [profiles, setProfiles] = useState<ProfileView[]>([]);
  const [profilesError, setProfilesError] = useState<IpcError | null>(null);
  const [connection, setConnection] = useState<ConnectionState | null>(null);
  const [connecting, setConnecting] = useState<string | null>(null);
  // The profile last asked for, so the selector keeps showing it when connecting failed.
  const [chosen, setChosen] = useState<string | null>(null);
  const [connectError, setConnectError] = useState<IpcError | null>(null);

  const language: Language = settings?.language ?? languageFromLocale(navigator.language);
  const timeZone = settings?.time_zone ?? "Asia/Seoul";
  const theme = settings?.theme ?? "system";
  const t = useCallback((key: MessageKey, vars?: Vars) => translate(language, key, vars), [language]);

  useEffect(() => applyTheme(theme), [theme]);
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  /** Connect to a profile, or follow a connect the boot already started (`started`). */
  const connectTo = useCallback(async (name: string, started?: Promise<ConnectionState>) => {
    setChosen(name);
    setConnecting(name);
    setConnectError(null);
    try {
      setConnection(await (started ?? ipc.connect(name)));
    } catch (e) {
      setConnection(null);
      setConnectError(ipc.toIpcError(e));
    } finally {
      setConnecting(null);
    }
  }, []);

  // Boot: the answers main.tsx asked for before the first render (boot.ts), then the screen
  // they call for. A webview reloaded under a signed-in session goes straight to the console.
  const bootRef = useRef(props.boot);
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      if (!ipc.ipcAvailable()) {
        if (!import.meta.env.DEV) return setPhase({ kind: "no-bridge", waiting: false });
        setPhase({ kind: "no-bridge", waiting: true });
        await ipc.waitForMockBridge();
      }
      const { about, conn, list, live, autoConnect } = await (bootRef.current ?? askBoot());
      bootRef.current = undefined;
      if (cancelled) return;
      if (about.status === "rejected") return setPhase({ kind: "boot-failed", error: ipc.toIpcError(about.reason) });
      setInfo(about.value);
      setSettings(effectiveSettings(about.value));
      const current = conn.status === "fulfilled" ? conn.value : null;
      if (conn.status === "rejected") setConnectError(ipc.toIpcError(conn.reason));
      setProfiles(list.status === "fulfilled" ? list.value : []);
      setProfilesError(list.status === "rejected" ? ipc.toIpcError(list.reason) : null);
      setConnection(current);

      // Followed before the phase changes, so the first sign-in frame already shows it.
      const connected = autoConnect ? connectTo(autoConnect.profile, autoConnect.result) : null;
      if (live.status === "fulfilled" && live.value) {
        setPhase({ kind: "console", session: live.value });
      } else if (live.status === "rejected" && ipc.toIpcError(live.reason).code === "session_expired") {
        setPhase({ kind: "locked", session: null });
      } else {
        setPhase({ kind: "gate", view: "signin", notice: null });
      }
      await connected;
    })();
    return () => {
      cancelled = true;
    };
  }, [connectTo]);

  // The startup benchmark's finish line: the first usable screen, painted (two frames later).
  // On the sign-in screen that is once the default profile's connect has settled (the form is
  // disabled while it runs), not the first frame that merely shows a spinner.
  const readySent = useRef(false);
  const settling =
    phase.kind === "booting" || (phase.kind === "no-bridge" && phase.waiting) || (phase.kind === "gate" && connecting !== null);
  useEffect(() => {
    if (readySent.current || settling) return;
    readySent.current = true;
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        if (ipc.ipcAvailable()) ipc.uiReady().catch(() => undefined);
        // Fetch the console's code now that the first screen is up, so signing in does not
        // wait for it (the pages stay lazy: each loads when first opened).
        loadShell().catch(() => undefined); // a failure shows when the console is opened
      }),
    );
  }, [settling]);

  // Session events. Kept stable (refs) so pages that depend on them do not refetch.
  const sessionRef = useRef<SessionView | null>(null);
  sessionRef.current = phase.kind === "console" ? phase.session : phase.kind === "locked" ? phase.session : sessionRef.current;
  const tRef = useRef(t);
  tRef.current = t;

  const lock = useCallback(() => setPhase({ kind: "locked", session: sessionRef.current }), []);
  const toGate = useCallback((notice: string | null) => setPhase({ kind: "gate", view: "signin", notice }), []);
  const handleAuthError = useCallback(
    (error: IpcError) => {
      if (error.code === "session_expired") {
        lock();
        return true;
      }
      if (error.code === "unauthenticated") {
        toGate(tRef.current("signin.notice.ended"));
        return true;
      }
      return false;
    },
    [lock, toGate],
  );

  const signedIn = phase.kind === "console";
  useActivityHeartbeat(signedIn);
  useEffect(() => {
    if (!signedIn) return;
    let busy = false;
    const check = async () => {
      if (busy) return;
      busy = true;
      try {
        const live = await ipc.session();
        if (!live) toGate(tRef.current("signin.notice.ended"));
      } catch (e) {
        handleAuthError(ipc.toIpcError(e));
      } finally {
        busy = false;
      }
    };
    const timer = window.setInterval(check, SESSION_POLL_MS);
    // Coming back to the window is when a lock should show, not up to 30 s later.
    const onReturn = () => {
      if (document.visibilityState === "visible") void check();
    };
    document.addEventListener("visibilitychange", onReturn);
    window.addEventListener("focus", onReturn);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener("visibilitychange", onReturn);
      window.removeEventListener("focus", onReturn);
    };
  }, [signedIn, handleAuthError, toGate]);

  const refreshProfiles = useCallback(async () => {
    try {
      setProfiles(await ipc.profilesList());
      setProfilesError(null);
    } catch (e) {
      setProfilesError(ipc.toIpcError(e));
    }
  }, []);

  const saveSettings = useCallback(async (next: Settings) => {
    const saved = await ipc.settingsSave(next);
    setSettings(saved);
    return saved;
  }, []);

  const changeLanguage = useCallback(
    (next: Language) => {
      if (!settings) return;
      const wanted = { ...settings, language: next };
      setSettings(wanted); // the switch is immediate; saving it is best effort
      ipc.settingsSave(wanted).catch(() => undefined);
    },
    [settings],
  );

  const signOut = useCallback(async () => {
    try {
      await ipc.signOut();
    } catch {
      // Signing out locally still hides everything; the Rust session ends on its own timer.
    }
    sessionRef.current = null;
    toGate(null);
  }, [toGate]);

  const consoleValue = useMemo<Console | null>(
    () =>
      info && settings
        ? {
            info,
            settings,
            profiles,
            connection,
            session: phase.kind === "console" ? phase.session : null,
            handleAuthError,
            refreshProfiles,
            saveSettings,
          }
        : null,
    [info, settings, profiles, connection, phase, handleAuthError, refreshProfiles, saveSettings],
  );

  const starting = (
    <div className="gate gate-center muted" data-testid="booting">
      <Spinner /> {t("boot.starting")}
    </div>
  );
  let screen: ReactNode;
  switch (phase.kind) {
    case "booting":
      screen = starting;
      break;
    case "no-bridge":
      screen = (
        <div className="gate gate-center">
          <section className="panel signin-panel" data-testid="no-bridge">
            <Brand />
            <p>{phase.waiting ? t("boot.waiting_mock") : t("boot.no_bridge")}</p>
          </section>
        </div>
      );
      break;
    case "boot-failed":
      screen = (
        <div className="gate gate-center">
          <section className="panel signin-panel" data-testid="boot-failed">
            <Brand />
            <ErrorBanner error={phase.error} title={t("boot.failed")}>
              <div className="banner-todo">{t("boot.failed.todo")}</div>
            </ErrorBanner>
          </section>
        </div>
      );
      break;
    case "locked":
      screen = (
        <LockScreen
          session={phase.session}
          lockMinutes={settings?.lock_after_minutes ?? 15}
          onSignedIn={(session) => setPhase({ kind: "console", session })}
          onSignOut={() => void signOut()}
        />
      );
      break;
    case "console":
      screen = (
        <Suspense fallback={starting}>
          <Shell
            session={phase.session}
            connection={connection}
            version={info?.version ?? ""}
            configError={info?.config_error ?? null}
            configDir={info?.config_dir ?? ""}
            onLanguage={changeLanguage}
            onSignOut={() => void signOut()}
          />
        </Suspense>
      );
      break;
    case "gate":
      screen = (
        <div className="gate">
          <header className="gate-bar">
            <Brand subtitle={t("app.tagline")} />
            <div className="row">
              {phase.view === "connections" && (
                <button
                  type="button"
                  className="btn btn-small"
                  onClick={() => setPhase({ kind: "gate", view: "signin", notice: null })}
                  data-testid="back-to-signin"
                >
                  {t("signin.back")}
                </button>
              )}
              <LanguageToggle onChange={changeLanguage} />
            </div>
          </header>
          <main className="gate-main">
            {info?.config_error && <ConfigErrorBanner error={info.config_error} configDir={info.config_dir} />}
            {info && !info.keychain.available && (
              <div className="banner banner-warn" data-testid="keychain-warning">
                {t("keychain.unavailable", { backend: info.keychain.backend })}
                {info.keychain.error ? ` ${info.keychain.error.message}` : ""}
              </div>
            )}
            {profilesError && <ErrorBanner error={profilesError} title={t("conn.list_failed")} />}
            {phase.view === "connections" ? (
              <Suspense fallback={<Spinner />}>
                <ConnectionsPage />
              </Suspense>
            ) : (
              <SignInPage
                profiles={profiles}
                connection={connection}
                connecting={connecting}
                chosen={chosen}
                connectError={connectError}
                notice={phase.notice}
                onSelectProfile={(name) => void connectTo(name)}
                onDemoSeeded={() => {
                  if (connection) void connectTo(connection.profile);
                }}
                onSignedIn={(session) => setPhase({ kind: "console", session })}
                onManageConnections={() => setPhase({ kind: "gate", view: "connections", notice: null })}
              />
            )}
          </main>
        </div>
      );
      break;
  }

  return (
    <LocaleProvider language={language} timeZone={timeZone}>
      <ConsoleContext.Provider value={consoleValue}>{screen}</ConsoleContext.Provider>
    </LocaleProvider>
  );
}
