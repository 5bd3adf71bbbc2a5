// The identity routes wired into the signed-in app (ui/src/app/identityPages.tsx) over the
// fake IPC backend: proves the adapters speak the commands' argument names and shapes, that
// an auditor gets the pages read-only, that an officer's create goes through `user_create`,
// and the bulk actions of the users page (selection or filter → dry run → run with a result per
// item → resume), the reset's ended sessions, and the Threats page's counters without TTL.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { AUDITOR, LOCAL_PROFILE, OFFICER, PROD_PROFILE, USERS, connectionFor, manyUsers, scenario } from "./fake-backend.mjs";
import { openApp, suite } from "./harness.mjs";

const env = suite(before, after);

function signedIn(session, extra = {}) {
  return scenario({ session, connection: connectionFor(LOCAL_PROFILE), ...extra });
}

async function openUsers(session, extra = {}) {
  const app = await openApp(env.browser, env.vite.url, signedIn(session, extra));
  const users = extra.users ?? USERS;
  await app.page.getByTestId("nav-users").waitFor();
  await app.page.getByTestId("nav-users").click();
  await app.page.locator(`[data-testid="users-total"][data-value="${users.length}"]`).waitFor();
  return app;
}

const row = (p, i) => p.locator(`[data-testid="users-table"] .vt-layer [data-index="${i}"]`);
const badge = async (p, testid) => Number(await p.getByTestId(testid).getAttribute("data-value"));

const calls = (page) => page.evaluate(() => window.__fake.calls);

