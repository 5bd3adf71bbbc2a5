// Identity administration (issue 4) end to end: the real app (custom-protocol build) on the
// embedded demo store, driven through tauri-driver; every effect is checked in the store with
// `rampart --json …`, not only on screen. One app session runs the tests in order, and later
// tests build on earlier ones (the user created first is enrolled, promoted, locked…).
//
//   officer   creates a user, enrols its MFA by reading the QR code off the screen, asks for
//             its promotion to admin, revokes a demo user's session, lifts a lock and a block,
//             deactivates dormant accounts (dry run first);
//   admin     approves the promotion;
//   auditor   sees it all read-only, and a direct IPC call is refused;
//   officer   again, in Korean: the same pages and a second enrolment.
//
// Runs only inside a throwaway desktop session (scripts/desktop.sh e2e).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { assertIsolated, STORE } from "./lib/env.mjs";
import { OPERATORS } from "./lib/demo.mjs";
import { seedDemoStore } from "./lib/cli.mjs";
import { assertConsoleLoaded, attr, click, el, htmlLang, isShown, launch, screenshot, sel, signIn, signOutIfSignedIn, type, TIMEOUT } from "./lib/app.mjs";
import { nextPaint, readQrFromScreen } from "./lib/qr.mjs";
import { cli, serviceLocksAccount, showUser } from "./lib/store.mjs";
import { freshTotp } from "./lib/totp.mjs";

const { officer, auditor, admin } = OPERATORS;
const RUN = randomBytes(3).toString("hex");
const PASSWORD = `E2e-Rampart-${randomBytes(6).toString("hex")}`;
/** The user the officer creates in English and takes through enrolment and promotion. */
const alpha = { email: `e2e.alpha.${RUN}@example.com`, username: `e2e-alpha-${RUN}`, id: null };
/** The second user, created and enrolled in Korean. */
const beta = { email: `e2e.beta.${RUN}@example.com`, username: `테스트사용자-${RUN}`, id: null };
/** Dormant threshold: the deterministic demo seed (--seed 1, 2,000 users, lib/demo.mjs) has a
 *  handful of accounts older than this that never signed in, some already inactive. */
const DORMANT_DAYS = 700;
/** An address from TEST-NET-2 (RFC 5737) for the block the officer lifts. */
const BLOCKED_IP = "198.51.100.77";
const AUDITED_IP = "198.51.100.78";
const ISSUER = "Stock Analysis App"; // the service's MFAService.issuer_name (CONTRACT §2)
/** The admin role's permissions in the service's order (CONTRACT §2 role table). */
const ADMIN_PERMISSIONS = ["read_stock_data", "write_stock_data", "read_sentiment_data", "manage_users", "access_analytics", "export_data"];

let b;
/** What later tests need from earlier ones. */
const state = { requestId: null, sessionUser: null, dormant: null, secrets: [] };
/** The operators' user ids (the trail and the approvals name operators by id). */
const ids = {};

before(async () => {
  assertIsolated();
  const seed = await seedDemoStore();
  if (seed.seeded) console.log(`# seeded ${STORE} in ${seed.ms} ms`);
  for (const [k, op] of Object.entries(OPERATORS)) ids[k] = (await showUser(auditor, op.email)).id;
  b = await launch();
  await assertConsoleLoaded(b);
});

after(async () => {
  await b?.deleteSession().catch(() => undefined); // closes the app
});

// ---------------------------------------------------------------------------------------------
// Helpers over the pages

/** A screenshot of what the window shows once the DOM's latest state is painted. */
async function shot(name) {
  await nextPaint(b);
  return screenshot(b, name);
}

/**
 * Set a text field in one input event, as a paste does. Used for the Users search and the
 * dormant days only: those fields sit over a table whose every row is rendered (the route's
 * wrapper gives the table no height, so nothing is virtualised and each unloaded row runs a
 * shimmer animation — about 13,000 on the demo store), and per-key typing there takes up to a
 * second a key on a loaded 2-core machine. Forms are typed key by key.
 */
async function fill(id, text) {
  await el(b, id);
  await b.execute(
    (s, v) => {
      const e = document.querySelector(s);
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set.call(e, v);
      e.dispatchEvent(new Event("input", { bubbles: true }));
    },
    sel(id),
    text,
  );
  await b.waitUntil(async () => (await (await el(b, id)).getValue()) === text, { timeout: TIMEOUT, timeoutMsg: `${id} never held ${text}` });
}

