// The Overview page: every figure from `overview()`, unavailable parts, the trail, times.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { LOCAL_PROFILE, OFFICER, OVERVIEW, connectionFor, scenario } from "./fake-backend.mjs";
import { openApp, suite } from "./harness.mjs";

const env = suite(before, after);

function signedIn(overview = OVERVIEW, extra = {}) {
  const s = scenario({ session: OFFICER, connection: connectionFor(LOCAL_PROFILE), overview, ...extra });
  return s;
}

const value = (page, id) => page.getByTestId(id).getAttribute("data-value");
const text = (page, id) => page.getByTestId(id).textContent();

describe("overview", () => {
  test("every figure carries the backend's raw number in data-value and shows it formatted", async () => {
    const app = await openApp(env.browser, env.vite.url, signedIn());
    try {
      await app.page.getByTestId("ov-users-total").waitFor();
      const figures = {
        "ov-users-total": OVERVIEW.users_total,
        "ov-users-unreadable": OVERVIEW.users_unreadable,
        "ov-mfa-enabled": OVERVIEW.mfa_enabled,
        "ov-admins-without-mfa": OVERVIEW.admins_without_mfa,
        "ov-events-24h": OVERVIEW.events_24h,
        "ov-account-locks": OVERVIEW.account_locks,
        "ov-ip-blocks": OVERVIEW.ip_blocks,
      };
      for (const [id, n] of Object.entries(figures)) {
        assert.equal(await value(app.page, id), String(n), `${id} data-value`);
        assert.equal(await text(app.page, id), n.toLocaleString("en-US"), `${id} text`);
      }
      for (const r of OVERVIEW.users_by_role) {
        assert.equal(await value(app.page, `ov-role-${r.role}`), String(r.users), `users with role ${r.role}`);
      }
      for (const k of OVERVIEW.keys_by_purpose) {
        assert.equal(await value(app.page, `ov-key-${k.purpose}`), String(k.active), `active ${k.purpose} keys`);
      }
      assert.equal(await value(app.page, "ov-trail-status"), "ok");
      // 3649 of 10007 users have MFA.
      assert.match(await app.page.locator(".stat", { has: app.page.getByTestId("ov-mfa-enabled") }).textContent(), /36\.5% of users/);
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test("admins without MFA above zero are flagged in the danger colour; zero is shown as fine", async () => {
    const app = await openApp(env.browser, env.vite.url, signedIn());
    try {
      const stat = app.page.locator(".stat", { has: app.page.getByTestId("ov-admins-without-mfa") });
      await stat.waitFor();
      assert.match(await stat.getAttribute("class"), /stat-danger/);
      await app.set((s) => (s.overview = { ...s.overview, admins_without_mfa: 0 }));
      await app.page.getByTestId("overview-refresh").click();
      await app.page.waitForFunction(() => document.querySelector('[data-testid="ov-admins-without-mfa"]')?.dataset.value === "0");
      assert.match(await stat.getAttribute("class"), /stat-ok/);
    } finally {
      await app.close();
    }
  });

  test("events_24h null says the audit index is unavailable; a broken trail says broken at entry N", async () => {
    const broken = {
      ...OVERVIEW,
      events_24h: null,
      trail: { ok: false, entries: 214, first_broken: 37, message: "Entry 37 does not hash to the head recorded in entry 38." },
    };
    const app = await openApp(env.browser, env.vite.url, signedIn(broken));
    try {
      await app.page.getByTestId("ov-events-24h").waitFor();
      assert.equal(await app.page.getByTestId("ov-events-24h").getAttribute("data-value"), null, "no number for null");
      assert.equal(await text(app.page, "ov-events-unavailable"), "Unavailable");
      assert.match(
        await app.page.locator(".stat", { has: app.page.getByTestId("ov-events-24h") }).textContent(),
        /The audit index cannot be reached\./,
      );
      assert.equal(await value(app.page, "ov-trail-status"), "broken");
      assert.equal(await text(app.page, "ov-trail-status"), "Broken");
      const banner = app.page.getByTestId("trail-broken");
      assert.match(await banner.textContent(), /broken at entry 37 of 214/);
      assert.match(await banner.textContent(), /Entry 37 does not hash to the head recorded in entry 38\./);
    } finally {
      await app.close();
    }
  });

  test("part errors from errors[] are each shown with their sentence and incident", async () => {
    const partial = {
      ...OVERVIEW,
      keys_by_purpose: [],
      errors: [{ part: "keys", error: { code: "unavailable", message: "Key records could not be read.", incident: "k3y5" } }],
    };
    const app = await openApp(env.browser, env.vite.url, signedIn(partial));
    try {
      const box = app.page.getByTestId("overview-part-errors");
      await box.waitFor();
      const t = await box.textContent();
      assert.match(t, /Keys could not be read/);
      assert.match(t, /Key records could not be read\./);
      assert.match(t, /k3y5/);
      assert.match(await app.page.locator(".panel", { hasText: "Active keys by purpose" }).textContent(), /No keys/);
    } finally {
      await app.close();
    }
  });

  test("generated_at is shown in the operator's zone: 01:00Z is 10:00 KST, although the machine is in New York", async () => {
    const app = await openApp(env.browser, env.vite.url, signedIn(), { timezoneId: "America/New_York" });
    try {
      const at = app.page.getByTestId("overview-generated-at");
      await at.waitFor();
      assert.equal(await at.textContent(), "2026-11-24 10:00:00 KST (UTC+09:00)");
      assert.equal(await at.getAttribute("datetime"), "2026-11-24T01:00:00Z");
      assert.match(await at.getAttribute("title"), /Asia\/Seoul/);
    } finally {
      await app.close();
    }
  });

  test("with time_zone America/New_York the same instant is 20:00 EST the day before", async () => {
    const s = signedIn();
    s.appInfo.settings.time_zone = "America/New_York";
    const app = await openApp(env.browser, env.vite.url, s, { timezoneId: "Asia/Seoul" });
    try {
      const at = app.page.getByTestId("overview-generated-at");
      await at.waitFor();
      assert.equal(await at.textContent(), "2026-11-23 20:00:00 EST (UTC−05:00)");
    } finally {
      await app.close();
    }
  });

  test("Refresh shows progress, keeps the old figures visible, then shows the new ones", async () => {
    const app = await openApp(env.browser, env.vite.url, signedIn());
    try {
      await app.page.getByTestId("ov-users-total").waitFor();
      await app.set((s) => {
        s.overviewDelayMs = 600;
        s.overview = { ...s.overview, users_total: 10008, generated_at: "2026-11-24T01:05:00Z" };
      });
      await app.page.getByTestId("overview-refresh").click();
      const button = app.page.getByTestId("overview-refresh");
      await app.page.waitForFunction(() => document.querySelector('[data-testid="overview-refresh"]')?.disabled === true);
      assert.equal(await button.textContent(), "Refreshing…");
      assert.equal(await app.page.getByRole("progressbar").count() > 0, true, "a progress bar while loading");
      assert.equal(await value(app.page, "ov-users-total"), "10007", "old figures stay while loading");
      await app.page.waitForFunction(() => document.querySelector('[data-testid="ov-users-total"]')?.dataset.value === "10008");
      assert.equal(await button.textContent(), "Refresh");
      assert.match(await text(app.page, "overview-generated-at"), /10:05:00/);
    } finally {
      await app.close();
    }
  });

  test("a failed refresh shows the sentence and incident id and keeps the last figures", async () => {
    const app = await openApp(env.browser, env.vite.url, signedIn());
    try {
      await app.page.getByTestId("ov-users-total").waitFor();
      await app.set((s) => (s.failures.overview = { code: "unavailable", message: "Redis did not answer in 5 s.", incident: "9f2c41" }));
      await app.page.getByTestId("overview-refresh").click();
      const banner = app.page.getByTestId("error-banner");
      await banner.waitFor();
      assert.match(await banner.textContent(), /Redis did not answer in 5 s\./);
      assert.match(await banner.textContent(), /9f2c41/);
      assert.equal(await value(app.page, "ov-users-total"), "10007");
    } finally {
      await app.close();
    }
  });

  test("a rejection that is not an IpcError (e.g. Tauri's own 'not allowed') is shown as code internal", async () => {
    const s = signedIn();
    s.failures.overview = "Command overview not allowed by ACL";
    const app = await openApp(env.browser, env.vite.url, s);
    try {
      const banner = app.page.getByTestId("error-banner");
      await banner.waitFor();
      assert.equal(await banner.getAttribute("data-code"), "internal");
      assert.match(await banner.textContent(), /Command overview not allowed by ACL/);
    } finally {
      await app.close();
    }
  });

  test("in Korean the figures keep their data-value and labels are Korean", async () => {
    const s = signedIn();
    s.appInfo.settings.language = "ko";
    const app = await openApp(env.browser, env.vite.url, s);
    try {
      await app.page.getByTestId("ov-users-total").waitFor();
      assert.equal(await value(app.page, "ov-users-total"), "10007");
      assert.equal(await text(app.page, "ov-users-total"), "10,007");
      assert.match(await app.page.locator(".page-title").textContent(), /개요/);
      assert.match(await app.page.locator(".stat", { has: app.page.getByTestId("ov-admins-without-mfa") }).textContent(), /MFA 미사용 관리자/);
    } finally {
      await app.close();
    }
  });
});
