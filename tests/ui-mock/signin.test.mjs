// Sign-in screen, first run and start-up, against the fake backend.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { AUDITOR, LOCAL_PROFILE, connectionFor, scenario } from "./fake-backend.mjs";
import { openApp, signIn, suite } from "./harness.mjs";

const env = suite(before, after);

// What each refusal must say. The UI switches on the code; these are the sentences it owes
// the operator. Wrong email, password and code deliberately share one sentence.
const SIGN_IN_ERRORS = [
  {
    code: "unauthenticated",
    en: "The email, password or authenticator code is not correct.",
    ko: "이메일, 비밀번호 또는 인증 코드가 올바르지 않습니다.",
  },
  {
    code: "mfa_required",
    en: "This account has no MFA enrolled, so it cannot sign in to the console. Enrol an authenticator in the service first.",
    ko: "이 계정은 MFA가 등록되어 있지 않아 콘솔에 로그인할 수 없습니다. 먼저 서비스에서 인증 앱을 등록하세요.",
  },
  {
    code: "forbidden",
    en: "This account has no console role. Ask a console administrator to grant one.",
    ko: "이 계정에는 콘솔 역할이 없습니다. 콘솔 관리자에게 역할 부여를 요청하세요.",
  },
  {
    code: "throttled",
    en: "Too many sign-in attempts. Wait a minute, then try again.",
    ko: "로그인 시도가 너무 많습니다. 1분 후에 다시 시도하세요.",
  },
  {
    code: "locked",
    en: "This account is locked after repeated failures. A security officer can unlock it.",
    ko: "반복된 실패로 이 계정이 잠겼습니다. 보안 담당자가 잠금을 해제할 수 있습니다.",
  },
  {
    code: "unavailable",
    en: "The store cannot be reached right now. Check the connection profile and try again.",
    ko: "지금은 저장소에 연결할 수 없습니다. 연결 프로필을 확인한 뒤 다시 시도하세요.",
  },
  {
    // The store's own ACL, not the console role: its own sentence, never "no console role".
    code: "store_denied",
    en: "The store's account may not write, so this read-write profile cannot record sign-ins. Mark the profile read-only, or give the account write rights.",
    ko: "저장소 계정에 쓰기 권한이 없어 이 읽기·쓰기 프로필로는 로그인을 기록할 수 없습니다. 프로필을 읽기 전용으로 바꾸거나 계정에 쓰기 권한을 주세요.",
  },
];

