// The Operators page (ui/src/features/operators) and the console-role badge of the user detail,
// over the fake IPC backend: proves the list shows every grant with what stops a sign-in
// (unreadable grant, missing user, deactivated, no MFA, locked), that a console admin grants by
// e-mail, changes and revokes with the commands' argument names, that an auditor or officer gets
// no enabled grant/revoke (and is told why), that a refusal from the Rust side is shown in the
// dialog by its code, and that the user detail names a user's console role. Screenshots of the
// page and its dialogs in dark/light × English/Korean go to $RAMPART_ARTIFACTS/ui-mock/.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, statSync } from "node:fs";
import { ADMIN, AUDITOR, LOCAL_PROFILE, OFFICER, OPERATORS, USERS, connectionFor, scenario } from "./fake-backend.mjs";
import { artifactPath, openApp, suite } from "./harness.mjs";

const env = suite(before, after);

function signedIn(session, { language = "en", theme = "dark", ...extra } = {}) {
  const s = scenario({ session, connection: connectionFor(LOCAL_PROFILE), ...extra });
  s.appInfo.settings.language = language;
  s.appInfo.settings.theme = theme;
  return s;
}

async function openOperators(session, options = {}) {
  const app = await openApp(env.browser, env.vite.url, signedIn(session, options), { viewport: options.viewport });
  await app.page.getByTestId("nav-operators").click();
  await app.page.locator(`[data-testid="operators-total"][data-value="${(options.operators ?? OPERATORS).length}"]`).waitFor();
  return app;
}

const row = (p, id) => p.getByTestId(`operator-${id}`);
const calls = (app, cmd) => app.calls(cmd).then((c) => c.map((x) => x.args));

async function shoot(page, name) {
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(150);
  const path = artifactPath(`${name}.png`);
  await page.screenshot({ path });
  assert.ok(existsSync(path) && statSync(path).size > 10_000, `${path} written`);
}

/** What sticks out sideways past its box (the page, panels, tables, dialogs). */
const overflow = (page) =>
  page.evaluate(() => {
    const out = [];
    const doc = document.scrollingElement;
    if (doc.scrollWidth > doc.clientWidth) out.push(`document ${doc.scrollWidth} > ${doc.clientWidth}`);
    for (const el of document.querySelectorAll(".page, .table-wrap, dialog[open] .dialog-body")) {
      if (el.scrollWidth > el.clientWidth + 1) out.push(`${el.className} ${el.scrollWidth} > ${el.clientWidth}`);
    }
    return out;
  });

