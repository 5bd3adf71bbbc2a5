// The identity routes wired into the signed-in app (ui/src/app/identityPages.tsx) over the
// fake IPC backend: proves the adapters speak the commands' argument names and shapes, that
// an auditor gets the pages read-only, and that an officer's create goes through `user_create`.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { AUDITOR, LOCAL_PROFILE, OFFICER, USERS, connectionFor, scenario } from "./fake-backend.mjs";
import { openApp, suite } from "./harness.mjs";

const env = suite(before, after);

function signedIn(session) {
  return scenario({ session, connection: connectionFor(LOCAL_PROFILE) });
}

async function openUsers(session) {
  const app = await openApp(env.browser, env.vite.url, signedIn(session));
  await app.page.getByTestId("nav-users").waitFor();
  await app.page.getByTestId("nav-users").click();
  await app.page.locator(`[data-testid="users-total"][data-value="${USERS.length}"]`).waitFor();
  return app;
}

const calls = (page) => page.evaluate(() => window.__fake.calls);

describe("identity routes", () => {
  test("an auditor sees every user and their detail, with no write action anywhere", async () => {
    const app = await openUsers(AUDITOR);
    try {
      const p = app.page;
      assert.equal(await p.getByTestId("users-create").count(), 0, "no create button");
      assert.equal(await p.getByTestId("users-selection").count(), 0, "no selection bar (bulk actions)");
      await p.getByText(USERS[1].email).click();
      await p.getByTestId("user-detail").waitFor();
      assert.equal(await p.getByTestId("user-detail").getAttribute("data-user"), USERS[1].id);
      assert.equal(await p.locator('[data-testid^="user-act-"]').count(), 0, "no action buttons in the detail");
      const page = (await calls(p)).find((c) => c.cmd === "users_page");
      assert.deepEqual(Object.keys(page.args).sort(), ["limit", "offset", "query"], "camelCase-free argument names");
      assert.deepEqual(Object.keys(page.args.query).sort(), ["active", "dormant_days", "mfa", "role", "search", "sort"]);
      await p.getByTestId("nav-approvals").click();
      await p.waitForFunction(() => window.__fake.calls.some((c) => c.cmd === "approvals_list"));
      await p.getByTestId("nav-threats").click();
      await p.waitForFunction(() => window.__fake.calls.some((c) => c.cmd === "access_snapshot"));
      await p.getByTestId("nav-mfa").click();
      await p.waitForFunction(() => window.__fake.calls.some((c) => c.cmd === "mfa_coverage"));
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test("an officer creates a user: user_create gets the form, the new user is in the table", async () => {
    const app = await openUsers(OFFICER);
    try {
      const p = app.page;
      await p.getByTestId("users-create").click();
      await p.getByTestId("create-email").fill("jiho.park@example.test");
      await p.getByTestId("create-username").fill("박지호");
      await p.getByTestId("create-role").selectOption("premium_user");
      await p.getByTestId("create-password").fill("Tr0ub4dor&3-horse");
      await p.getByTestId("create-confirm").fill("Tr0ub4dor&3-horse");
      await p.getByTestId("create-submit").click();
      await p.getByTestId("create-result").waitFor();
      const create = (await calls(p)).find((c) => c.cmd === "user_create");
      assert.deepEqual(create.args.input, {
        email: "jiho.park@example.test",
        username: "박지호",
        role: "premium_user",
        password: "Tr0ub4dor&3-horse",
      });
      await p.getByTestId("create-close").click();
      await p.getByTestId("users-search").fill("jiho");
      await p.locator('[data-testid="users-total"][data-value="1"]').waitFor();
      await p.getByText("jiho.park@example.test").waitFor();
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test("a duplicate e-mail comes back as a refusal on the e-mail field", async () => {
    const app = await openUsers(OFFICER);
    try {
      const p = app.page;
      await p.getByTestId("users-create").click();
      await p.getByTestId("create-email").fill(USERS[0].email);
      await p.getByTestId("create-username").fill("dup");
      await p.getByTestId("create-password").fill("Tr0ub4dor&3-horse");
      await p.getByTestId("create-confirm").fill("Tr0ub4dor&3-horse");
      await p.getByTestId("create-submit").click();
      const emailError = p.locator('.field-error[role="alert"]');
      await emailError.waitFor();
      assert.match(await emailError.innerText(), /already exists/);
    } finally {
      await app.close();
    }
  });
});
