// The identity pages of part 2 in Chromium, mounted by the harness (ui/harness.html) with the
// stateful fakes of ui/src/harness/identityFakes.ts: no IPC, no Rust. Proves the password
// checklist counts UTF-8 bytes (Korean letters take 3) and shows the server's common-password
// refusal on the checklist; a duplicate e-mail lands on its field; a promotion to admin says
// "request created"; the requester's own approval is disabled with the reason; the dormant batch
// runs only after a dry run, reports its one failure and resumes without redoing an item; a
// refused MFA code says which refusal it was; backup codes and a new API key are shown once.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import QRCode from "qrcode";
import { launchChromium, openApp, startVite } from "./harness.mjs";

const env = {};
before(async () => {
  env.vite = await startVite({ config: "vite.harness.config.ts" });
  env.browser = await launchChromium();
});
after(async () => {
  await env.browser?.close();
  await env.vite?.stop();
});

const open = (view, params = {}) =>
  openApp(env.browser, `${env.vite.url}harness.html?${new URLSearchParams({ view, ...params })}`, null, {
    mock: false,
    viewport: { width: 1440, height: 900 },
  });
const calls = (page) => page.evaluate(() => [...(window.__harness.calls ?? [])]);
const attr = (loc, name) => loc.getAttribute(name);

const SECRET = "ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF";
const q = QRCode.create(`otpauth://totp/Stock%20Analysis%20App:user_u0000006?secret=${SECRET}&issuer=Stock%20Analysis%20App`, {
  errorCorrectionLevel: "M",
});
const QR = `${q.modules.size}.${Array.from(q.modules.data, (b) => (b ? "1" : "0")).join("")}`;

describe("create user", () => {
  test("the checklist counts UTF-8 bytes: 24 Korean letters (72 bytes) pass, 25 (75 bytes) fail and block", async () => {
    const app = await open("create");
    try {
      const p = app.page;
      const bytes = p.getByTestId("policy-bytes");
      await p.getByTestId("create-email").fill("kim@example.test");
      await p.getByTestId("create-username").fill("김민준");
      const ko24 = "가".repeat(24);
      await p.getByTestId("create-password").fill(ko24);
      await p.getByTestId("create-confirm").fill(ko24);
      assert.equal(await attr(bytes, "data-value"), "72", "24 Hangul letters are 72 UTF-8 bytes");
      assert.equal(await attr(bytes, "data-state"), "ok", "exactly 72 bytes is allowed");
      assert.equal(await attr(p.getByTestId("policy-length"), "data-state"), "ok", "24 characters >= 12");
      assert.ok(await p.getByTestId("create-submit").isEnabled(), "everything the console checks holds");

      const ko25 = "가".repeat(25);
      await p.getByTestId("create-password").fill(ko25);
      await p.getByTestId("create-confirm").fill(ko25);
      assert.equal(await attr(bytes, "data-value"), "75");
      assert.equal(await attr(bytes, "data-state"), "bad", "75 bytes exceed bcrypt's 72");
      assert.match(await bytes.innerText(), /25 characters take 75 bytes.*3 bytes each/s, "the message explains the Korean byte count");
      assert.equal(await attr(p.getByTestId("policy-length"), "data-state"), "ok", "length in characters is fine: only bytes fail");
      assert.ok(await p.getByTestId("create-submit").isDisabled(), "a password the service's bcrypt would refuse cannot be sent");

      await p.getByTestId("create-password").fill("short1");
      assert.equal(await attr(p.getByTestId("policy-length"), "data-state"), "bad", "6 characters < 12");
      assert.equal(await attr(p.getByTestId("policy-match"), "data-state"), "bad", "confirmation differs");
      assert.match(await p.getByTestId("policy-match").innerText(), /differ/);
      assert.deepEqual(await calls(p), [], "nothing was sent while typing");
    } finally {
      await app.close();
    }
  });

  test("the server's refusals land where they belong: common password on the checklist, duplicate e-mail on its field", async () => {
    const app = await open("create");
    try {
      const p = app.page;
      await p.getByTestId("create-email").fill("fresh@example.test");
      await p.getByTestId("create-username").fill("minjun");
      await p.getByTestId("create-password").fill("password1234");
      await p.getByTestId("create-confirm").fill("password1234");
      assert.equal(await attr(p.getByTestId("policy-common"), "data-state"), "idle", "the common list is the server's: not judged locally");
      await p.getByTestId("create-submit").click();
      await p.locator('[data-testid="policy-common"][data-state="bad"]').waitFor();
      assert.match(await p.getByTestId("policy-common").innerText(), /list of common passwords/, "the server's own sentence");
      assert.ok(await p.getByTestId("create-submit").isDisabled(), "resubmitting the same password is pointless");
      await p.getByTestId("create-password").fill("Tr0ub4dor&3-horse");
      await p.getByTestId("create-confirm").fill("Tr0ub4dor&3-horse");
      assert.equal(await attr(p.getByTestId("policy-common"), "data-state"), "idle", "a new password clears the refusal");
      await p.getByTestId("create-email").fill("minjun.0000042@example.test");
      await p.getByTestId("create-submit").click();
      const emailError = p.locator('.field-error[role="alert"]');
      await emailError.waitFor();
      assert.match(await emailError.innerText(), /already exists/, "duplicate e-mail shown under the e-mail field");
      await p.getByTestId("create-email").fill("new.admin@example.test");
      await p.getByTestId("create-role").selectOption("admin");
      await p.getByTestId("create-admin-note").waitFor();
      assert.match(await p.getByTestId("create-submit").innerText(), /request admin/i);
      await p.getByTestId("create-submit").click();
      const result = p.getByTestId("create-result");
      await result.waitFor();
      assert.equal(await attr(result, "data-approval"), "requested", "admin became a four-eyes request");
      assert.match(await result.innerText(), /created as basic_user/, "the user exists as basic_user meanwhile");
      const log = await calls(p);
      assert.equal(log.filter((c) => c.startsWith("create ")).length, 3, `three submissions: ${log}`);
    } finally {
      await app.close();
    }
  });
});