const t0 = Date.now();
const mark = (what) => console.log(`# ${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}`);

/** Close whatever dialog a failed test left open (Escape, as the operator would). */
async function closeDialogs() {
  for (let i = 0; i < 3 && (await b.$$("dialog[open]")).length > 0; i++) {
    await b.keys("Escape");
    await b.pause(200);
  }
}

async function english() {
  if ((await htmlLang(b)) !== "en") {
    await click(b, "lang-en");
    await b.waitUntil(async () => (await htmlLang(b)) === "en", { timeout: TIMEOUT, timeoutMsg: "html[lang] never became en" });
  }
}

async function korean() {
  await click(b, "lang-ko");
  await b.waitUntil(async () => (await htmlLang(b)) === "ko", { timeout: TIMEOUT, timeoutMsg: "html[lang] never became ko" });
}

/** Signed in as `op` (signing out whoever else is). */
async function as(op) {
  await closeDialogs();
  if ((await isShown(b, "session-email")) && (await (await el(b, "session-email")).getText()) === op.email) return;
  await signOutIfSignedIn(b);
  await signIn(b, op);
  assert.equal(await attr(b, "session-role", "data-value"), op.role);
}

/** The Users page, its "All users" tab. */
async function usersPage() {
  await click(b, "nav-users");
  await el(b, "users-route");
  await click(b, "idm-tab-users");
  await el(b, "users-table");
}

const rowSel = (table, id) => `${sel(table)} [role="row"][data-id="${id}"]`;

/** Search the Users table for `email` and open that user's detail panel. */
async function openUser(user) {
  await usersPage();
  await fill("users-search", user.email);
  const row = await b.$(rowSel("users-table", user.id));
  await row.waitForDisplayed({ timeout: 60_000, timeoutMsg: `no row for ${user.email} after searching for it` });
  await row.click();
  await (await b.$(`${sel("user-detail")}[data-user="${user.id}"]`)).waitForDisplayed({ timeout: TIMEOUT });
}

async function gone(selector, what) {
  await b.waitUntil(async () => !(await (await b.$(selector)).isExisting()), { timeout: TIMEOUT, timeoutMsg: `${what} still shown` });
}

async function absent(id) {
  assert.equal(await (await b.$(sel(id))).isExisting(), false, `[data-testid="${id}"] must not be there`);
}

/** The Threats page with its snapshot loaded (not refreshing). */
async function threatsPage() {
  await click(b, "nav-threats");
  await el(b, "locks-page");
  await b.waitUntil(async () => (await attr(b, "locks-page", "aria-busy")) === "false", {
    timeout: 60_000,
    timeoutMsg: "the Threats page never finished loading",
  });
}

/** Fill and submit the Create user dialog; returns the store's record of the new user. */
async function createUser(user, shotName) {
  await usersPage();
  // Not there yet (and the table behind the dialog stays small).
  await fill("users-search", user.email);
  await b.waitUntil(async () => (await attr(b, "users-total", "data-value")) === "0", {
    timeout: 60_000,
    timeoutMsg: `${user.email} should not exist yet`,
  });
  await click(b, "users-create");
  await el(b, "create-user");
  await type(b, "create-email", user.email);
  await type(b, "create-username", user.username);
  assert.equal(await (await el(b, "create-role")).getValue(), "basic_user", "basic_user by default, as register_user");
  await type(b, "create-password", PASSWORD);
  await type(b, "create-confirm", PASSWORD);
  for (const item of ["policy-length", "policy-bytes", "policy-match"]) {
    assert.equal(await attr(b, item, "data-state"), "ok", `${item} met`);
  }
  await shot(shotName);
  await click(b, "create-submit");
  mark("create submitted");
  const result = await el(b, "create-result", { timeout: 60_000 });
  mark("create result shown");
  assert.equal(await result.getAttribute("data-approval"), "none");
  const stored = await showUser(officer, user.email);
  user.id = stored.id;
  assert.match(user.id, /^user_/);
  assert.equal(await (await el(b, "create-result")).getText().then((t) => t.includes(user.id)), true, "the dialog names the new id");
  await click(b, "create-close");
  return stored;
}

