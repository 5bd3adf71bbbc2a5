// Test rig for the UI against a mock IPC backend: a Vite dev server on a free port (its own
// process group, always killed afterwards), Debian's Chromium through playwright-core, and the
// official `mockIPC` from @tauri-apps/api installed *before* the app's scripts run.
//
// How the mock gets in: `page.addInitScript` runs ahead of every page script. The first init
// script is @tauri-apps/api/mocks.js itself (its ES `export` line removed), so the bridge is
// the library's own; the second installs the fake backend (fake-backend.mjs) with the test's
// scenario. The app therefore sees `window.__TAURI_INTERNALS__` at start-up exactly as in the
// Tauri webview, and needs no test-only code path.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { installFakeBackend } from "./fake-backend.mjs";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const UI = join(ROOT, "ui");
export const ARTIFACTS = join(process.env.RAMPART_ARTIFACTS ?? "/tmp/rampart-ui-artifacts", "ui-mock");
const VITE = join(UI, "node_modules/.bin/vite");
const CHROMIUM = process.env.RAMPART_CHROMIUM ?? "/usr/bin/chromium";

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

async function waitForHttp(url, child, output, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`vite exited early (${child.exitCode}):\n${output()}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`vite did not answer on ${url} within ${timeoutMs} ms:\n${output()}`);
}

/** Kills a detached child's whole process group and waits for it to go. */
export async function killGroup(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once("exit", r));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }, 3000);
  await gone;
  clearTimeout(timer);
}

/** The Vite dev server for ui/, on a free port, in its own process group. `config` picks
 *  another Vite config in ui/ (the UI-kit harness uses vite.harness.config.ts). */
export async function startVite({ config } = {}) {
  const port = await freePort();
  const cacheDir = mkdtempSync(join(tmpdir(), "rampart-vite-cache-"));
  const configArgs = config ? ["--config", config] : [];
  const child = spawn(VITE, [...configArgs, "--host", "127.0.0.1", "--port", String(port), "--strictPort"], {
    cwd: UI,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, RAMPART_VITE_CACHE_DIR: cacheDir, BROWSER: "none" },
  });
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  // If the test process dies, do not leave the server behind.
  const onExit = () => {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  };
  process.once("exit", onExit);
  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitForHttp(url, child, () => log);
  } catch (e) {
    await killGroup(child);
    throw e;
  }
  return {
    url,
    log: () => log,
    async stop() {
      process.off("exit", onExit);
      await killGroup(child);
      rmSync(cacheDir, { recursive: true, force: true });
    },
  };
}

/** `scrollbars: true` keeps classic scrollbars (headless hides them by default), for tests
 *  that drag a scrollbar thumb. */
export async function launchChromium({ scrollbars = false } = {}) {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    ignoreDefaultArgs: scrollbars ? ["--hide-scrollbars"] : undefined,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

const MOCKS_SOURCE = (() => {
  const src = readFileSync(join(UI, "node_modules/@tauri-apps/api/mocks.js"), "utf8");
  const withoutExport = src.replace(/^export \{[^}]*\};?\s*$/m, "");
  if (withoutExport === src) throw new Error("mocks.js changed shape: no export line found");
  return `(() => {\n${withoutExport}\nwindow.__rampartMocks = { mockIPC, clearMocks };\n})();`;
})();

/** tauri.conf.json sets `freezePrototype: true`; the tests run the app the same way. */
const FREEZE_PROTOTYPE = "Object.freeze(Object.prototype);";

/**
 * Opens the app with a fake backend.
 * @param browser from launchChromium()
 * @param url the dev server (or a static server of the build)
 * @param scenario see fake-backend.mjs `scenario()`
 * @param options.timezoneId the *machine's* zone; the default is deliberately not Seoul so that
 *   times prove they follow the operator's setting, not the machine.
 */
export async function openApp(browser, url, scenario, options = {}) {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 800 },
    timezoneId: options.timezoneId ?? "America/New_York",
    locale: options.locale ?? "en-US",
    colorScheme: options.colorScheme ?? "dark",
    deviceScaleFactor: 1,
  });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console.${m.type()}: ${m.text()}`);
  });
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  if (options.freezePrototype !== false) await page.addInitScript(FREEZE_PROTOTYPE);
  if (options.mock !== false) {
    await page.addInitScript(MOCKS_SOURCE);
    await page.addInitScript(installFakeBackend, scenario);
  }
  if (options.clock) await page.clock.install({ time: options.clock });
  await page.goto(url);
  return {
    page,
    context,
    problems,
    requests,
    /** every IPC call so far: [{cmd, args}] */
    calls: (cmd) => page.evaluate((c) => window.__fake.calls.filter((x) => !c || x.cmd === c), cmd ?? null),
    /** change the fake backend's state from the test: `set((s, arg) => { s.x = arg }, arg)` */
    set: (fn, arg) => page.evaluate(`(${fn.toString()})(window.__fake.state, ${JSON.stringify(arg ?? null)})`),
    /** Closes the page; fails the test if the page logged an error or warning (React warns in
     *  development about keys, controlled inputs and the like) unless the test allowed it. */
    close: async () => {
      await context.close();
      if (!options.allowProblems && problems.length > 0) {
        throw new Error(`the page reported problems:\n${problems.join("\n")}`);
      }
    },
  };
}

/** Fills and submits the sign-in form. */
export async function signIn(page, { email = "officer@rampart.test", password = "pw", totp = "123456" } = {}) {
  await page.getByTestId("signin-email").fill(email);
  await page.getByTestId("signin-password").fill(password);
  await page.getByTestId("signin-totp").fill(totp);
  await page.getByTestId("signin-submit").click();
}

export function artifactPath(name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}

/** Shared set-up for a test file: one dev server, one browser. */
export function suite(before, after) {
  const env = {};
  before(async () => {
    env.vite = await startVite();
    env.browser = await launchChromium();
  });
  after(async () => {
    await env.browser?.close();
    await env.vite?.stop();
  });
  return env;
}