describe("identity routes", () => {
  test("an auditor sees every user and their detail, with no write action anywhere", async () => {
    const app = await openUsers(AUDITOR);
    try {
      const p = app.page;
      assert.equal(await p.getByTestId("users-create").count(), 0, "no create button");
      assert.equal(await p.getByTestId("users-selection").count(), 0, "no selection bar (bulk actions)");
      assert.equal(await p.locator('[data-testid^="users-bulk-"]').count(), 0, "no bulk toolbar");
      assert.equal(await p.locator('[data-testid="users-table"] input[type="checkbox"]').count(), 0, "no row checkboxes");
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

  test("an officer on a read-only profile gets no selection and no bulk actions", async () => {
    const app = await openUsers({ ...OFFICER, profile: "prod-ro", read_only: true }, { connection: connectionFor(PROD_PROFILE) });
    try {
      const p = app.page;
      assert.equal(await p.locator('[data-testid="users-table"] input[type="checkbox"]').count(), 0, "no row checkboxes");
      assert.equal(await p.getByTestId("users-selection").count(), 0);
      assert.equal((await calls(p)).filter((c) => c.cmd === "batches_unfinished").length, 0, "not even the resume list is asked for");
    } finally {
      await app.close();
    }
  });
});

describe("bulk actions on the users page", () => {
  test("all matching the filter: the filter goes to Rust, the dry run lists every match, one failure does not stop the rest", async () => {
    const users = [...USERS, ...manyUsers(240)];
    const guests = users.filter((u) => u.role === "guest");
    const failing = guests.find((u) => u.is_active && u.id !== guests[0].id);
    const app = await openUsers(OFFICER, {
      users,
      bulkFail: { [failing.id]: "conflict: user:" + failing.id + " changed 20 times while it was written; try again" },
    });
    try {
      const p = app.page;
      await p.getByTestId("users-filter-role").selectOption("guest");
      await p.locator(`[data-testid="users-total"][data-value="${guests.length}"]`).waitFor();
      await p.getByTestId("users-table-select-all").click();
      const bar = p.getByTestId("users-selection");
      assert.equal(await bar.getAttribute("data-kind"), "matching");
      assert.equal(await bar.getAttribute("data-count"), String(guests.length));
      // Untick the first visible row: "all matching except this one".
      await row(p, 0).locator("input").click();
      assert.equal(await bar.getAttribute("data-count"), String(guests.length - 1));
      await p.getByTestId("users-bulk-deactivate").click();
      const dlg = p.getByTestId("bulk-reason");
      await dlg.waitFor();
      assert.match(await dlg.innerText(), /filter is applied again/);
      await dlg.getByTestId("reason-text").fill("Contractor accounts closed (TICKET-5521)");
      await dlg.getByTestId("reason-confirm").click();
      await p.getByTestId("bulk-panel").waitFor();

      const plan = (await calls(p)).find((c) => c.cmd === "bulk_plan");
      assert.deepEqual(plan.args.action, { action: "deactivate", reason: "Contractor accounts closed (TICKET-5521)" });
      assert.equal(plan.args.target.kind, "filter", "the filter itself, not the ids of the loaded rows");
      assert.equal(plan.args.target.query.role, "guest");
      assert.deepEqual(plan.args.target.except, [guests.slice().sort((a, b) => a.email.localeCompare(b.email))[0].id]);

      const active = guests.filter((u) => u.is_active).length;
      const first = guests.slice().sort((a, b) => a.email.localeCompare(b.email))[0];
      const willChange = active - (first.is_active ? 1 : 0);
      assert.equal(await badge(p, "batch-will-change"), willChange, "every active guest but the unticked one");
      assert.equal(await badge(p, "batch-will-skip"), guests.length - 1 - willChange, "inactive guests: no change");
      assert.equal(await p.getByTestId("bulk-batch").getAttribute("data-phase"), "preview");
      assert.match(await p.locator('[data-testid="batch-table"] .vt-layer [data-index="0"]').innerText(), /Active\s*→\s*Inactive|Inactive/);

      await p.getByTestId("batch-execute").click();
      await p.locator('[data-testid="bulk-batch"][data-phase="done"]').waitFor({ timeout: 30_000 });
      assert.equal(await badge(p, "batch-failed"), 1);
      assert.equal(await badge(p, "batch-ok"), willChange - 1, "the failure did not stop the others");
      assert.equal(await badge(p, "batch-pending"), 0);
      await p.getByTestId("batch-some-failed").waitFor();
      const fail = p.locator('[data-testid="batch-table"] .batch-fail');
      await fail.first().scrollIntoViewIfNeeded().catch(() => undefined);
      const state = await p.evaluate(() => window.__fake.state.users.filter((u) => u.role === "guest"));
      assert.equal(state.filter((u) => u.is_active).map((u) => u.id).sort().join(), [first.is_active ? first.id : null, failing.id].filter(Boolean).sort().join(), "only the unticked and the failed guest stay active");

      await p.getByTestId("batch-close").click();
      await p.getByTestId("users-table").waitFor();
      assert.equal(await p.getByTestId("users-selection").count(), 0, "the selection has served");
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test("picked rows with shift: a change to admin only files approval requests, nobody is promoted", async () => {
    const users = [...USERS, ...manyUsers(30)];
    const app = await openUsers(OFFICER, { users });
    try {
      const p = app.page;
      await row(p, 1).locator("input").click();
      await row(p, 4).locator("input").click({ modifiers: ["Shift"] });
      const bar = p.getByTestId("users-selection");
      assert.equal(await bar.getAttribute("data-kind"), "ids");
      assert.equal(await bar.getAttribute("data-count"), "4", "rows 1 to 4");
      await p.getByTestId("users-bulk-change_role").click();
      await p.getByTestId("role-admin").check();
      await p.getByTestId("role-four-eyes").waitFor();
      await p.getByTestId("role-reason").fill("On-call rotation for the trading desk");
      await p.getByTestId("role-submit").click();
      await p.getByTestId("bulk-panel").waitFor();
      const plan = (await calls(p)).find((c) => c.cmd === "bulk_plan");
      assert.equal(plan.args.target.kind, "ids");
      assert.equal(plan.args.target.ids.length, 4);
      assert.deepEqual(plan.args.action, { action: "change_role", role: "admin", reason: "On-call rotation for the trading desk" });
      const picked = users.filter((u) => plan.args.target.ids.includes(u.id));
      const promotions = picked.filter((u) => u.role !== "admin").length;
      assert.equal(await badge(p, "batch-will-request"), promotions, "each promotion becomes a request");
      assert.equal(await badge(p, "batch-will-change"), 0, "no role is changed by the batch");
      assert.match(await p.getByTestId("batch-execute").innerText(), new RegExp(`File ${promotions} approval requests`));
      await p.getByTestId("batch-execute").click();
      await p.locator('[data-testid="bulk-batch"][data-phase="done"]').waitFor();
      assert.equal(await badge(p, "batch-requested"), promotions);
      assert.equal(await badge(p, "batch-ok"), 0, "no role was written");
      const after = await p.evaluate((ids) => window.__fake.state.users.filter((u) => ids.includes(u.id)).map((u) => u.role), plan.args.target.ids);
      assert.deepEqual(after, picked.map((u) => u.role), "roles unchanged until a second admin approves");
      assert.equal(await p.locator('[data-testid="batch-table"] [data-value="requested"]').count(), promotions);
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test("a stopped batch is listed with Resume; resuming runs only the items left", async () => {
    const users = [...USERS, ...manyUsers(40)];
    const sessionsOf = Object.fromEntries(users.map((u, i) => [u.id, i % 3]));
    const app = await openUsers(OFFICER, { users, sessionsOf, bulkItemMs: 120 });
    try {
      const p = app.page;
      await p.getByTestId("users-table-select-all").click();
      await p.getByTestId("users-bulk-revoke_sessions").click();
      await p.getByTestId("reason-text").fill("Token leak in CI logs (INC-3302)");
      await p.getByTestId("reason-confirm").click();
      await p.getByTestId("bulk-panel").waitFor();
      await p.getByTestId("batch-execute").click();
      await p.waitForFunction(() => Number(document.querySelector('[data-testid="batch-ok"]')?.dataset.value ?? 0) >= 3);
      await p.getByTestId("batch-cancel").click();
      await p.locator('[data-testid="bulk-batch"][data-phase="interrupted"]').waitFor();
      await p.getByTestId("batch-interrupted").waitFor();
      const left = await badge(p, "batch-pending");
      assert.ok(left > 0, "items are left");
      await p.getByTestId("batch-close").click();

      const list = p.getByTestId("bulk-unfinished");
      await list.waitFor();
      assert.equal(await list.getAttribute("data-count"), "1");
      assert.match(await list.innerText(), /Revoke sessions/);
      await p.getByTestId("bulk-resume").click();
      await p.locator('[data-testid="bulk-batch"][data-phase="done"]').waitFor({ timeout: 30_000 });
      assert.equal(await badge(p, "batch-pending"), 0);
      const runs = (await calls(p)).filter((c) => c.cmd === "batch_run");
      assert.equal(runs.length, 2, "run, then resume");
      assert.equal(new Set(runs.map((r) => r.args.batchId)).size, 1, "the same batch");
      const b = await p.evaluate(() => Object.values(window.__fake.state.batches)[0]);
      assert.equal(b.results.length, b.plan.items.length);
      assert.equal(new Set(b.results.map((r) => r.id)).size, b.results.length, "no item ran twice");
      await p.getByTestId("batch-close").click();
      await p.getByTestId("users-table").waitFor();
      assert.equal(await p.getByTestId("bulk-unfinished").count(), 0, "nothing left to resume");
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test("the store going away mid-run keeps the results and offers to resume", async () => {
    const users = [...USERS, ...manyUsers(12)];
    const app = await openUsers(OFFICER, { users, bulkBreakAfter: 4 });
    try {
      const p = app.page;
      await p.getByTestId("users-table-select-all").click();
      await p.getByTestId("users-bulk-deactivate").click();
      await p.getByTestId("reason-text").fill("Quarterly access review 2026-Q4");
      await p.getByTestId("reason-confirm").click();
      await p.getByTestId("batch-execute").click();
      await p.locator('[data-testid="bulk-batch"][data-phase="interrupted"]').waitFor();
      assert.match(await p.getByTestId("bulk-run-error").innerText(), /unreachable/);
      await p.getByTestId("batch-resume").click();
      await p.locator('[data-testid="bulk-batch"][data-phase="done"]').waitFor();
      assert.equal(await badge(p, "batch-pending"), 0);
    } finally {
      await app.close();
    }
  });

  test("more than a batch holds: the actions are disabled and say why", async () => {
    const users = [...USERS, ...manyUsers(10_050)];
    const app = await openUsers(OFFICER, { users });
    try {
      const p = app.page;
      // The table has a definite height in the app's layout: it renders a screenful of rows,
      // not all 10,054 (an auto-height virtual table renders every row and freezes the page).
      const rendered = await p.locator('[data-testid="users-table"] .vt-layer [data-index]').count();
      assert.ok(rendered > 5 && rendered < 80, `${rendered} rows rendered`);
      await p.getByTestId("users-table-select-all").click();
      await p.getByTestId("users-bulk-too-many").waitFor();
      assert.match(await p.getByTestId("users-bulk-too-many").innerText(), /at most 10,000/);
      for (const a of ["deactivate", "change_role", "revoke_sessions"]) {
        assert.ok(await p.getByTestId(`users-bulk-${a}`).isDisabled(), `${a} disabled`);
      }
      // Narrowing the filter brings it under the cap.
      await p.getByTestId("users-filter-role").selectOption("guest");
      const guests = users.filter((u) => u.role === "guest").length;
      await p.locator(`[data-testid="users-total"][data-value="${guests}"]`).waitFor();
      await p.getByTestId("users-table-select-all").click();
      assert.equal(await p.getByTestId("users-bulk-too-many").count(), 0);
      assert.ok(!(await p.getByTestId("users-bulk-deactivate").isDisabled()));
    } finally {
      await app.close();
    }
  });
});

describe("reset and threats", () => {
  test("a password reset says how many sessions it ended", async () => {
    // bob: the others hold console roles in the fake registry, and an operator's password
    // cannot be reset (operators.test.mjs checks the disabled button).
    const app = await openUsers(OFFICER, { sessionsOf: { [USERS[3].id]: 3 } });
    try {
      const p = app.page;
      await p.getByText(USERS[3].email).click();
      await p.getByTestId("user-act-reset_password").click();
      const dlg = p.getByTestId("idm-reset");
      assert.match(await dlg.innerText(), /every session it opened ends/);
      await dlg.getByTestId("confirm-ok").click();
      const shown = p.getByTestId("idm-password");
      await shown.waitFor();
      assert.match(await shown.innerText(), /3 sessions of the old password were ended/);
    } finally {
      await app.close();
    }
  });

  test("a rate-limit counter without TTL shows 'no expiry' and is flagged, never 'expired'", async () => {
    const access = {
      account_locks: [],
      ip_blocks: [],
      rate_limits: [
        { endpoint_type: "auth", ip: "192.0.2.99", count: 10, limit: 10, ttl_seconds: null, unreadable: null },
        { endpoint_type: "default", ip: "198.51.100.20", count: 37, limit: 100, ttl_seconds: 42, unreadable: null },
      ],
      low_reputations: [],
      unreadable_keys: [],
    };
    const app = await openApp(env.browser, env.vite.url, signedIn(OFFICER, { access }));
    try {
      const p = app.page;
      await p.getByTestId("nav-threats").click();
      const flag = p.getByTestId("rl-no-ttl");
      await flag.waitFor();
      assert.equal(await flag.getAttribute("data-value"), "1");
      assert.match(await flag.innerText(), /never resets|never expire/);
      const cell = p.getByTestId("rl-left-auth-192.0.2.99");
      assert.equal(await cell.getAttribute("data-value"), "none");
      assert.match(await cell.innerText(), /no expiry/);
      assert.doesNotMatch(await cell.innerText(), /expired/);
      assert.equal(Number(await p.getByTestId("rl-left-default-198.51.100.20").getAttribute("data-value")) > 0, true);
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });
});