/**
 * Enrol MFA for `user` from its detail panel, reading the QR code from the screen: the
 * otpauth URI must be the service's (issuer, label `user_{id}`), and the code confirming the
 * enrolment is computed from the secret in the QR code. Returns the backup codes shown.
 */
async function enrolFromQr(user, lang) {
  await openUser(user);
  await click(b, "user-tab-mfa");
  await click(b, "user-act-enroll_mfa");
  await el(b, "mfa-enroll-dialog");
  await el(b, "mfa-qr", { timeout: 60_000 });
  const qr = await readQrFromScreen(b, "mfa-qr", `mfa-qr-${lang}`);
  assert.ok(qr.text, `no QR code could be read from ${qr.file} (${qr.width}x${qr.height}, ${qr.tries} frames)`);
  mark(`QR code read from the screen (${qr.width}x${qr.height} px, frame ${qr.tries})`);
  await shot(`mfa-enroll-${lang}`);
  const uri = new URL(qr.text);
  assert.equal(uri.protocol, "otpauth:");
  assert.equal(uri.host, "totp");
  assert.equal(decodeURIComponent(uri.pathname), `/${ISSUER}:user_${user.id}`, "label: issuer and user_{id}, as pyotp writes it");
  assert.equal(uri.searchParams.get("issuer"), ISSUER);
  const secret = uri.searchParams.get("secret");
  assert.match(secret, /^[A-Z2-7]{32}$/, "a 160-bit base32 secret");
  // The exact bytes pyotp's provisioning_uri produces (crates/domain totp.rs tests).
  const enc = encodeURIComponent(ISSUER);
  assert.equal(qr.text, `otpauth://totp/${enc}:user_${user.id}?secret=${secret}&issuer=${enc}`);
  // The secret typed out beside the code is the one in the code.
  assert.equal(await attr(b, "mfa-secret", "data-value"), secret, "the secret shown as text is the QR code's");

  const { code } = await freshTotp(secret);
  await type(b, "mfa-code", code);
  await click(b, "mfa-confirm");
  const dialog = await el(b, "mfa-codes", { timeout: 60_000 });
  const codes = await dialog.$$(`${sel("ots-items")} li`).map((li) => li.getText());
  assert.equal(codes.length, 10, "ten backup codes");
  for (const c of codes) assert.match(c, /^[0-9a-f]{8}$/, "a backup code as the service makes them");
  assert.equal(new Set(codes).size, 10, "all different");
  await shot(`mfa-backup-codes-${lang}`);

  // Shown once: closing needs the acknowledgement, and afterwards no page shows them.
  assert.equal(await (await el(b, "ots-close")).isEnabled(), false, "closing waits for the acknowledgement");
  await click(b, "ots-ack");
  await click(b, "ots-close");
  await gone(sel("ots-items"), "the backup codes");
  await el(b, "user-act-regenerate_backup_codes");
  const page = await b.execute(() => document.body.innerText);
  for (const c of codes) assert.equal(page.includes(c), false, "a backup code is still on screen after closing");
  await absent("mfa-secret");

  // The store: `mfa:{id}` written with the ten codes, and the CLI never shows a secret.
  const stored = await showUser(officer, user.id);
  assert.equal(stored.mfa.record, true, "mfa record written");
  assert.equal(stored.mfa.flag, true, "mfa_enabled set");
  assert.equal(stored.mfa.inconsistent, false);
  assert.equal(stored.mfa.backup_codes_left, 10);
  const text = JSON.stringify(stored);
  assert.equal(text.includes(secret), false, "the CLI shows no MFA secret");
  for (const c of codes) assert.equal(text.includes(c), false, "the CLI shows no backup code");
  state.secrets.push(secret, ...codes);
}


// ---------------------------------------------------------------------------------------------

test("officer creates a user on the Users page", async () => {
  await english();
  await as(officer);
  mark("signed in");
  assert.equal(await htmlLang(b), "en");
  await usersPage();
  await b.waitUntil(async () => Number(await attr(b, "users-total", "data-value")) > 0, {
    timeout: 60_000,
    timeoutMsg: "the Users table never counted the demo users",
  });
  await shot("users-en");
  mark("users page");

  const stored = await createUser(alpha, "users-create-en");
  assert.equal(stored.profile.email, alpha.email);
  assert.equal(stored.profile.username, alpha.username);
  assert.equal(stored.profile.role, "basic_user");
  assert.equal(stored.profile.is_active, true);
  assert.equal(stored.mfa.record, false, "no MFA yet");

  // The table lists the new user.
  await openUser(alpha);
  await el(b, "user-profile");
});