describe("role change", () => {
  test("a promotion to admin says a second admin must approve, and ends as 'request created'", async () => {
    const app = await open("role");
    try {
      const p = app.page;
      assert.ok(await p.getByTestId("role-premium_user").isDisabled(), "the current role is not offered");
      await p.getByTestId("role-admin").check();
      await p.getByTestId("role-four-eyes").waitFor();
      assert.match(await p.getByTestId("role-permissions").innerText(), /read_stock_data\s*write_stock_data\s*read_sentiment_data\s*manage_users\s*access_analytics\s*export_data/, "the contract's order");
      assert.ok(await p.getByTestId("role-submit").isDisabled(), "a reason is required");
      await p.getByTestId("role-reason").fill("Needs admin for on-call (TICKET-1)");
      await p.getByTestId("role-submit").click();
      const r = p.getByTestId("role-result");
      await r.waitFor();
      assert.equal(await attr(r, "data-kind"), "requested");
      assert.match(await r.innerText(), /Request created/);
      assert.doesNotMatch(await r.innerText(), /is now/, "never says 'changed' for a request");

      await p.getByTestId("role-close").click();
      await p.getByTestId("open-role").click();
      await p.getByTestId("role-basic_user").check();
      assert.equal(await p.getByTestId("role-four-eyes").count(), 0, "no four-eyes note for a non-admin role");
      await p.getByTestId("role-reason").fill("Downgrade after subscription ended");
      await p.getByTestId("role-submit").click();
      await p.locator('[data-testid="role-result"][data-kind="changed"]').waitFor();
    } finally {
      await app.close();
    }
  });

  test("bulk: the choice goes to the caller's dry run", async () => {
    const app = await open("role", { bulk: "1" });
    try {
      const p = app.page;
      await p.getByTestId("role-admin").check();
      assert.match(await p.getByTestId("role-four-eyes").innerText(), /Each promotion/);
      await p.getByTestId("role-reason").fill("Quarterly access review outcome");
      assert.match(await p.getByTestId("role-submit").innerText(), /dry run/i);
      await p.getByTestId("role-submit").click();
      assert.equal(await p.getByTestId("role-plan").innerText(), "admin|Quarterly access review outcome");
      assert.deepEqual(await calls(p), [], "nothing written by the dialog itself");
    } finally {
      await app.close();
    }
  });
});

