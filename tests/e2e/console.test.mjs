// The desktop console end to end: the real app (custom-protocol build) on an embedded demo store
// the CLI seeded, driven through tauri-driver. One app session runs the tests in order; each
// test brings the app to the state it needs (signed out, signed in as X) itself.
//
// Runs only inside a throwaway desktop session (scripts/desktop.sh e2e): it writes secrets to the
// session's keychain and scans the session's files.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { assertIsolated, ARTIFACTS, CONFIG_DIR, DATA_DIR, SESSION_ROOT, STORE } from "./lib/env.mjs";
import { DEMO_PASSWORD, OPERATORS } from "./lib/demo.mjs";
import { CLI_LOG, cliStatus, seedDemoStore } from "./lib/cli.mjs";
import {
  assertConsoleLoaded,
  attr,
  click,
  el,
  htmlLang,
  isShown,
  launch,
  overviewFigures,
  screenshot,
  signIn,
  signOutIfSignedIn,
  submitSignIn,
  type,
  waitForSignIn,
  wrongCode,
  TIMEOUT,
} from "./lib/app.mjs";
import { filesUnder, findSecrets, keychainItems, keychainSecret } from "./lib/secrets.mjs";

const { officer, auditor, admin } = OPERATORS;
let b;

before(async () => {
  assertIsolated();
  const seed = await seedDemoStore();
  if (seed.seeded) console.log(`# seeded ${STORE} in ${seed.ms} ms`);
  b = await launch();
  await assertConsoleLoaded(b);
});

after(async () => {
  await b?.deleteSession().catch(() => undefined); // closes the app
});

test("the sign-in screen comes up connected to the default profile", async () => {
  await waitForSignIn(b);
  assert.equal(await isShown(b, "demo-offer"), false, "the store is seeded: no demo offer");
  assert.ok(await isShown(b, "profile-select"), "profile picker shown");
  await screenshot(b, "signin");
});

test("a wrong TOTP code is refused with signin-error", async () => {
  await signOutIfSignedIn(b);
  const outcome = await submitSignIn(b, officer, { code: wrongCode(officer.totpSecret) });
  assert.equal(outcome, "error", "a wrong code must not sign in");
  assert.notEqual((await (await el(b, "signin-error")).getText()).trim(), "", "the error says something");
  assert.equal(await isShown(b, "session-email"), false);
});

// Figures that depend on the clock or on audit writes (events in the last 24 h: the window
// slides, and sign-ins are audited) may differ between two reads; every other figure is static
// for a seeded store. The app's value must lie between a CLI read before and one after it.
function expectedFigures(ov) {
  const want = {
    "ov-users-total": ov.users_total,
    "ov-users-unreadable": ov.users_unreadable,
    "ov-mfa-enabled": ov.mfa_enabled,
    "ov-admins-without-mfa": ov.admins_without_mfa,
    "ov-events-24h": ov.events_24h, // null: the figure carries no data-value
    "ov-account-locks": ov.account_locks,
    "ov-ip-blocks": ov.ip_blocks,
    "ov-trail-status": ov.trail ? (ov.trail.ok ? "ok" : "broken") : "unavailable",
  };
  for (const r of ov.users_by_role) want[`ov-role-${r.role}`] = r.users;
  for (const k of ov.keys_by_purpose) want[`ov-key-${k.purpose}`] = k.active;
  return want;
}

test("officer: every Overview figure equals `rampart --json status` on the same store", async () => {
  await signOutIfSignedIn(b);
  await signIn(b, officer);
  assert.equal(await (await el(b, "session-email")).getText(), officer.email);
  await el(b, "ov-users-total", { timeout: 60_000 });

  const first = (await cliStatus(auditor)).overview;
  // A fresh read after the CLI's, so the app's figures are bracketed by the two CLI reads.
  const shownAt = await attr(b, "overview-generated-at", "data-value");
  await new Promise((r) => setTimeout(r, 1100)); // generated_at has 1 s resolution
  await click(b, "overview-refresh");
  await b.waitUntil(async () => (await attr(b, "overview-generated-at", "data-value")) !== shownAt, {
    timeout: 60_000,
    timeoutMsg: "overview-refresh did not produce a new Overview",
  });
  const shown = await overviewFigures(b);
  const second = (await cliStatus(admin)).overview;

  assert.deepEqual(first.errors, [], "the CLI computed every part");
  const lo = expectedFigures(first);
  const hi = expectedFigures(second);
  assert.deepEqual(Object.keys(shown).sort(), Object.keys(lo).sort(), "the page shows exactly the CLI's figures");
  const mismatches = [];
  for (const [id, a] of Object.entries(lo)) {
    const z = hi[id];
    const got = shown[id];
    if (a === null || z === null || typeof a === "string") {
      if (got !== (a === null ? null : String(a)) || a !== z) mismatches.push(`${id}: page ${got}, CLI ${a} then ${z}`);
    } else {
      const n = Number(got);
      if (!(got !== null && n >= Math.min(a, z) && n <= Math.max(a, z))) mismatches.push(`${id}: page ${got}, CLI ${a} then ${z}`);
    }
  }
  assert.deepEqual(mismatches, [], "Overview figures disagree with `rampart --json status`");
  assert.ok(Number(shown["ov-users-total"]) > 0, "the demo store has users");
  assert.equal(await htmlLang(b), "en", "English first (C locale, no saved setting)");
  await screenshot(b, "overview-en");
});