test("officer enrols the user's MFA from the QR code on screen; backup codes shown once", async () => {
  await as(officer);
  await enrolFromQr(alpha, "en");
});

test("officer asks for the user's promotion to admin: a four-eyes request, not a change", async () => {
  await as(officer);
  await openUser(alpha);
  await click(b, "user-tab-profile");
  await click(b, "user-act-change_role");
  await el(b, "role-dialog");
  await click(b, "role-admin");
  await el(b, "role-four-eyes");
  await type(b, "role-reason", `E2E ${RUN}: on-call admin for the trading desk`);
  await click(b, "role-submit");
  const result = await el(b, "role-result", { timeout: 60_000 });
  assert.equal(await result.getAttribute("data-kind"), "requested");
  await shot("role-request-en");
  await click(b, "role-close");

  const stored = await showUser(officer, alpha.id);
  assert.equal(stored.profile.role, "basic_user", "nothing changes before the approval");
  const { requests } = await cli(officer, ["approvals", "list"]);
  const mine = requests.filter((r) => r.user_id === alpha.id);
  assert.equal(mine.length, 1, `one pending request for ${alpha.id}: ${JSON.stringify(requests)}`);
  assert.equal(mine[0].to_role, "admin");
  assert.equal(mine[0].requested_by, ids.officer, "requested by the officer");
  state.requestId = mine[0].id;

  // A security officer cannot decide it: the page shows it with Approve disabled.
  await click(b, "nav-approvals");
  const row = await b.$(sel(`approval-${state.requestId}`));
  await row.waitForDisplayed({ timeout: 60_000 });
  assert.equal(await (await row.$(sel("approval-approve"))).isEnabled(), false, "the officer cannot approve");
  await shot("approvals-officer-en");
});

test("officer revokes one session of a demo user; the others stay", async () => {
  await as(officer);
  // A demo user with more than one live refresh token (the seed gives 30 % of active users 1–3).
  const { rows } = await cli(officer, ["users", "list", "--active", "true", "--sort", "email", "--limit", "60"]);
  let pick = null;
  // ASCII e-mails without spaces, not the console's own operators.
  const candidates = rows.filter((u) => u.kind === "user" && /^[\x21-\x7e]+$/.test(u.email) && !u.email.endsWith("@rampart.demo"));
  for (const r of candidates) {
    const d = await showUser(officer, r.id);
    if (d.sessions.filter((s) => !s.expired).length >= 2) {
      pick = { id: r.id, email: d.profile.email, sessions: d.sessions };
      break;
    }
  }
  assert.ok(pick, "the demo seed has an active user with two live sessions among the first 60");
  state.sessionUser = pick.id;

  await openUser(pick);
  await click(b, "user-tab-sessions");
  await b.waitUntil(async () => (await b.$$(`${sel("user-detail")} tr[data-testid^="session-"]`)).length === pick.sessions.length, {
    timeout: TIMEOUT,
    timeoutMsg: `the Sessions tab does not list the ${pick.sessions.length} sessions the CLI lists`,
  });
  const first = (await b.$$(`${sel("user-detail")} tr[data-testid^="session-"]`))[0];
  const tokenId = (await first.getAttribute("data-testid")).slice("session-".length);
  const prefix = tokenId.slice(0, 6);
  assert.equal(pick.sessions.filter((s) => s.token.startsWith(prefix)).length, 1, "the CLI's masked token matches one row");
  await (await first.$(sel("session-revoke"))).click();
  await el(b, "sessions-confirm");
  await shot("sessions-revoke-en");
  await click(b, "confirm-ok");
  await gone(sel(`session-${tokenId}`), "the revoked session");

  // The CLI masks a token to its first 6 characters (and "…").
  const after = await cli(officer, ["sessions", "list", pick.id]);
  assert.equal(after.sessions.length, pick.sessions.length - 1, "exactly one session gone");
  assert.equal(after.sessions.some((s) => s.token.replace("…", "") === prefix), false, "the revoked token is gone from the store");
});