describe("approvals", () => {
  test("the requester's own request cannot be approved by them; another's can, and moves to history", async () => {
    const app = await open("approvals");
    try {
      const p = app.page;
      const own = p.getByTestId("approval-apr_02");
      await own.waitFor();
      assert.ok(await own.getByTestId("approval-approve").isDisabled(), "self-approval disabled");
      assert.match(await own.getByTestId("approval-self").innerText(), /second console admin must approve/);
      assert.ok(await own.getByTestId("approval-refuse").isEnabled(), "the requester may still withdraw it");

      const other = p.getByTestId("approval-apr_01");
      assert.equal(await other.getByTestId("approval-self").count(), 0);
      await other.getByTestId("approval-approve").click();
      await p.getByTestId("approve-dialog").getByTestId("confirm-ok").click();
      await p.locator('[data-testid="approvals-done"][data-status="approved"]').waitFor();
      // The page re-reads the list after the decision: wait for that read, not just the notice.
      await p.getByTestId("approval-apr_01").waitFor({ state: "detached", timeout: 5000 });
      assert.equal(await p.getByTestId("approval-apr_01").count(), 0, "no longer pending");
      await p.getByTestId("approvals-tab-history").click();
      await p.getByTestId("approval-apr_01").waitFor();
      assert.match(await p.getByTestId("approval-apr_01").innerText(), /Approved/);
      assert.deepEqual(await calls(p), ["approved apr_01"]);
    } finally {
      await app.close();
    }
  });

  test("refusing takes a reason; a non-admin operator can decide nothing", async () => {
    let app = await open("approvals");
    try {
      const p = app.page;
      await p.getByTestId("approval-apr_01").getByTestId("approval-refuse").click();
      const d = p.getByTestId("refuse-dialog");
      assert.ok(await d.getByTestId("reason-confirm").isDisabled());
      await d.getByTestId("reason-text").fill("No ticket for this promotion");
      await d.getByTestId("reason-confirm").click();
      await p.locator('[data-testid="approvals-done"][data-status="refused"]').waitFor();
      assert.deepEqual(await calls(p), ["refused apr_01 No ticket for this promotion"]);
    } finally {
      await app.close();
    }
    app = await open("approvals", { decide: "0" });
    try {
      const row = app.page.getByTestId("approval-apr_01");
      await row.waitFor();
      assert.ok(await row.getByTestId("approval-approve").isDisabled());
      assert.ok(await row.getByTestId("approval-refuse").isDisabled());
    } finally {
      await app.close();
    }
  });
});