describe("sign-in", () => {
  for (const language of ["en", "ko"]) {
    test(`each refused sign-in shows the sentence for its error code (${language})`, async () => {
      const s = scenario();
      s.appInfo.settings.language = language;
      const app = await openApp(env.browser, env.vite.url, s);
      try {
        for (const c of SIGN_IN_ERRORS) {
          await app.set((st, code) => (st.signInError = { code, message: `backend text for ${code}`, incident: "inc-42" }), c.code);
          await signIn(app.page);
          const error = app.page.getByTestId("signin-error");
          await error.waitFor();
          assert.equal(await error.textContent(), c[language], `code ${c.code} in ${language} must map to its own sentence`);
        }
        // An incident id is shown beside the sentence so the log entry can be found.
        assert.match(await app.page.locator(".signin-form .banner").textContent(), /inc-42/);
        assert.deepEqual(app.problems, []);
      } finally {
        await app.close();
      }
    });
  }

  test("a code the sign-in screen has no sentence for shows the backend's sentence", async () => {
    const app = await openApp(
      env.browser,
      env.vite.url,
      scenario({ signInError: { code: "keychain", message: "The OS keychain refused access.", incident: null } }),
    );
    try {
      await signIn(app.page);
      await app.page.getByTestId("signin-error").waitFor();
      assert.equal(await app.page.getByTestId("signin-error").textContent(), "The OS keychain refused access.");
    } finally {
      await app.close();
    }
  });

  test("password and code fields are emptied on submit, whatever the outcome", async () => {
    const app = await openApp(
      env.browser,
      env.vite.url,
      scenario({ signInError: { code: "unauthenticated", message: "x", incident: null } }),
    );
    try {
      await signIn(app.page, { email: "officer@rampart.test", password: "S3cret-pass", totp: "654321" });
      await app.page.getByTestId("signin-error").waitFor();
      assert.equal(await app.page.getByTestId("signin-password").inputValue(), "", "password must not stay in the form");
      assert.equal(await app.page.getByTestId("signin-totp").inputValue(), "", "TOTP code must not stay in the form");
      assert.equal(await app.page.getByTestId("signin-email").inputValue(), "officer@rampart.test", "email is kept for a retry");
      const [call] = await app.calls("sign_in");
      assert.deepEqual(call.args, { input: { email: "officer@rampart.test", password: "S3cret-pass", totp: "654321" } });
    } finally {
      await app.close();
    }
  });

  test("a code that is not 6 digits is refused before anything is sent", async () => {
    const app = await openApp(env.browser, env.vite.url, scenario());
    try {
      await signIn(app.page, { totp: "12345" });
      await app.page.getByText("Enter the 6-digit code from your authenticator app.").waitFor();
      assert.equal((await app.calls("sign_in")).length, 0, "sign_in must not be called with a malformed code");
    } finally {
      await app.close();
    }
  });

  test("a successful sign-in lands on the overview with the operator in the top bar", async () => {
    const app = await openApp(env.browser, env.vite.url, scenario({ signInSession: AUDITOR }));
    try {
      await signIn(app.page, { email: AUDITOR.email });
      await app.page.getByTestId("ov-users-total").waitFor();
      assert.equal(await app.page.getByTestId("session-email").textContent(), AUDITOR.email);
      assert.equal(await app.page.getByTestId("session-role").textContent(), "Auditor");
      assert.equal(await app.page.getByTestId("session-role").getAttribute("data-value"), "auditor");
    } finally {
      await app.close();
    }
  });
});

describe("start-up and profiles", () => {
  test("with no connection the default profile is connected, and ui_ready is sent once after the first screen", async () => {
    const app = await openApp(env.browser, env.vite.url, scenario());
    try {
      await app.page.getByTestId("connection-summary").waitFor();
      const calls = (await app.calls()).map((c) => c.cmd);
      assert.equal(calls[0], "app_info", "app_info comes first");
      const connects = await app.calls("connect");
      assert.deepEqual(connects.map((c) => c.args), [{ profile: "local" }], "connects to the is_default profile");
      await app.page.waitForTimeout(100);
      assert.equal((await app.calls("ui_ready")).length, 1, "ui_ready exactly once");
    } finally {
      await app.close();
    }
  });

  test("choosing another profile calls connect with it and shows the read-only badge", async () => {
    const app = await openApp(env.browser, env.vite.url, scenario());
    try {
      await app.page.getByTestId("connection-summary").waitFor();
      assert.equal(await app.page.getByTestId("readonly-badge").count(), 0, "local is writable");
      await app.page.getByTestId("profile-select").selectOption("prod-ro");
      await app.page.getByTestId("readonly-badge").waitFor();
      const connects = await app.calls("connect");
      assert.deepEqual(connects.at(-1).args, { profile: "prod-ro" });
      assert.match(await app.page.getByTestId("connection-summary").textContent(), /rediss:\/\/redis\.internal:6380/);
    } finally {
      await app.close();
    }
  });

  test("a failed connect shows the sentence and incident, and keeps the profile selector usable", async () => {
    const s = scenario();
    s.failures.connect = { code: "unavailable", message: "Redis at redis.internal:6380 did not answer.", incident: "c0ffee12" };
    const app = await openApp(env.browser, env.vite.url, s);
    try {
      const banner = app.page.getByTestId("error-banner");
      await banner.waitFor();
      assert.match(await banner.textContent(), /Redis at redis\.internal:6380 did not answer\./);
      assert.match(await banner.textContent(), /c0ffee12/);
      assert.equal(await app.page.getByTestId("profile-select").isEnabled(), true);
      assert.equal(await app.page.getByTestId("profile-select").inputValue(), "local", "the selector still names the profile that failed");
      assert.equal(await app.page.getByTestId("signin-submit").isDisabled(), true, "no sign-in without a connection");
    } finally {
      await app.close();
    }
  });

  test("a corrupt config file is reported with what to do", async () => {
    const s = scenario();
    s.appInfo.config_error = { code: "config", message: "config.toml line 3: expected a string.", incident: "cfg-7" };
    const app = await openApp(env.browser, env.vite.url, s);
    try {
      const banner = app.page.getByTestId("config-error");
      await banner.waitFor();
      const text = await banner.textContent();
      assert.match(text, /config\.toml line 3: expected a string\./);
      assert.match(text, /\/root\/\.config\/rampart/, "names the folder to fix");
      assert.match(text, /cfg-7/);
    } finally {
      await app.close();
    }
  });

  for (const [language, sentence] of [
    ["en", "The OS keychain (secret-service) is not available, so connection secrets cannot be stored or read."],
    ["ko", "OS 키체인(secret-service)을 사용할 수 없어 연결 비밀 정보를 저장하거나 읽을 수 없습니다."],
  ]) {
    test(`a locked or absent keychain is named, and a profile without secrets still signs in (${language})`, async () => {
      const s = scenario();
      s.appInfo.settings.language = language;
      s.appInfo.keychain = {
        available: false,
        backend: "secret-service",
        error: { code: "keychain", message: "The collection is locked.", incident: null },
      };
      const app = await openApp(env.browser, env.vite.url, s);
      try {
        const banner = app.page.getByTestId("keychain-warning");
        await banner.waitFor();
        assert.equal(await banner.textContent(), `${sentence} The collection is locked.`);
        await signIn(app.page);
        await app.page.getByTestId("session-email").waitFor();
        assert.deepEqual(app.problems, []);
      } finally {
        await app.close();
      }
    });
  }

  test("a live session (webview reload) goes straight to the console", async () => {
    const s = scenario({ session: AUDITOR, connection: connectionFor(LOCAL_PROFILE) });
    const app = await openApp(env.browser, env.vite.url, s);
    try {
      await app.page.getByTestId("session-email").waitFor();
      assert.equal(await app.page.getByTestId("signin-email").count(), 0);
    } finally {
      await app.close();
    }
  });
});