test("officer lifts an account lock and an IP block on the Threats page", async () => {
  await as(officer);
  // The lock as the service writes it after failed logins; the block through the CLI.
  await serviceLocksAccount(alpha.id);
  await cli(officer, ["blocks", "add", BLOCKED_IP, "--minutes", "60", "--reason", `E2E ${RUN}: block to lift in the console`]);
  const locked = await showUser(officer, alpha.id);
  assert.ok(locked.lock, `the lock is in the store: ${JSON.stringify(locked.lock)}`);
  const blocks = JSON.stringify(await cli(officer, ["blocks", "list"]));
  assert.ok(blocks.includes(BLOCKED_IP), "the block is in the store");

  await threatsPage();
  await click(b, "access-refresh");
  await el(b, `lock-${alpha.id}`, { timeout: 60_000 });
  await b.waitUntil(async () => (await attr(b, "locks-page", "aria-busy")) === "false", { timeout: 60_000 });
  await el(b, `block-${BLOCKED_IP}`);
  await shot("threats-en");

  await click(b, `unlock-${alpha.id}`);
  await el(b, "access-reason");
  await type(b, "reason-text", `E2E ${RUN}: the user called the help desk`);
  await click(b, "reason-confirm");
  await gone(sel(`lock-${alpha.id}`), "the lifted lock");

  await click(b, `unblock-${BLOCKED_IP}`);
  await el(b, "access-reason");
  await type(b, "reason-text", `E2E ${RUN}: the office NAT address, not an attacker`);
  await click(b, "reason-confirm");
  await gone(sel(`block-${BLOCKED_IP}`), "the lifted block");

  assert.equal((await showUser(officer, alpha.id)).lock, null, "the lock is gone from the store");
  assert.equal(JSON.stringify(await cli(officer, ["blocks", "list"])).includes(BLOCKED_IP), false, "the block is gone from the store");
});

test("officer deactivates dormant accounts: dry run first, then the batch", async () => {
  await as(officer);
  const before = await cli(officer, ["users", "dormant", "--days", String(DORMANT_DAYS)]);
  const active = before.users.filter((u) => u.is_active).map((u) => u.user_id).sort();
  assert.ok(active.length >= 1, `the demo seed has active accounts dormant for ${DORMANT_DAYS} days: ${JSON.stringify(before.users)}`);
  assert.ok(before.users.length <= 50, "a small batch");
  state.dormant = { rule: before.users.length, deactivated: active };

  await usersPage();
  await click(b, "idm-tab-dormant");
  await el(b, "dormant-panel");
  await fill("dormant-days", String(DORMANT_DAYS));
  // The count is for the days typed once its sentence names them.
  await b.waitUntil(
    async () => (await (await el(b, "dormant-count")).getText()).includes(` ${DORMANT_DAYS} `) && (await attr(b, "dormant-count", "data-value")) !== "",
    { timeout: 60_000, timeoutMsg: `the Dormant panel never counted for ${DORMANT_DAYS} days` },
  );
  state.dormant.shown = Number(await attr(b, "dormant-count", "data-value"));
  await shot("dormant-en");
  await click(b, "dormant-deactivate");
  await el(b, "dormant-reason");
  await type(b, "reason-text", `E2E ${RUN}: no login for ${DORMANT_DAYS} days`);
  await shot("dormant-reason-en");
  await click(b, "reason-confirm");

  // The dry run lists exactly the active dormant accounts, and writes nothing.
  const batch = await el(b, "dormant-batch", { timeout: 60_000 });
  assert.equal(await batch.getAttribute("data-phase"), "preview");
  assert.equal(await attr(b, "batch-will-change", "data-value"), String(active.length));
  const listed = await b.$$(`${sel("batch-table")} [role="row"][data-id]`).map((r) => r.getAttribute("data-id"));
  assert.deepEqual([...listed].sort(), active, "the dry run lists the active dormant accounts, no other");
  await shot("dormant-preview-en");
  const dry = await cli(officer, ["users", "dormant", "--days", String(DORMANT_DAYS)]);
  assert.deepEqual(dry.users.filter((u) => u.is_active).map((u) => u.user_id).sort(), active, "the dry run wrote nothing");

  await click(b, "batch-execute");
  await b.waitUntil(async () => (await batch.getAttribute("data-phase")) === "done", {
    timeout: 120_000,
    timeoutMsg: "the batch did not finish",
  });
  assert.equal(await attr(b, "batch-ok", "data-value"), String(active.length));
  assert.equal(await attr(b, "batch-failed", "data-value"), "0");
  await b.pause(400); // the progress bar's width transition (0.25 s)
  await shot("dormant-done-en");
  await click(b, "batch-close");

  const afterRun = await cli(officer, ["users", "dormant", "--days", String(DORMANT_DAYS)]);
  assert.equal(afterRun.users.length, before.users.length, "the same dormant accounts");
  assert.deepEqual(afterRun.users.filter((u) => u.is_active), [], "every dormant account is inactive in the store");
  for (const id of active) assert.equal((await showUser(auditor, id)).profile.is_active, false, `${id} deactivated`);
});

