// The signed-in shell: top bar, navigation, language, session lock, activity, settings.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { AUDITOR, LOCAL_PROFILE, OFFICER, PROD_PROFILE, connectionFor, scenario } from "./fake-backend.mjs";
import { openApp, suite } from "./harness.mjs";

const env = suite(before, after);

/** Opens the app already signed in (a live session, as after a webview reload). */
function signedIn(overrides = {}, session = OFFICER, profile = LOCAL_PROFILE) {
  return scenario({ session, connection: connectionFor(profile), ...overrides });
}

const NAV = ["overview", "users", "mfa", "approvals", "keys", "ceremony", "records", "audit", "threats", "privacy", "settings", "connections"];

describe("top bar and navigation", () => {
  test("an auditor session shows the auditor role badge, the email and the profile", async () => {
    const app = await openApp(env.browser, env.vite.url, signedIn({}, AUDITOR));
    try {
      await app.page.getByTestId("session-role").waitFor();
      assert.equal(await app.page.getByTestId("session-role").textContent(), "Auditor");
      assert.equal(await app.page.getByTestId("session-role").getAttribute("data-value"), "auditor");
      assert.equal(await app.page.getByTestId("session-email").textContent(), AUDITOR.email);
      assert.equal(await app.page.getByTestId("session-profile").textContent(), "local");
      assert.equal(
        await app.page.getByTestId("session-email").getAttribute("title"),
        "Signed in at 2026-11-24 09:55:00 KST",
        "signed_in_at (00:55Z) in the operator's zone",
      );
      assert.equal(await app.page.getByTestId("readonly-badge").count(), 0, "a writable connection has no read-only badge");
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test("a read-only connection shows the read-only badge in the top bar", async () => {
    const app = await openApp(
      env.browser,
      env.vite.url,
      signedIn({}, { ...OFFICER, profile: "prod-ro", read_only: true }, PROD_PROFILE),
    );
    try {
      const badge = app.page.getByTestId("readonly-badge");
      await badge.waitFor();
      assert.equal(await badge.textContent(), "Read-only");
    } finally {
      await app.close();
    }
  });

  test("every section is in the nav; pages not built yet are disabled with a 'later' tag and a tooltip", async () => {
    const app = await openApp(env.browser, env.vite.url, signedIn());
    try {
      await app.page.getByTestId("nav-overview").waitFor();
      for (const id of NAV) assert.equal(await app.page.getByTestId(`nav-${id}`).count(), 1, `nav-${id} present`);
      for (const id of ["overview", "users", "mfa", "approvals", "threats", "settings", "connections"]) {
        assert.equal(await app.page.getByTestId(`nav-${id}`).getAttribute("data-state"), "open", `${id} is built`);
        assert.equal(await app.page.getByTestId(`nav-${id}`).evaluate((e) => e.tagName), "A");
      }
      for (const id of ["keys", "ceremony", "records", "audit", "privacy"]) {
        const item = app.page.getByTestId(`nav-${id}`);
        assert.equal(await item.getAttribute("data-state"), "later", `${id} is not built yet`);
        assert.equal(await item.getAttribute("aria-disabled"), "true");
        assert.equal(await item.getAttribute("title"), "Coming in a later release");
        assert.match(await item.textContent(), /later$/);
        assert.equal(await item.evaluate((e) => e.tagName), "SPAN", "a disabled item is not a link");
      }
      await app.page.getByTestId("nav-settings").click();
      await app.page.getByTestId("settings-save").waitFor();
      assert.equal(await app.page.evaluate(() => location.hash), "#/settings");
    } finally {
      await app.close();
    }
  });

  test("switching to Korean changes the nav labels and html[lang], and saves the language", async () => {
    const app = await openApp(env.browser, env.vite.url, signedIn());
    try {
      await app.page.getByTestId("nav-overview").waitFor();
      assert.equal(await app.page.evaluate(() => document.documentElement.lang), "en");
      assert.equal(await app.page.getByTestId("nav-overview").textContent(), "Overview");
      await app.page.getByTestId("lang-ko").click();
      await app.page.waitForFunction(() => document.documentElement.lang === "ko");
      const labels = {
        overview: "개요",
        users: "사용자",
        mfa: "MFA",
        approvals: "승인",
        keys: "키 관리예정",
        ceremony: "키 세레모니예정",
        records: "레코드예정",
        audit: "감사 로그예정",
        threats: "위협",
        privacy: "개인정보 요청예정",
        settings: "설정",
        connections: "연결",
      };
      for (const [id, text] of Object.entries(labels)) {
        assert.equal(await app.page.getByTestId(`nav-${id}`).textContent(), text, `nav-${id} in Korean`);
      }
      assert.equal(await app.page.getByTestId("session-role").textContent(), "보안 담당자");
      assert.equal(await app.page.getByTestId("signout").textContent(), "로그아웃");
      const saves = await app.calls("settings_save");
      assert.equal(saves.at(-1).args.settings.language, "ko", "the choice is persisted through settings_save");
      await app.page.getByTestId("lang-en").click();
      await app.page.waitForFunction(() => document.documentElement.lang === "en");
      assert.equal(await app.page.getByTestId("nav-overview").textContent(), "Overview");
    } finally {
      await app.close();
    }
  });

  test("a Korean OS locale gives Korean when the settings name no language", async () => {
    const s = signedIn();
    s.appInfo.os_locale = "ko_KR.UTF-8";
    delete s.appInfo.settings.language;
    const app = await openApp(env.browser, env.vite.url, s);
    try {
      await app.page.getByTestId("nav-overview").waitFor();
      assert.equal(await app.page.evaluate(() => document.documentElement.lang), "ko");
      assert.equal(await app.page.getByTestId("nav-overview").textContent(), "개요");
    } finally {
      await app.close();
    }
  });

  test("settings.language wins over the OS locale", async () => {
    const s = signedIn();
    s.appInfo.os_locale = "ko-KR";
    s.appInfo.settings.language = "en";
    const app = await openApp(env.browser, env.vite.url, s);
    try {
      await app.page.getByTestId("nav-overview").waitFor();
      assert.equal(await app.page.evaluate(() => document.documentElement.lang), "en");
    } finally {
      await app.close();
    }
  });

  test("sign out calls sign_out and returns to the sign-in screen", async () => {
    const app = await openApp(env.browser, env.vite.url, signedIn());
    try {
      await app.page.getByTestId("signout").click();
      await app.page.getByTestId("signin-email").waitFor();
      assert.equal((await app.calls("sign_out")).length, 1);
      assert.equal(await app.page.getByTestId("session-email").count(), 0);
    } finally {
      await app.close();
    }
  });
});

describe("session", () => {
  test("session_expired on the 30 s poll shows the lock screen with the lock minutes and the email prefilled", async () => {
    const app = await openApp(env.browser, env.vite.url, signedIn({}, { ...OFFICER, lock_after_minutes: 7 }), {
      clock: new Date("2026-11-24T01:00:00Z"),
    });
    try {
      await app.page.getByTestId("ov-users-total").waitFor();
      await app.set((s) => (s.sessionError = { code: "session_expired", message: "Locked.", incident: null }));
      await app.page.clock.runFor(31_000);
      const lock = app.page.getByTestId("lock-screen");
      await lock.waitFor();
      assert.match(await lock.textContent(), /locked after 7 minutes of inactivity/);
      assert.equal(await app.page.getByTestId("signin-email").inputValue(), OFFICER.email);
      assert.equal(await app.page.getByTestId("ov-users-total").count(), 0, "no figures stay behind the lock");
      // Signing in again unlocks.
      await app.set((s) => (s.sessionError = null));
      await app.page.getByTestId("signin-password").fill("pw");
      await app.page.getByTestId("signin-totp").fill("000111");
      await app.page.getByTestId("signin-submit").click();
      await app.page.getByTestId("ov-users-total").waitFor();
      assert.equal((await app.calls("sign_in")).at(-1).args.input.email, OFFICER.email);
    } finally {
      await app.close();
    }
  });

  test("a page that gets session_expired locks the console at once", async () => {
    const s = signedIn();
    s.failures.overview = { code: "session_expired", message: "Locked.", incident: null };
    const app = await openApp(env.browser, env.vite.url, s);
    try {
      await app.page.getByTestId("lock-screen").waitFor();
    } finally {
      await app.close();
    }
  });

  test("user input calls activity() at most once per 30 s", async () => {
    const app = await openApp(env.browser, env.vite.url, signedIn(), { clock: new Date("2026-11-24T01:00:00Z") });
    try {
      await app.page.getByTestId("ov-users-total").waitFor();
      for (let i = 0; i < 5; i++) {
        await app.page.mouse.move(100 + i * 10, 300);
        await app.page.keyboard.press("Shift");
      }
      assert.equal((await app.calls("activity")).length, 1, "a burst of input is one ping");
      await app.page.clock.runFor(31_000);
      await app.page.mouse.move(400, 400);
      assert.equal((await app.calls("activity")).length, 2, "the next input after 30 s pings again");
    } finally {
      await app.close();
    }
  });

  test("no activity() is sent before sign-in", async () => {
    const app = await openApp(env.browser, env.vite.url, scenario());
    try {
      await app.page.getByTestId("signin-email").click();
      await app.page.keyboard.type("a");
      assert.equal((await app.calls("activity")).length, 0);
    } finally {
      await app.close();
    }
  });
});

describe("settings", () => {
  test("settings save sends language, zone, theme and lock minutes, and the theme applies", async () => {
    const app = await openApp(env.browser, env.vite.url, signedIn());
    try {
      await app.page.goto(`${env.vite.url}#/settings`);
      await app.page.getByTestId("settings-save").waitFor();
      assert.equal(await app.page.evaluate(() => document.documentElement.dataset.theme), "dark");
      await app.page.getByTestId("settings-language").selectOption("ko");
      await app.page.getByTestId("settings-timezone").selectOption("America/New_York");
      await app.page.getByTestId("settings-theme").selectOption("light");
      await app.page.getByTestId("settings-lock-minutes").fill("30");
      await app.page.getByTestId("settings-save").click();
      await app.page.waitForFunction(() => document.documentElement.dataset.theme === "light");
      const [save] = await app.calls("settings_save");
      assert.deepEqual(save.args, {
        settings: { language: "ko", time_zone: "America/New_York", theme: "light", lock_after_minutes: 30 },
      });
      assert.equal(await app.page.evaluate(() => document.documentElement.lang), "ko");
      await app.page.getByTestId("settings-saved").waitFor();
    } finally {
      await app.close();
    }
  });

  test("a free-text zone is checked with Intl, and lock minutes must be 1 to 120", async () => {
    const app = await openApp(env.browser, env.vite.url, signedIn());
    try {
      await app.page.goto(`${env.vite.url}#/settings`);
      await app.page.getByTestId("settings-timezone").selectOption("__other__");
      await app.page.getByTestId("settings-timezone-other").fill("Mars/Olympus_Mons");
      assert.equal(await app.page.getByTestId("settings-save").isDisabled(), true, "unknown zone refused");
      await app.page.getByText("Not a time zone this system knows").waitFor();
      await app.page.getByTestId("settings-timezone-other").fill("Europe/Paris");
      assert.equal(await app.page.getByTestId("settings-save").isEnabled(), true, "a real IANA zone is accepted");
      for (const bad of ["0", "121", "2.5", ""]) {
        await app.page.getByTestId("settings-lock-minutes").fill(bad);
        assert.equal(await app.page.getByTestId("settings-save").isDisabled(), true, `lock minutes ${JSON.stringify(bad)} refused`);
      }
      await app.page.getByTestId("settings-lock-minutes").fill("120");
      await app.page.getByTestId("settings-save").click();
      await app.page.getByTestId("settings-saved").waitFor();
      const [save] = await app.calls("settings_save");
      assert.equal(save.args.settings.time_zone, "Europe/Paris");
      assert.equal(save.args.settings.lock_after_minutes, 120);
    } finally {
      await app.close();
    }
  });

  test("theme 'system' follows prefers-color-scheme", async () => {
    const s = signedIn();
    s.appInfo.settings.theme = "system";
    const app = await openApp(env.browser, env.vite.url, s, { colorScheme: "light" });
    try {
      await app.page.getByTestId("nav-overview").waitFor();
      assert.equal(await app.page.evaluate(() => document.documentElement.dataset.theme), "light");
      await app.page.emulateMedia({ colorScheme: "dark" });
      await app.page.waitForFunction(() => document.documentElement.dataset.theme === "dark");
    } finally {
      await app.close();
    }
  });
});

describe("without a bridge", () => {
  test("in development the app waits for a mock announced after load (rampart:mock-ready)", async () => {
    const app = await openApp(env.browser, env.vite.url, null, { mock: false });
    try {
      await app.page.getByTestId("no-bridge").waitFor();
      await app.page.evaluate(async (sc) => {
        const { mockIPC } = await import("/node_modules/@tauri-apps/api/mocks.js");
        mockIPC((cmd) => {
          if (cmd === "app_info") return sc.appInfo;
          if (cmd === "profiles_list") return sc.profiles;
          if (cmd === "connect") return sc.connections.local;
          return null;
        });
        window.dispatchEvent(new Event("rampart:mock-ready"));
      }, scenario());
      await app.page.getByTestId("signin-email").waitFor();
    } finally {
      await app.close();
    }
  });
});