describe("operators page", () => {
  test("lists every operator with its grant and flags what stops a sign-in", async () => {
    const app = await openOperators(AUDITOR);
    try {
      const p = app.page;
      assert.equal(await p.locator('[data-testid^="operator-user_"]').count(), OPERATORS.length, "one row per grant");
      const stat = async (id) => Number(await p.getByTestId(id).getAttribute("data-value"));
      assert.deepEqual(
        [await stat("operators-admins"), await stat("operators-blocked"), await stat("operators-unreadable")],
        [1, 5, 1],
        "one console admin; five cannot sign in; one unreadable grant",
      );

      const admin = row(p, "user_0c4e11");
      assert.equal(await admin.getByTestId("operator-role").getAttribute("data-value"), "console_admin");
      assert.match(await admin.innerText(), /admin@rampart\.test[\s\S]*user_0c4e11[\s\S]*Local bootstrap \(root\)/);
      assert.equal(await admin.getByTestId("operator-signin").getAttribute("data-value"), "ok");
      // The grant record: who granted (as an e-mail) and when, in the operator's zone (Seoul).
      const officer = row(p, "user_7f3a9c");
      assert.match(await officer.innerText(), /admin@rampart\.test\s+2026-09-02 16:15/);

      const broken = row(p, "user_9d2f00");
      await broken.getByTestId("operator-grant-unreadable").waitFor();
      assert.match(await broken.innerText(), /unknown variant `superuser`/, "the reason is shown, not hidden");
      assert.equal(await broken.getByTestId("operator-signin").getAttribute("data-value"), "grant_unreadable");

      const alice = row(p, "user_c3");
      assert.equal(await alice.getByTestId("operator-signin").getAttribute("data-value"), "deactivated no_mfa");
      assert.match(await alice.innerText(), /Cannot sign in\s+account deactivated\s+no MFA/);
      assert.equal(await row(p, "user_b2").getByTestId("operator-signin").getAttribute("data-value"), "no_mfa");
      assert.match(await row(p, "user_a1").innerText(), /locked until 2026-11-24 10:15/);
      assert.match(await row(p, "user_5e0a77").innerText(), /No user record/);
      assert.deepEqual(await calls(app, "operators_list"), [{}], "read once, no arguments");
      assert.deepEqual(await overflow(p), [], "nothing overflows at 1280 px");
    } finally {
      await app.close();
    }
  });

  for (const [name, session] of [
    ["an auditor", AUDITOR],
    ["a security officer", OFFICER],
  ]) {
    test(`${name} sees the list with no enabled grant or revoke, and why`, async () => {
      const app = await openOperators(session);
      try {
        const p = app.page;
        const grant = p.getByTestId("operators-grant");
        assert.equal(await grant.isDisabled(), true, "grant is disabled");
        assert.match(await grant.getAttribute("title"), /only a console admin can grant or revoke/);
        assert.match(await p.getByTestId("operators-readonly-note").innerText(), new RegExp(`signed in as ${session === AUDITOR ? "Auditor" : "Security officer"}`));
        assert.equal(await p.locator('[data-testid="operator-change"], [data-testid="operator-revoke"]').count(), 0, "no row actions");
        assert.deepEqual(await app.calls("operator_grant"), []);
      } finally {
        await app.close();
      }
    });
  }

  test("a console admin grants by e-mail, changes a role and revokes: the commands get the right arguments", async () => {
    const app = await openOperators(ADMIN);
    try {
      const p = app.page;
      // The last console admin cannot be revoked or demoted: disabled, with the reason.
      const self = row(p, "user_0c4e11");
      assert.equal(await self.getByTestId("operators-you").count(), 1, "your own row is marked");
      assert.equal(await self.getByTestId("operator-revoke").isDisabled(), true);
      assert.equal(await self.getByTestId("operator-change").isDisabled(), true);
      assert.match(await self.getByTestId("operator-revoke").getAttribute("title"), /last console admin/);
      await self.getByTestId("operator-last-admin").waitFor();

      // Grant a first role by e-mail: the dialog says what changes before anything is sent.
      await p.getByTestId("operators-grant").click();
      const dialog = p.getByTestId("operators-grant-dialog");
      await dialog.getByTestId("grant-email").fill("bob@example.test");
      assert.equal(await dialog.getByTestId("grant-submit").isDisabled(), true, "no role picked yet");
      await dialog.getByTestId("grant-role-auditor").check();
      assert.match(await dialog.getByTestId("grant-summary").innerText(), /bob@example\.test\s+no console role\s+→\s+Auditor/);
      assert.deepEqual(await app.calls("operator_grant"), [], "nothing sent before the confirmation");
      await dialog.getByTestId("grant-submit").click();
      await p.locator('[data-testid="operators-done"][data-kind="granted"]').waitFor();
      assert.deepEqual(await calls(app, "operator_grant"), [{ email: "bob@example.test", role: "auditor" }]);
      await row(p, "user_d4").waitFor();
      assert.equal(await row(p, "user_d4").getByTestId("operator-role").getAttribute("data-value"), "auditor");

      // Change a role from its row: from → to, and the role the account cannot use yet.
      await row(p, "user_b2").getByTestId("operator-change").click();
      await dialog.getByTestId("grant-role-key_custodian").check();
      const summary = await dialog.getByTestId("grant-summary").innerText();
      assert.match(summary, /seoyeon\.lee@example\.test\s+Security officer\s+→\s+Key custodian/);
      assert.match(summary, /cannot sign in now \(no MFA\)/, "the summary says the role waits for MFA");
      assert.equal(await dialog.getByTestId("grant-role-security_officer").isDisabled(), true, "the current role is not offered");
      await dialog.getByTestId("grant-submit").click();
      await p.locator('[data-testid="operators-done"][data-kind="granted"]').waitFor();
      assert.deepEqual((await calls(app, "operator_grant"))[1], { email: "seoyeon.lee@example.test", role: "key_custodian" });

      // Revoke: the confirmation names the account and the role it loses.
      await row(p, "user_7f3a9c").getByTestId("operator-revoke").click();
      const confirm = p.getByTestId("operators-revoke-dialog");
      assert.match(await confirm.innerText(), /officer@rampart\.test loses the console role Security officer/);
      await confirm.getByTestId("confirm-ok").click();
      await p.locator('[data-testid="operators-done"][data-kind="revoked"]').waitFor();
      assert.deepEqual(await calls(app, "operator_revoke"), [{ who: "officer@rampart.test" }]);
      await row(p, "user_7f3a9c").waitFor({ state: "detached" });

      // A grant whose user record is gone is revoked by its user id.
      await row(p, "user_5e0a77").getByTestId("operator-revoke").click();
      await confirm.getByTestId("confirm-ok").click();
      await row(p, "user_5e0a77").waitFor({ state: "detached" });
      assert.deepEqual((await calls(app, "operator_revoke"))[1], { who: "user_5e0a77" });
      assert.equal(await row(p, "user_9d2f00").getByTestId("operator-change").isDisabled(), false, "an unreadable grant can be granted again");
      assert.equal(await row(p, "user_5e0a77").count(), 0);
    } finally {
      await app.close();
    }
  });

  test("with a second console admin, an admin may revoke their own role: warned first, then no more buttons", async () => {
    const operators = OPERATORS.map((o) => (o.user_id === "user_7f3a9c" ? { ...o, role: "console_admin" } : o));
    const app = await openOperators(ADMIN, { operators });
    try {
      const p = app.page;
      assert.equal(await p.getByTestId("operators-admins").getAttribute("data-value"), "2");
      await row(p, "user_0c4e11").getByTestId("operator-revoke").click();
      const confirm = p.getByTestId("operators-revoke-dialog");
      assert.match(await confirm.getByTestId("operators-revoke-self").innerText(), /your own role/);
      await confirm.getByTestId("confirm-ok").click();
      await p.locator('[data-testid="operators-done"][data-kind="revoked"]').waitFor();
      assert.match(await p.getByTestId("operators-done").innerText(), /You no longer have a console role/);
      assert.deepEqual(await calls(app, "operator_revoke"), [{ who: "admin@rampart.test" }]);
      assert.equal(await p.getByTestId("operators-grant").isDisabled(), true, "no more granting");
      assert.equal(await p.locator('[data-testid="operator-revoke"]').count(), 0, "no more row actions");
      assert.equal((await app.calls("operators_list")).length, 1, "no re-read that the core would refuse");
    } finally {
      await app.close();
    }
  });

  test("a refusal from the Rust side is shown in the dialog by its code, and nothing changes", async () => {
    const app = await openOperators(ADMIN);
    try {
      const p = app.page;
      // The role was revoked in another console since this one signed in: the core refuses.
      await app.set((s) => {
        s.failures.operator_grant = { code: "forbidden", message: "not allowed: the console role auditor may not perform console.grant_role", incident: null };
        s.failures.operator_revoke = { code: "conflict", message: "conflict: the console roles kept changing while this was written; look again and retry", incident: null };
      });
      await row(p, "user_2b81d0").getByTestId("operator-change").click();
      const dialog = p.getByTestId("operators-grant-dialog");
      await dialog.getByTestId("grant-role-security_officer").check();
      await dialog.getByTestId("grant-submit").click();
      const refusal = dialog.getByTestId("operators-action-error");
      await refusal.waitFor();
      assert.equal(await refusal.getAttribute("data-code"), "forbidden");
      assert.match(await refusal.innerText(), /^Not allowed[\s\S]*may not perform console\.grant_role/);
      assert.equal(await dialog.isVisible(), true, "the dialog stays open with the refusal");
      await dialog.getByTestId("grant-cancel").click();

      await row(p, "user_2b81d0").getByTestId("operator-revoke").click();
      const confirm = p.getByTestId("operators-revoke-dialog");
      await confirm.getByTestId("confirm-ok").click();
      const conflict = confirm.getByTestId("operators-action-error");
      await conflict.waitFor();
      assert.equal(await conflict.getAttribute("data-code"), "conflict");
      assert.match(await conflict.innerText(), /Someone else changed this first[\s\S]*look again and retry/);
      await confirm.getByTestId("confirm-cancel").click();
      assert.equal(await row(p, "user_2b81d0").getByTestId("operator-role").getAttribute("data-value"), "auditor", "the row is unchanged");
      assert.equal(await p.getByTestId("operators-done").count(), 0, "no success is claimed");
    } finally {
      await app.close();
    }
  });

  test("the user detail names a console operator's role, and nothing for other users", async () => {
    const app = await openApp(env.browser, env.vite.url, signedIn(OFFICER));
    try {
      const p = app.page;
      await p.getByTestId("nav-users").click();
      await p.locator(`[data-testid="users-total"][data-value="${USERS.length}"]`).waitFor();
      await p.getByText(USERS[1].email).click();
      const badge = p.getByTestId("user-console-role");
      await badge.waitFor();
      assert.match(await badge.innerText(), /^Console operator: Security officer$/);
      assert.equal(await badge.getAttribute("data-value"), "security_officer");
      assert.match(await badge.getAttribute("title"), /refused until the role is revoked/);
      assert.match(await p.getByTestId("user-console-role-note").innerText(), /Password and MFA changes are refused/);
      // The credential actions the core would refuse are disabled, saying why; the others stay.
      const reset = p.getByTestId("user-act-reset_password");
      assert.equal(await reset.isDisabled(), true, "no password reset for an operator");
      assert.match(await reset.getAttribute("title"), /refused until the role is revoked/);
      assert.equal(await p.getByTestId("user-act-deactivate").isDisabled(), false);
      await p.getByTestId("user-tab-mfa").click();
      assert.equal(await p.getByTestId("user-act-enroll_mfa").isDisabled(), true, "no MFA enrolment for an operator");
      await p.getByTestId("user-tab-profile").click();
      await shoot(p, "operators-user-detail-badge-dark-en");
      await p.getByTestId("user-detail-close").click();
      await p.getByText(USERS[3].email).click();
      await p.locator(`[data-testid="user-detail"][data-user="${USERS[3].id}"] [data-testid="user-profile"]`).waitFor();
      assert.equal(await p.getByTestId("user-console-role").count(), 0, "bob holds no console role");
      assert.equal(await p.getByTestId("user-act-reset_password").isDisabled(), false, "bob's password can be reset");
    } finally {
      await app.close();
    }
  });
});