// The panel lists and counts with the users index's dormant filter, which asks the dormant
// rule (crates/domain dormant.rs) the batch follows: a user who never signed in counts from
// created_at. (Before they shared the rule, the panel said 259 where the dry run took 7.)
test("the Dormant panel counts the accounts the dormant rule (and its batch) covers", () => {
  assert.ok(state.dormant?.shown !== undefined, "the dormant test ran");
  assert.equal(state.dormant.shown, state.dormant.rule, `panel ${state.dormant.shown}, rule ${state.dormant.rule}`);
});

test("console admin approves the promotion on the Approvals page; the user is admin", async () => {
  assert.ok(state.requestId, "a pending request from the officer's test");
  await as(admin);
  await click(b, "nav-approvals");
  await el(b, "approvals-page");
  const row = await b.$(sel(`approval-${state.requestId}`));
  await row.waitForDisplayed({ timeout: 60_000 });
  await shot("approvals-admin-en");
  const approve = await row.$(sel("approval-approve"));
  assert.equal(await approve.isEnabled(), true, "a second console admin may approve");
  await approve.click();
  await el(b, "approve-dialog");
  await click(b, "confirm-ok");
  const done = await el(b, "approvals-done", { timeout: 60_000 });
  assert.equal(await done.getAttribute("data-status"), "approved");

  const stored = await showUser(admin, alpha.id);
  assert.equal(stored.profile.role, "admin");
  assert.deepEqual(stored.profile.permissions, ADMIN_PERMISSIONS, "the admin permissions, in the service's order");
  assert.equal(stored.profile.permissions_match_role, true);
  const { requests } = await cli(admin, ["approvals", "list", "--all"]);
  const r = requests.find((x) => x.id === state.requestId);
  assert.equal(r?.status, "approved", JSON.stringify(r));
  assert.equal(r?.decided_by, ids.admin, "decided by the console admin");
});

test("auditor: the Users page is read-only, and a direct write is refused", async () => {
  await as(auditor);
  await usersPage();
  await absent("users-create");
  await absent("users-table-select-all");
  await openUser(alpha);
  for (const tab of ["profile", "mfa", "sessions", "api_keys", "locks"]) {
    await click(b, `user-tab-${tab}`);
    await b.pause(300);
    const actions = await b.$$(`${sel("user-detail")} [data-testid^="user-act-"], ${sel("user-detail")} [data-testid="session-revoke"], ${sel("user-detail")} [data-testid="sessions-revoke-all"], ${sel("user-detail")} [data-testid="key-issue"]`);
    assert.equal(actions.length, 0, `no action on the ${tab} tab for an auditor`);
  }
  await click(b, "user-tab-profile");
  await shot("users-auditor-en");
  await click(b, "idm-tab-dormant");
  await el(b, "dormant-panel");
  await absent("dormant-deactivate");
  // A block to look at (the officer's, through the CLI): listed, with no Unblock.
  await cli(officer, ["blocks", "add", AUDITED_IP, "--minutes", "60", "--reason", `E2E ${RUN}: a block the auditor sees`]);
  await threatsPage();
  await el(b, `block-${AUDITED_IP}`);
  await absent("access-block-ip");
  assert.equal((await b.$$('[data-testid^="unlock-"], [data-testid^="unblock-"]')).length, 0, "no unlock or unblock for an auditor");
  await shot("threats-auditor-en");

  // The UI offers nothing; a direct IPC call (what a tampered UI would send) is refused by the
  // Rust side, and nothing reaches the store.
  const sneaky = `e2e.sneaky.${RUN}@example.com`;
  const attempts = await b.executeAsync((email, id, password, done) => {
    const invoke = window.__TAURI_INTERNALS__.invoke;
    const outcome = (p) => p.then((ok) => ({ ok }), (err) => ({ err }));
    Promise.all([
      outcome(invoke("user_create", { input: { email, username: "sneaky", role: "basic_user", password } })),
      outcome(invoke("user_set_active", { id, active: false, reason: "an auditor should not be able to do this" })),
    ]).then(done);
  }, sneaky, alpha.id, PASSWORD);
  for (const [name, a] of [["user_create", attempts[0]], ["user_set_active", attempts[1]]]) {
    assert.ok(a.err && !a.ok, `${name} as the auditor must fail: ${JSON.stringify(a)}`);
    assert.equal(a.err.code, "forbidden", `${name} refused as forbidden: ${JSON.stringify(a.err)}`);
  }
  const found = await cli(auditor, ["users", "search", sneaky]);
  assert.equal(found.total, 0, "no user was created");
  assert.equal((await showUser(auditor, alpha.id)).profile.is_active, true, "the user is still active");
});

