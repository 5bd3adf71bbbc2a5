// The Threats page (locks and blocks, issue 4 item 7) over the fake IPC backend's ACCESS
// snapshot: a lock opens to the login-failure burst that caused it; a block says who set it on
// evidence (console / service / unknown origin); a lock or block without TTL says "no expiry",
// never "0 s"; an unreadable rate-limit counter is a row with a warning naming the key and the
// reason, as is an unreadable reputation key. Screenshots in English and Korean, for review.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, statSync } from "node:fs";
import { ACCESS, AUDITOR, LOCAL_PROFILE, OFFICER, connectionFor, scenario } from "./fake-backend.mjs";
import { artifactPath, openApp, suite } from "./harness.mjs";

const env = suite(before, after);

function signedIn(language, { session = OFFICER, theme = "dark", access = ACCESS } = {}) {
  const s = scenario({ session, connection: connectionFor(LOCAL_PROFILE), access });
  s.appInfo.settings.language = language;
  s.appInfo.settings.theme = theme;
  return s;
}

async function openThreats(language, options = {}, viewport) {
  const app = await openApp(env.browser, env.vite.url, signedIn(language, options), viewport ? { viewport } : {});
  await app.page.getByTestId("nav-threats").click();
  await app.page.getByTestId("lock-user_b2").waitFor();
  return app;
}

const [LOCK] = ACCESS.account_locks;
const [SERVICE_BLOCK] = ACCESS.ip_blocks;