describe("first run", () => {
  test("an empty embedded store offers demo data, shows progress with phase text, then the demo operators", async () => {
    const s = scenario();
    s.connections.local = { ...s.connections.local, demo_available: true, operators_configured: false, user_count: 0 };
    s.demo.stepMs = 250;
    const app = await openApp(env.browser, env.vite.url, s);
    try {
      await app.page.getByTestId("demo-offer").waitFor();
      await app.page.getByTestId("demo-seed-button").click();
      const progress = app.page.getByTestId("demo-progress");
      await progress.waitFor();
      await app.page.waitForFunction(() => document.querySelector('[data-testid="demo-progress"]')?.dataset.phase === "keyspace");
      assert.match(await progress.textContent(), /Writing users, MFA and keys/);
      await app.page.waitForFunction(() => document.querySelector('[data-testid="demo-progress"]')?.dataset.phase === "events");
      assert.match(await progress.textContent(), /Writing audit events/);
      assert.match(await progress.textContent(), /250,000 \/ 1,000,000 · 25\.0%/, "done/total and percentage");
      assert.equal(await progress.getByRole("progressbar").getAttribute("aria-valuenow"), "25");

      const report = app.page.getByTestId("demo-report");
      await report.waitFor();
      const text = await report.textContent();
      for (const email of ["officer@demo.rampart.test", "auditor@demo.rampart.test", "custodian@demo.rampart.test", "admin@demo.rampart.test"]) {
        assert.match(text, new RegExp(email.replaceAll(".", "\\.")), `lists ${email}`);
      }
      assert.match(text, /README/, "points to the README for passwords and TOTP secrets");
      assert.equal(await app.page.getByTestId("demo-offer").count(), 0, "offer gone once the store is filled");
      // The store is reconnected so the sign-in screen sees the new state.
      assert.equal((await app.calls("connect")).length, 2);
      await app.page.getByText("officer@demo.rampart.test").click();
      assert.equal(await app.page.getByTestId("signin-email").inputValue(), "officer@demo.rampart.test");
    } finally {
      await app.close();
    }
  });
});