test("the admin trail records every step under the operator who did it, and no secret", async () => {
  const entries = await cli(auditor, ["audit", "trail", "--limit", "500"]);
  const has = ([actor, action, outcome, subject]) =>
    entries.some((e) => e.actor === actor && e.action === action && e.outcome === outcome && (subject === undefined || JSON.stringify(e).includes(subject)));
  const want = [
    [ids.officer, "user.create", "success", alpha.id],
    [ids.officer, "mfa.enroll_confirm", "success", alpha.id],
    [ids.officer, "user.role.request_admin", "success", alpha.id],
    [ids.officer, "session.revoke", "success", state.sessionUser],
    [ids.officer, "lock.unlock", "success", alpha.id],
    [ids.officer, "block.add", "success", BLOCKED_IP],
    [ids.officer, "block.remove", "success", BLOCKED_IP],
    [ids.officer, "batch.start", "success"],
    [ids.officer, "batch.run", "success"],
    ...(state.dormant?.deactivated ?? []).map((id) => [ids.officer, "user.deactivate", "success", id]),
    [ids.admin, "user.role.approve_admin", "success", alpha.id],
    [ids.auditor, "user.create", "refused"],
    [ids.auditor, "user.deactivate", "refused", alpha.id],
  ];
  const missing = want.filter((w) => !has(w));
  const seen = [...new Set(entries.map((e) => `${e.actor_role}:${e.action}:${e.outcome}`))];
  assert.deepEqual(missing, [], `trail entries missing; the trail has ${seen.join(" ")}`);
  // (Without the chain's hashes: 64 hex digits could hold an 8-hex-digit backup code by chance.)
  const text = JSON.stringify(entries.map(({ hash: _h, prev_hash: _p, ...rest }) => rest));
  assert.ok(state.secrets.length > 0, "the enrolment ran");
  assert.deepEqual(state.secrets.filter((x) => text.includes(x)), [], "an MFA secret or backup code is in the trail");
  assert.equal(text.includes(PASSWORD), false, "the new user's password is in the trail");
  const verify = await cli(auditor, ["audit", "verify"]);
  assert.equal(verify.ok, true, `the trail's hash chain verifies: ${JSON.stringify(verify)}`);
});

test("Korean: officer creates and enrols a second user; the same pages in Hangul", async () => {
  await as(officer);
  await korean();
  await usersPage();
  await b.waitUntil(async () => Number(await attr(b, "users-total", "data-value")) > 0, { timeout: 60_000 });
  const title = await b.execute(() => document.querySelector(".users-page .page-title")?.textContent ?? "");
  assert.match(title, /[\uAC00-\uD7A3]/, `the Users title in Hangul, got ${JSON.stringify(title)}`);
  await shot("users-ko");

  const stored = await createUser(beta, "users-create-ko");
  assert.equal(stored.profile.username, beta.username, "a Hangul username kept as typed");
  await enrolFromQr(beta, "ko");

  await usersPage();
  await click(b, "idm-tab-dormant");
  await el(b, "dormant-panel");
  await shot("dormant-ko");
  await threatsPage();
  await shot("threats-ko");
  await click(b, "nav-approvals");
  await el(b, "approvals-page");
  await click(b, "approvals-tab-history");
  await shot("approvals-ko");
  // Back to English: the language is saved in settings.
  await english();
});
