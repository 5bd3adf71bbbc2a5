// The real desktop app through tauri-driver (WebKitWebDriver underneath) and webdriverio 9.
import { remote } from "webdriverio";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { APP, ARTIFACTS, DRIVER_PORT } from "./env.mjs";
import { DEMO_PASSWORD } from "./demo.mjs";
import { freshTotp, totp, timeStep } from "./totp.mjs";
import { steps } from "./steps.mjs";

export const TIMEOUT = Number(process.env.RAMPART_E2E_TIMEOUT_MS ?? 20_000);

/** Launch the app (tauri-driver starts a fresh process per session). */
export async function launch() {
  return remote({
    hostname: "127.0.0.1",
    port: DRIVER_PORT,
    logLevel: "warn",
    connectionRetryTimeout: 60_000,
    capabilities: {
      // WebKitWebDriver speaks WebDriver classic only; webdriverio 9 would try BiDi.
      "wdio:enforceWebDriverClassic": true,
      "tauri:options": { application: APP },
    },
  });
}

/**
 * Fail fast, and say why, when the window does not hold the console: a binary built without
 * `--features tauri/custom-protocol` loads the Vite dev server URL instead of the embedded UI.
 */
const DEV_URL = /^https?:\/\/(127\.0\.0\.1|localhost):1420/;

export async function assertConsoleLoaded(b) {
  const marks = ["booting", "signin-submit", "session-email", "boot-failed", "no-bridge", "lock-screen"].map(sel).join(", ");
  const deadline = Date.now() + 60_000;
  let url = await b.getUrl();
  while (Date.now() < deadline && !DEV_URL.test(url)) {
    if ((await b.$$(marks)).length > 0) return;
    await new Promise((r) => setTimeout(r, 250));
    url = await b.getUrl();
  }
  const text = await b.execute(() => document.body?.innerText ?? "").catch(() => "");
  const hint = DEV_URL.test(url) ? `: ${APP} was built without --features tauri/custom-protocol and loads the dev server` : "";
  throw new Error(`the window shows ${url} (${JSON.stringify(text.slice(0, 200))}), not the console${hint}`);
}

export const sel = (id) => `[data-testid="${id}"]`;

export async function el(b, id, { timeout = TIMEOUT } = {}) {
  const e = await b.$(sel(id));
  await e.waitForDisplayed({ timeout, timeoutMsg: `[data-testid="${id}"] not displayed after ${timeout} ms` });
  return e;
}

export async function isShown(b, id) {
  const e = await b.$(sel(id));
  return (await e.isExisting()) && (await e.isDisplayed());
}

export async function attr(b, id, name) {
  return (await b.$(sel(id))).getAttribute(name);
}

/** Type into an input, replacing what it holds (React reads the input events). */
export async function type(b, id, text) {
  const e = await el(b, id);
  await e.clearValue();
  await e.setValue(text);
}

export async function click(b, id) {
  const e = await el(b, id);
  await e.waitForClickable({ timeout: TIMEOUT, timeoutMsg: `[data-testid="${id}"] not clickable` });
  await e.click();
}

export async function screenshot(b, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await b.saveScreenshot(file);
  return file;
}

export async function htmlLang(b) {
  return b.execute(() => document.documentElement.lang);
}

/** The sign-in form, ready: connected to a profile (the submit button is enabled). */
export async function waitForSignIn(b) {
  const submit = await el(b, "signin-submit", { timeout: 60_000 });
  await b.waitUntil(async () => submit.isEnabled(), { timeout: 60_000, timeoutMsg: "sign-in form never enabled (no connection?)" });
}

export async function signOutIfSignedIn(b) {
  if (await isShown(b, "signout")) {
    await click(b, "signout");
  }
  await waitForSignIn(b);
}

/**
 * Fill and submit the sign-in form. `code` overrides the TOTP code (for a wrong one).
 * Resolves to "signed-in" (session-email shown) or "error" (signin-error shown).
 */
export async function submitSignIn(b, op, { code } = {}) {
  await waitForSignIn(b);
  let step = null;
  if (code === undefined) {
    ({ code, step } = await freshTotp(op.totpSecret, { notBeforeStep: steps.next(op.email) }));
  }
  await type(b, "signin-email", op.email);
  await type(b, "signin-password", DEMO_PASSWORD);
  await type(b, "signin-totp", code);
  await click(b, "signin-submit");
  let outcome = null;
  await b.waitUntil(
    async () => {
      if (await isShown(b, "session-email")) outcome = "signed-in";
      else if (await isShown(b, "signin-error")) outcome = "error";
      return outcome !== null;
    },
    { timeout: 60_000, timeoutMsg: `no outcome after signing in as ${op.email}` },
  );
  if (outcome === "signed-in" && step !== null) steps.used(op.email, step);
  return outcome;
}

export async function signIn(b, op) {
  const outcome = await submitSignIn(b, op);
  if (outcome !== "signed-in") {
    throw new Error(`sign-in as ${op.email} failed: ${await (await b.$(sel("signin-error"))).getText()}`);
  }
}

/** A 6-digit code that is not valid for `secret` in the current step or either neighbour. */
export function wrongCode(secret) {
  const now = Date.now();
  const valid = new Set([-1, 0, 1].map((d) => totp(secret, now + d * 30_000)));
  for (let n = (Number(totp(secret, now)) + 500_000) % 1_000_000; ; n = (n + 1) % 1_000_000) {
    const c = String(n).padStart(6, "0");
    if (!valid.has(c)) return c;
  }
}

/** Every Overview figure that carries a raw value: { testid: data-value | null }. */
export async function overviewFigures(b) {
  return b.execute(() => {
    const out = {};
    for (const e of document.querySelectorAll('[data-testid^="ov-"]')) {
      const id = e.getAttribute("data-testid");
      if (id === "ov-events-unavailable") continue;
      out[id] = e.hasAttribute("data-value") ? e.getAttribute("data-value") : null;
    }
    return out;
  });
}

export { timeStep };