describe("dormant accounts", () => {
  const ready = (p) => p.locator('[data-testid="dormant-count"]:not([data-value=""])').waitFor();

  test("dry run first, then execution with one failure that does not stop the rest", async () => {
    const app = await open("dormant");
    try {
      const p = app.page;
      await ready(p);
      const n90 = Number(await attr(p.getByTestId("dormant-count"), "data-value"));
      assert.ok(n90 > 0, "the fake store has dormant users at 90 days");
      await p.getByTestId("dormant-days").fill("300");
      await p.waitForFunction((n) => Number(document.querySelector('[data-testid="dormant-count"]').dataset.value) < n, n90);

      await p.getByTestId("dormant-deactivate").click();
      await p.getByTestId("dormant-reason").getByTestId("reason-text").fill("Dormant account policy DP-3");
      await p.getByTestId("dormant-reason").getByTestId("reason-confirm").click();
      const batch = p.getByTestId("dormant-batch");
      await batch.waitFor();
      assert.equal(await attr(batch, "data-phase"), "preview");
      assert.deepEqual((await calls(p)).map((c) => c.split(" ")[0]), ["plan"], "the dry run changed nothing");
      assert.match((await calls(p))[0], /^plan 300 Dormant account policy DP-3$/);
      const change = Number(await attr(p.getByTestId("batch-will-change"), "data-value"));
      await p.getByTestId("batch-execute").click();
      await p.locator('[data-testid="dormant-batch"][data-phase="done"]').waitFor();
      await p.getByTestId("batch-some-failed").waitFor();
      const items = (await calls(p)).filter((c) => c.startsWith("item "));
      assert.equal(items.length, change, "every planned item has a result");
      assert.equal(items.filter((c) => c.endsWith(" failed")).length, 1, "exactly one failed");
      assert.ok(items.indexOf(items.find((c) => c.endsWith(" failed"))) < items.length - 1, "and items after it still ran");
    } finally {
      await app.close();
    }
  });

  test("a batch cut short by the store resumes with the items left, none twice; an earlier one can be reopened", async () => {
    let app = await open("dormant", { break: "4" });
    try {
      const p = app.page;
      await ready(p);
      await p.getByTestId("dormant-deactivate").click();
      await p.getByTestId("dormant-reason").getByTestId("reason-text").fill("Dormant account policy DP-3");
      await p.getByTestId("dormant-reason").getByTestId("reason-confirm").click();
      await p.getByTestId("batch-execute").click();
      await p.locator('[data-testid="dormant-batch"][data-phase="interrupted"]').waitFor();
      assert.equal(await attr(p.getByTestId("dormant-run-error"), "data-code"), "unavailable");
      await p.getByTestId("batch-resume").click();
      await p.locator('[data-testid="dormant-batch"][data-phase="done"]').waitFor();
      const ids = (await calls(p)).filter((c) => c.startsWith("item ")).map((c) => c.split(" ")[1]);
      assert.equal(new Set(ids).size, ids.length, "no item ran twice");
      assert.equal((await calls(p)).filter((c) => c.startsWith("run ")).length, 2, "one run and one resume");
    } finally {
      await app.close();
    }
    app = await open("dormant", { unfinished: "1" });
    try {
      const p = app.page;
      await p.getByTestId("dormant-open-unfinished").click();
      await p.locator('[data-testid="dormant-batch"][data-phase="interrupted"]').waitFor();
      await p.getByTestId("batch-resume").click();
      await p.locator('[data-testid="dormant-batch"][data-phase="done"]').waitFor();
      assert.equal((await calls(p)).filter((c) => c.startsWith("plan ")).length, 0, "resumed the stored plan, no new dry run");
    } finally {
      await app.close();
    }
  });
});