describe("threats: causes, origin, expiry, unreadable keys", () => {
  test("a lock opens to the events that caused it: each failed sign-in and the lockout", async () => {
    const app = await openThreats("en");
    try {
      const p = app.page;
      const toggle = p.getByTestId("lock-causes-toggle-user_b2");
      assert.equal(await toggle.getAttribute("aria-expanded"), "false");
      assert.match(await toggle.innerText(), /5 failed sign-ins/, "the failure count is on the row");
      assert.equal(await p.getByTestId("lock-causes-user_b2").count(), 0, "closed until asked");
      await toggle.click();
      const list = p.getByTestId("lock-causes-user_b2");
      await list.waitFor();
      assert.equal(await toggle.getAttribute("aria-expanded"), "true");
      assert.equal(await list.getAttribute("data-value"), String(LOCK.causes.length));
      const rows = list.locator("tbody tr");
      assert.equal(await rows.count(), LOCK.causes.length, "one row per causing event");
      const lockout = await list.getByTestId(`cause-${LOCK.causes[0].event_id}`).innerText();
      assert.match(lockout, /Lockout after 5 failures/);
      assert.match(lockout, /203\.0\.113\.7/);
      const last = LOCK.causes.at(-1);
      const failure = await list.getByTestId(`cause-${last.event_id}`).innerText();
      assert.match(failure, /Sign-in failed/);
      assert.match(failure, /python-requests\/2\.31\.0/, "the user agent the service logged");
      // 2026-11-24T00:56:40 UTC in the operator's zone (Asia/Seoul), not the machine's.
      assert.match(failure, /2026-11-24 09:56:40/);
      // A lock whose events aged out says so instead of an empty list.
      await p.getByTestId("lock-causes-toggle-user_9x77").click();
      assert.match(await p.getByTestId("lock-causes-user_9x77").innerText(), /No causing event is on record/);
      // Still open after the page's own refresh.
      await p.getByTestId("access-refresh").click();
      await p.waitForFunction(() => window.__fake.calls.filter((c) => c.cmd === "access_snapshot").length >= 2);
      await list.waitFor();
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test("a block's events name the accounts tried from that address", async () => {
    const app = await openThreats("en");
    try {
      const p = app.page;
      await p.getByTestId(`block-causes-toggle-${SERVICE_BLOCK.ip}`).click();
      const list = p.getByTestId(`block-causes-${SERVICE_BLOCK.ip}`);
      await list.waitFor();
      const text = await list.innerText();
      assert.match(text, /seoyeon\.lee@example\.test/);
      assert.match(text, /minjun\.kim@example\.test/);
      assert.match(text, /Blocked until/);
    } finally {
      await app.close();
    }
  });

  for (const [language, words] of [
    ["en", { console: "Console", service: "Service", unknown: "Unknown origin", noExpiry: "no expiry" }],
    ["ko", { console: "콘솔", service: "서비스", unknown: "출처 불명", noExpiry: "만료 없음" }],
  ]) {
    test(`origin labels come from the evidence, and no TTL reads "${words.noExpiry}" (${language})`, async () => {
      const app = await openThreats(language);
      try {
        const p = app.page;
        for (const b of ACCESS.ip_blocks) {
          const badge = p.getByTestId(`block-origin-${b.ip}`);
          assert.equal(await badge.getAttribute("data-value"), b.origin, b.ip);
          assert.equal((await badge.innerText()).trim(), words[b.origin], `${b.ip} is labelled ${b.origin}`);
          assert.ok((await badge.getAttribute("title")).length > 20, "the label explains its evidence");
        }
        const left = p.getByTestId("block-left-198.51.100.23");
        assert.equal(await left.getAttribute("data-value"), "none");
        assert.equal((await left.innerText()).trim(), words.noExpiry);
        assert.doesNotMatch(await p.getByTestId("block-198.51.100.23").innerText(), /\b0 s\b|0초|expired|만료됨/);
        assert.ok(Number(await p.getByTestId("block-left-203.0.113.7").getAttribute("data-value")) > 0, "a TTL still counts down");
      } finally {
        await app.close();
      }
    });
  }

  test("an unreadable counter is a row naming the key and why; an unreadable reputation too", async () => {
    const app = await openThreats("en");
    try {
      const p = app.page;
      const banner = p.getByTestId("rl-unreadable");
      assert.equal(await banner.getAttribute("data-value"), "1");
      assert.match(await banner.innerText(), /1 counter cannot be read/);
      assert.match(await p.getByTestId("rl-auth-192.0.2.13").innerText(), /unreadable/);
      const warning = await p.getByTestId("rl-unreadable-auth-192.0.2.13").innerText();
      assert.match(warning, /rate_limit:auth:192\.0\.2\.13/);
      assert.match(warning, /`ten` is not an integer/);
      const rep = await p.getByTestId("unreadable-key-ip_reputation:192.0.2.8").innerText();
      assert.match(rep, /`high` is not a float/);
      assert.deepEqual(app.problems, []);
    } finally {
      await app.close();
    }
  });

  test("an auditor reads causes and origins but gets no unlock or unblock", async () => {
    const app = await openThreats("en", { session: AUDITOR });
    try {
      const p = app.page;
      assert.equal(await p.locator('[data-testid^="unlock-"], [data-testid^="unblock-"], [data-testid="access-block-ip"]').count(), 0);
      await p.getByTestId("lock-causes-toggle-user_b2").click();
      await p.getByTestId("lock-causes-user_b2").waitFor();
    } finally {
      await app.close();
    }
  });

  test("unblock sends the reason and the row goes", async () => {
    const app = await openThreats("en");
    try {
      const p = app.page;
      await p.getByTestId("unblock-2001:db8:bad::1").click();
      await p.getByTestId("reason-text").fill("test block from the drill, ticket SEC-204");
      await p.getByTestId("reason-confirm").click();
      await p.waitForFunction(() => !document.querySelector('[data-testid="block-2001:db8:bad::1"]'));
      const [call] = await app.calls("ip_unblock");
      assert.deepEqual(call.args, { ip: "2001:db8:bad::1", reason: "test block from the drill, ticket SEC-204" });
    } finally {
      await app.close();
    }
  });
});

describe("threats screenshots", () => {
  for (const language of ["en", "ko"]) {
    for (const theme of ["dark", "light"]) {
      test(`causes open, origins, unreadable keys: ${theme}, ${language}`, async () => {
        const app = await openThreats(language, { theme }, { width: 1440, height: 1700 });
        try {
          const p = app.page;
          await p.getByTestId("lock-causes-toggle-user_b2").click();
          await p.getByTestId(`block-causes-toggle-${SERVICE_BLOCK.ip}`).click();
          await p.getByTestId(`block-causes-${SERVICE_BLOCK.ip}`).waitFor();
          await p.evaluate(() => document.fonts.ready);
          await p.waitForTimeout(200);
          const path = artifactPath(`threats-${theme}-${language}.png`);
          await p.screenshot({ path, fullPage: true });
          assert.ok(existsSync(path) && statSync(path).size > 10_000, `${path} written`);
        } finally {
          await app.close();
        }
      });
    }
  }
});