test("Korean: lang-ko switches html[lang] and the nav to Hangul", async () => {
  if (!(await isShown(b, "session-email"))) await signIn(b, officer);
  await click(b, "lang-ko");
  await b.waitUntil(async () => (await htmlLang(b)) === "ko", { timeout: TIMEOUT, timeoutMsg: "html[lang] never became ko" });
  const label = await (await el(b, "nav-overview")).getText();
  assert.match(label, /[\uAC00-\uD7A3]/, `nav-overview label in Hangul, got ${JSON.stringify(label)}`);
  await click(b, "nav-overview");
  await el(b, "ov-users-total");
  await screenshot(b, "overview-ko");
  // Back to English: the language is saved in settings and later tests read English text.
  await click(b, "lang-en");
  await b.waitUntil(async () => (await htmlLang(b)) === "en", { timeout: TIMEOUT, timeoutMsg: "html[lang] never went back to en" });
});

test("sign out, sign in as the auditor: the role badge says auditor", async () => {
  if (await isShown(b, "signout")) await click(b, "signout");
  await waitForSignIn(b);
  assert.equal(await isShown(b, "session-email"), false, "signed out");
  await signIn(b, auditor);
  assert.equal(await (await el(b, "session-email")).getText(), auditor.email);
  assert.equal(await attr(b, "session-role", "data-value"), auditor.role);
});

test("a Redis profile's password goes to the keychain and nowhere else", async () => {
  if (!(await isShown(b, "session-email"))) await signIn(b, auditor);
  const name = `e2e-redis-${randomBytes(3).toString("hex")}`;
  const password = `e2e-S3cret-${randomBytes(12).toString("hex")}`;

  await click(b, "nav-connections");
  await click(b, "profile-new");
  await type(b, "profile-name", name);
  await type(b, "profile-redis-url", "redis://127.0.0.1:6379/9");
  await type(b, "profile-redis-password", password);
  await click(b, "profile-save");
  await el(b, `profile-row-${name}`);
  // The form comes back for the saved profile, knowing only that a password is stored.
  await el(b, "profile-redis-password-stored");
  assert.equal(await (await b.$('[data-testid="profile-redis-password"]')).isExisting(), false, "no input holds the stored password");
  await screenshot(b, "connections");

  // The keychain holds it: exactly one item has this secret.
  const items = await keychainItems();
  const holders = [];
  for (const item of items) if ((await keychainSecret(item.attributes)) === password) holders.push(item);
  assert.equal(holders.length, 1, `one keychain item holds the password; items: ${JSON.stringify(items)}`);

  // Close the app so everything it buffers reaches disk, then search every file it could write.
  await b.deleteSession();
  b = null;
  await new Promise((r) => setTimeout(r, 1000));
  const roots = [SESSION_ROOT, DATA_DIR, CONFIG_DIR, ARTIFACTS, process.env.TMPDIR].filter(Boolean);
  const files = filesUnder(roots);
  assert.ok(files.some((f) => f.startsWith(CONFIG_DIR)), "the profile was written under the config dir");
  // The seed contract keeps MFA secrets in clear in `mfa:{id}` (CONTRACT.md §2): the store files
  // themselves hold the operators' TOTP secrets by design. Nothing else may.
  const storeFile = (f) => path.dirname(f) === DATA_DIR && /^rampart(\.records)?\.db(-wal|-shm|-journal)?$/.test(path.basename(f));
  const needles = [
    { label: "the Redis profile password", value: password },
    { label: "the operator password", value: DEMO_PASSWORD },
    ...Object.values(OPERATORS).map((op) => ({ label: `${op.email} TOTP secret`, value: op.totpSecret, allowedIn: storeFile })),
  ];
  const hits = findSecrets(files, needles);
  assert.deepEqual(hits, [], `secrets found in files (${files.length} searched)`);
  // The logs were among them, and hold what debug logging writes (not an empty file): the
  // app's IPC failures (the wrong code above) and the CLI runs of this suite.
  const driverLog = path.join(ARTIFACTS, "tauri-driver.log");
  assert.ok(files.includes(driverLog) && files.includes(CLI_LOG), "both logs were searched");
  assert.match(readFileSync(driverLog, "utf8"), /rampart_desktop/, "the app logged at debug into the searched log");
  assert.match(readFileSync(CLI_LOG, "utf8"), /\$ rampart /, "the CLI runs were recorded");
});