describe("operators screenshots", () => {
  for (const theme of ["dark", "light"]) {
    for (const language of ["en", "ko"]) {
      const tag = `${theme}-${language}`;
      test(`operators page and its dialogs, ${tag}`, async () => {
        const app = await openOperators(ADMIN, { language, theme });
        try {
          const p = app.page;
          assert.deepEqual(await overflow(p), [], "the page fits 1280 px");
          await shoot(p, `operators-${tag}`);
          await p.getByTestId("operators-grant").click();
          const dialog = p.getByTestId("operators-grant-dialog");
          await dialog.getByTestId("grant-email").fill("seoyeon.lee@example.test");
          await dialog.getByTestId("grant-role-console_admin").check();
          assert.deepEqual(await overflow(p), [], "the grant dialog fits");
          await shoot(p, `operators-grant-${tag}`);
          await dialog.getByTestId("grant-cancel").click();
          await row(p, "user_c3").getByTestId("operator-revoke").click();
          await shoot(p, `operators-revoke-${tag}`);
          await p.getByTestId("confirm-cancel").click();
        } finally {
          await app.close();
        }
      });
    }
  }

  test("operators page as an auditor, light-ko", async () => {
    const app = await openOperators(AUDITOR, { language: "ko", theme: "light" });
    try {
      await shoot(app.page, "operators-auditor-light-ko");
    } finally {
      await app.close();
    }
  });
});