describe("MFA", () => {
  test("a refused code says why (wrong, clock drift by N steps, already used); the right one shows 10 backup codes once", async () => {
    const app = await open("mfa", { qr: QR, secret: SECRET });
    try {
      const p = app.page;
      await p.getByTestId("gap-u0000006").getByTestId("gap-enroll").click();
      await p.getByTestId("mfa-qr").waitFor();
      const tryCode = async (code) => {
        await p.getByTestId("mfa-code").fill(code);
        await p.getByTestId("mfa-confirm").click();
        await p.waitForFunction((c) => window.__harness.calls.filter((x) => x.endsWith(` ${c}`)).length > 0 && !document.querySelector('[data-testid="mfa-confirm"] .spinner'), code);
      };
      await tryCode("000000");
      let r = p.getByTestId("mfa-refusal");
      assert.equal(await attr(r, "data-kind"), "wrong");
      assert.match(await r.innerText(), /The code is wrong/);
      await tryCode("111111");
      await p.locator('[data-testid="mfa-refusal"][data-kind="drift"]').waitFor();
      assert.match(await p.getByTestId("mfa-refusal").innerText(), /clock is off by 3 steps \(about 90 seconds behind\)/);
      await tryCode("222222");
      await p.locator('[data-testid="mfa-refusal"][data-kind="replayed"]').waitFor();
      assert.match(await p.getByTestId("mfa-refusal").innerText(), /already used/);

      await tryCode("123456");
      const ots = p.getByTestId("mfa-codes");
      await ots.getByTestId("ots-items").waitFor();
      const codes = await ots.locator('[data-testid="ots-items"] li').allInnerTexts();
      assert.equal(codes.length, 10, "10 backup codes");
      for (const c of codes) assert.match(c, /^[0-9a-f]{8}$/, "token_hex(4) format (CONTRACT §2)");
      await ots.getByTestId("ots-close").click({ force: true });
      assert.ok(await ots.getByTestId("ots-items").isVisible(), "cannot close before acknowledging");
      await ots.getByTestId("ots-ack").check();
      await ots.getByTestId("ots-close").click();
      await p.getByTestId("mfa-codes").waitFor({ state: "detached" });
      const html = await p.content();
      for (const c of codes) assert.ok(!html.includes(c), `backup code ${c} is gone from the page`);
      await p.getByTestId("gap-u0000006").waitFor({ state: "detached" });
    } finally {
      await app.close();
    }
  });

  test("from the user detail: new backup codes after a confirmation, shown once; reset takes a reason", async () => {
    const app = await open("identity", { qr: QR, secret: SECRET });
    try {
      const p = app.page;
      // user 3 (alice, guest) has MFA on in the fake store
      await p.locator('[data-testid="users-table"] .vt-layer [data-index="3"] [role="gridcell"]:nth-child(2)').click();
      await p.getByTestId("user-tab-mfa").click();
      await p.getByTestId("user-act-regenerate_backup_codes").click();
      await p.getByTestId("mfa-regen-dialog").getByTestId("confirm-ok").click();
      const ots = p.getByTestId("mfa-codes");
      await ots.getByTestId("ots-items").waitFor();
      const codes = await ots.locator('[data-testid="ots-items"] li').allInnerTexts();
      assert.equal(codes.length, 10);
      await ots.getByTestId("ots-ack").check();
      await ots.getByTestId("ots-close").click();
      await p.getByTestId("mfa-codes").waitFor({ state: "detached" });
      assert.ok(!(await p.content()).includes(codes[0]), "the codes are gone");
      await p.getByTestId("user-act-reset_mfa").click();
      const d = p.getByTestId("mfa-reset-dialog");
      await d.getByTestId("reason-text").fill("Lost phone, identity checked (HD-77)");
      await d.getByTestId("reason-confirm").click();
      await d.waitFor({ state: "hidden" });
      assert.deepEqual((await calls(p)).filter((c) => c.startsWith("mfa-")), ["mfa-regen u0000003", "mfa-reset u0000003 Lost phone, identity checked (HD-77)"]);
    } finally {
      await app.close();
    }
  });
});

