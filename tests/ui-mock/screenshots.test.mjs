// Screenshots for review (kept as artifacts): sign-in and overview in dark and light, Korean
// and English, plus the other states an operator meets. Each also asserts the screen is the
// one named, so a screenshot of an error page cannot pass as the overview.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, statSync } from "node:fs";
import { LOCAL_PROFILE, OFFICER, PROD_PROFILE, OVERVIEW, connectionFor, scenario } from "./fake-backend.mjs";
import { artifactPath, openApp, suite } from "./harness.mjs";

const env = suite(before, after);

async function shoot(page, name) {
  // Let the fonts settle and the spinners leave the frame.
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(150);
  const path = artifactPath(`${name}.png`);
  await page.screenshot({ path });
  assert.ok(existsSync(path) && statSync(path).size > 10_000, `${path} written`);
  return path;
}

function withSettings(s, language, theme) {
  s.appInfo.settings.language = language;
  s.appInfo.settings.theme = theme;
  return s;
}

describe("screenshots", () => {
  for (const theme of ["dark", "light"]) {
    for (const language of ["en", "ko"]) {
      test(`sign-in and overview, ${theme}, ${language}`, async () => {
        const s = withSettings(scenario(), language, theme);
        const app = await openApp(env.browser, env.vite.url, s);
        try {
          await app.page.getByTestId("connection-summary").waitFor();
          assert.equal(await app.page.evaluate(() => document.documentElement.dataset.theme), theme);
          assert.equal(await app.page.evaluate(() => document.documentElement.lang), language);
          await shoot(app.page, `signin-${theme}-${language}`);
          await app.page.getByTestId("signin-email").fill("officer@rampart.test");
          await app.page.getByTestId("signin-password").fill("x");
          await app.page.getByTestId("signin-totp").fill("123456");
          await app.page.getByTestId("signin-submit").click();
          await app.page.getByTestId("ov-users-total").waitFor();
          await shoot(app.page, `overview-${theme}-${language}`);
          assert.deepEqual(app.problems, []);
        } finally {
          await app.close();
        }
      });
    }
  }

  test("other states: refused sign-in, demo progress, broken trail, connections with a test, lock screen", async () => {
    // Refused sign-in, Korean.
    let app = await openApp(
      env.browser,
      env.vite.url,
      withSettings(scenario({ signInError: { code: "mfa_required", message: "x", incident: "5e1f0a2b" } }), "ko", "dark"),
    );
    try {
      await app.page.getByTestId("signin-email").fill("admin@rampart.test");
      await app.page.getByTestId("signin-password").fill("x");
      await app.page.getByTestId("signin-totp").fill("123456");
      await app.page.getByTestId("signin-submit").click();
      await app.page.getByTestId("signin-error").waitFor();
      await shoot(app.page, "signin-error-dark-ko");
    } finally {
      await app.close();
    }

    // First run with the demo load half-way.
    const first = withSettings(scenario(), "en", "dark");
    first.connections.local = { ...first.connections.local, demo_available: true, operators_configured: false, user_count: 0 };
    first.demo.stepMs = 400;
    app = await openApp(env.browser, env.vite.url, first);
    try {
      await app.page.getByTestId("demo-seed-button").click();
      await app.page.waitForFunction(() => document.querySelector('[data-testid="demo-progress"]')?.dataset.phase === "events");
      await shoot(app.page, "demo-progress-dark-en");
      await app.page.getByTestId("demo-report").waitFor();
      await shoot(app.page, "demo-done-dark-en");
    } finally {
      await app.close();
    }

    // Read-only profile, broken trail, unavailable audit index, a part error; light, Korean.
    const bad = withSettings(
      scenario({
        session: { ...OFFICER, profile: "prod-ro", read_only: true },
        connection: connectionFor(PROD_PROFILE),
        overview: {
          ...OVERVIEW,
          events_24h: null,
          trail: { ok: false, entries: 214, first_broken: 37, message: "Entry 37 does not hash to the head recorded in entry 38." },
          errors: [{ part: "events", error: { code: "unavailable", message: "Elasticsearch did not answer within 5 s.", incident: "es-7c1" } }],
        },
      }),
      "ko",
      "light",
    );
    app = await openApp(env.browser, env.vite.url, bad);
    try {
      await app.page.getByTestId("trail-broken").waitFor();
      await shoot(app.page, "overview-broken-light-ko");
      await app.page.getByTestId("nav-connections").click();
      await app.page.getByTestId("profile-row-prod-ro").click();
      await app.page.getByTestId("profile-test").click();
      await app.page.getByTestId("probe-result-keyspace").waitFor();
      await app.page.getByTestId("probe-results").scrollIntoViewIfNeeded();
      await shoot(app.page, "connections-light-ko");
    } finally {
      await app.close();
    }

    // Connections in English, dark, form at the top.
    app = await openApp(
      env.browser,
      env.vite.url,
      withSettings(scenario({ session: OFFICER, connection: connectionFor(LOCAL_PROFILE) }), "en", "dark"),
      { viewport: { width: 1280, height: 1000 } },
    );
    try {
      await app.page.getByTestId("nav-connections").click();
      await app.page.getByTestId("profile-row-prod-ro").click();
      await app.page.getByTestId("profile-redis-password-replace").click();
      await shoot(app.page, "connections-dark-en");
      await app.page.getByTestId("nav-settings").click();
      await app.page.getByTestId("settings-save").waitFor();
      await shoot(app.page, "settings-dark-en");
    } finally {
      await app.close();
    }

    // Lock screen.
    app = await openApp(
      env.browser,
      env.vite.url,
      withSettings(scenario({ session: OFFICER, connection: connectionFor(LOCAL_PROFILE), sessionError: { code: "session_expired", message: "x", incident: null } }), "ko", "dark"),
    );
    try {
      await app.page.getByTestId("lock-screen").waitFor();
      await shoot(app.page, "lock-dark-ko");
    } finally {
      await app.close();
    }
  });
});