describe("API keys and sessions in the user detail", () => {
  const openUser = async (p, index) => {
    await p.locator(`[data-testid="users-table"] .vt-layer [data-index="${index}"] [role="gridcell"]:nth-child(2)`).click();
    await p.getByTestId("user-profile").waitFor();
  };

  test("an issued key is shown once, with the chosen permissions, and listed afterwards without the secret", async () => {
    const app = await open("identity");
    try {
      const p = app.page;
      await openUser(p, 6); // doyun6, admin
      await p.getByTestId("user-tab-api_keys").click();
      await p.getByTestId("key-ak_Zx81nq0PqR4sT2vW").waitFor();
      assert.equal(await attr(p.getByTestId("key-ak_Lm3PqQ9vT0aZ1bYc"), "data-state"), "over_quota");
      await p.getByTestId("key-issue").click();
      const dlg = p.getByTestId("issue-key");
      await dlg.getByTestId("issue-perm-manage_users").uncheck();
      await dlg.getByTestId("issue-perm-write_stock_data").uncheck();
      await dlg.getByTestId("issue-usage").fill("5000");
      await dlg.getByTestId("issue-expiry").selectOption("");
      await dlg.getByTestId("issue-submit").click();
      const ots = p.getByTestId("key-secret");
      await ots.getByTestId("ots-items").waitFor();
      const shown = await ots.locator('[data-testid="ots-items"] li').allInnerTexts();
      assert.equal(shown.length, 1, "one key");
      const key = shown[0];
      assert.ok(key.length > 30, key);
      const issue = (await calls(p)).find((c) => c.startsWith("issue "));
      assert.equal(issue, "issue u0000006 read_stock_data,read_sentiment_data,access_analytics,export_data 5000 100 none", "subset in the table's order");
      await ots.getByTestId("ots-ack").check();
      await ots.getByTestId("ots-close").click();
      await p.getByTestId("key-secret").waitFor({ state: "detached" });
      assert.ok(!(await p.content()).includes(key), "the key is nowhere on the page any more");
      assert.equal(await p.locator('.key-card').count(), 4, "the new key is listed");
    } finally {
      await app.close();
    }
  });

  test("revoke needs the key id typed; deactivate and activate flip the state; sessions revoke one and all", async () => {
    const app = await open("identity");
    try {
      const p = app.page;
      await openUser(p, 6);
      await p.getByTestId("user-tab-api_keys").click();
      const card = p.getByTestId("key-ak_Zx81nq0PqR4sT2vW");
      await card.getByTestId("key-revoke").click();
      const rd = p.getByTestId("key-revoke-dialog");
      assert.ok(await rd.getByTestId("confirm-ok").isDisabled());
      await rd.getByTestId("confirm-type").fill("ak_Zx81nq0PqR4sT2v");
      assert.ok(await rd.getByTestId("confirm-ok").isDisabled(), "a near miss is not enough");
      await rd.getByTestId("confirm-type").fill("ak_Zx81nq0PqR4sT2vW");
      await rd.getByTestId("confirm-ok").click();
      await card.waitFor({ state: "detached" });
      const off = p.getByTestId("key-ak_Fd0sWq2ErT5yUi8o");
      await off.getByTestId("key-activate").click();
      await p.locator('[data-testid="key-ak_Fd0sWq2ErT5yUi8o"][data-state="active"]').waitFor();
      await p.getByTestId("key-ak_Fd0sWq2ErT5yUi8o").getByTestId("key-deactivate").click();
      await p.getByTestId("key-deactivate-dialog").getByTestId("confirm-ok").click();
      await p.locator('[data-testid="key-ak_Fd0sWq2ErT5yUi8o"][data-state="inactive"]').waitFor();

      await p.getByTestId("user-tab-sessions").click();
      const rows = p.locator('tr[data-testid^="session-"]');
      await rows.first().waitFor();
      assert.equal(await rows.count(), 2);
      await rows.first().getByTestId("session-revoke").click();
      await p.getByTestId("sessions-confirm").getByTestId("confirm-ok").click();
      await p.waitForFunction(() => document.querySelectorAll('tr[data-testid^="session-"]').length === 1);
      await p.getByTestId("sessions-revoke-all").click();
      await p.getByTestId("sessions-confirm").getByTestId("confirm-ok").click();
      await p.waitForFunction(() => document.querySelectorAll('tr[data-testid^="session-"]').length === 0);
      const log = (await calls(p)).map((c) => c.split(" ")[0]);
      assert.deepEqual(log, ["key-revoke", "key-active", "key-active", "revoke-session", "revoke-all"]);
    } finally {
      await app.close();
    }
  });

  test("create user from the users page, and a bulk role change shows its dry run", async () => {
    const app = await open("identity");
    try {
      const p = app.page;
      await p.getByTestId("users-create").click();
      await p.getByTestId("create-user").waitFor();
      await p.getByTestId("create-cancel").click();
      await p.locator('[data-testid="users-table"] .vt-layer [data-index="1"] input').click();
      await p.locator('[data-testid="users-table"] .vt-layer [data-index="2"] input').click();
      await p.getByTestId("users-bulk-change_role").click();
      await p.getByTestId("role-guest").check();
      await p.getByTestId("role-reason").fill("Trial period ended for these users");
      await p.getByTestId("role-submit").click();
      await p.getByTestId("bulk-panel").waitFor();
      assert.equal(await p.getByTestId("bulk-panel").getAttribute("data-action"), "change_role");
      assert.ok((await calls(p)).includes("bulk-plan change_role ids"), "the dry run over the two picked ids");
      assert.equal(Number(await p.getByTestId("batch-will-change").getAttribute("data-value")) + Number(await p.getByTestId("batch-will-skip").getAttribute("data-value")), 2);
    } finally {
      await app.close();
    }
  });
});
