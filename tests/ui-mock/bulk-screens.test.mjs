// Screenshots for review (kept as artifacts) of the users page's bulk actions — the toolbar over
// a filter selection, the reason dialog, the dry run, the per-item results with a failure, a
// promotion to admin as approval requests, the interrupted-batch list — in dark and light,
// English and Korean; plus the MFA page at 1024×768, 1280×800 and 1600×900 (asserting nothing
// overflows sideways) and the Threats page with a counter without TTL.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, statSync } from "node:fs";
import { LOCAL_PROFILE, OFFICER, USERS, connectionFor, manyUsers, scenario } from "./fake-backend.mjs";
import { artifactPath, openApp, suite } from "./harness.mjs";

const env = suite(before, after);

async function shoot(page, name) {
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(200);
  const path = artifactPath(`${name}.png`);
  await page.screenshot({ path });
  assert.ok(existsSync(path) && statSync(path).size > 10_000, `${path} written`);
  return path;
}

function signedIn(language, theme, extra = {}) {
  const s = scenario({ session: OFFICER, connection: connectionFor(LOCAL_PROFILE), ...extra });
  s.appInfo.settings.language = language;
  s.appInfo.settings.theme = theme;
  return s;
}

/** Horizontal overflow of the page and of every panel: what sticks out past its box. */
const overflow = (page) =>
  page.evaluate(() => {
    const out = [];
    const doc = document.scrollingElement;
    if (doc.scrollWidth > doc.clientWidth) out.push(`document ${doc.scrollWidth} > ${doc.clientWidth}`);
    for (const el of document.querySelectorAll(".page, .panel, .table-wrap")) {
      if (el.scrollWidth > el.clientWidth + 1) out.push(`${el.className} ${el.scrollWidth} > ${el.clientWidth}`);
    }
    return out;
  });

const MFA = {
  roles: [
    { role: "admin", total: 142_857, enabled: 114_286 },
    { role: "premium_user", total: 285_714, enabled: 95_238 },
    { role: "basic_user", total: 428_572, enabled: 142_857 },
    { role: "guest", total: 142_857, enabled: 47_619 },
  ],
  admins_without_mfa: [
    { user_id: "u0000006", email: "doyun.0000006@example.test", username: "doyun6", is_active: true, reason: "mfa_off" },
    { user_id: "u0000035", email: "kr.0000035@example.test", username: "민준35", is_active: true, reason: "mfa_off" },
    { user_id: "u0000076", email: "seoyeon.lee.operations@example.test", username: "서연76", is_active: false, reason: "flag_on_but_no_record" },
    { user_id: "u0000090", email: "jiho.0000090@example.test", username: "jiho90", is_active: true, reason: "record_unreadable: secret_key is not base32" },
  ],
  unreadable: 3,
};

describe("bulk action screenshots", () => {
  for (const theme of ["dark", "light"]) {
    for (const language of ["en", "ko"]) {
      const tag = `${theme}-${language}`;
      test(`users page bulk flow, ${tag}`, async () => {
        const users = [...USERS, ...manyUsers(180)];
        const guests = users.filter((u) => u.role === "guest" && u.is_active);
        const app = await openApp(
          env.browser,
          env.vite.url,
          signedIn(language, theme, { users, sessionsOf: Object.fromEntries(users.map((u, i) => [u.id, i % 3])), bulkFail: { [guests[3].id]: "conflict: user:" + guests[3].id + " changed 20 times while it was written; try again" }, bulkItemMs: 10 }),
          { viewport: { width: 1280, height: 800 } },
        );
        try {
          const p = app.page;
          await p.getByTestId("nav-users").click();
          await p.locator(`[data-testid="users-total"][data-value="${users.length}"]`).waitFor();
          await p.getByTestId("users-filter-role").selectOption("guest");
          await p.waitForFunction(() => document.querySelector('[data-testid="users-total"]').dataset.value !== String(184));
          await p.getByTestId("users-table-select-all").click();
          await p.locator('[data-testid="users-table"] .vt-layer [data-index="1"] input').click();
          await p.getByTestId("users-selection").waitFor();
          assert.deepEqual(await overflow(p), [], "the toolbar fits");
          await shoot(p, `bulk-toolbar-${tag}`);

          await p.getByTestId("users-bulk-deactivate").click();
          await p.getByTestId("reason-text").fill(language === "ko" ? "계약 종료된 외주 계정 정리 (TICKET-5521)" : "Contractor accounts closed (TICKET-5521)");
          await shoot(p, `bulk-reason-${tag}`);
          await p.getByTestId("reason-confirm").click();
          await p.getByTestId("bulk-panel").waitFor();
          await shoot(p, `bulk-preview-${tag}`);
          await p.getByTestId("batch-execute").click();
          await p.locator('[data-testid="bulk-batch"][data-phase="done"]').waitFor({ timeout: 30_000 });
          // Scroll the item table to the failed row so the error sentence is in the picture.
          await p.evaluate(() => {
            const fail = document.querySelector('[data-testid="batch-table"] .batch-fail');
            fail?.scrollIntoView({ block: "center" });
          });
          assert.deepEqual(await overflow(p), [], "the results fit");
          await shoot(p, `bulk-results-${tag}`);
          await p.getByTestId("batch-close").click();

          // A promotion to admin over picked rows: approval requests, nobody promoted.
          await p.getByTestId("users-filter-role").selectOption("");
          await p.locator('[data-testid="users-table"] .vt-layer [data-index="2"] input').click();
          await p.locator('[data-testid="users-table"] .vt-layer [data-index="6"] input').click({ modifiers: ["Shift"] });
          await p.getByTestId("users-bulk-change_role").click();
          await p.getByTestId("role-admin").check();
          await p.getByTestId("role-reason").fill(language === "ko" ? "트레이딩 데스크 당직 관리자 추가" : "On-call rotation for the trading desk");
          await p.getByTestId("role-submit").click();
          await p.getByTestId("bulk-panel").waitFor();
          await shoot(p, `bulk-promote-preview-${tag}`);
          await p.getByTestId("batch-close").click();

          // An interrupted batch, listed with Resume.
          await app.set((s) => {
            s.bulkItemMs = 150;
          });
          // The picked rows are still selected (the promotion was not run): clear, then all.
          await p.getByTestId("users-select-clear").click();
          await p.getByTestId("users-table-select-all").click();
          await p.getByTestId("users-bulk-revoke_sessions").click();
          await p.getByTestId("reason-text").fill(language === "ko" ? "CI 로그에 토큰 노출 (INC-3302)" : "Token leak in CI logs (INC-3302)");
          await p.getByTestId("reason-confirm").click();
          await p.getByTestId("batch-execute").click();
          await p.waitForFunction(() => Number(document.querySelector('[data-testid="batch-ok"]')?.dataset.value ?? 0) + Number(document.querySelector('[data-testid="batch-skipped"]')?.dataset.value ?? 0) >= 4);
          await p.getByTestId("batch-cancel").click();
          await p.locator('[data-testid="bulk-batch"][data-phase="interrupted"]').waitFor();
          await shoot(p, `bulk-interrupted-${tag}`);
          await p.getByTestId("batch-close").click();
          await p.getByTestId("bulk-unfinished").waitFor();
          await shoot(p, `bulk-unfinished-${tag}`);
          assert.deepEqual(app.problems, []);
        } finally {
          await app.close();
        }
      });
    }
  }
});

describe("MFA page fits", () => {
  for (const [width, height] of [
    [1024, 768],
    [1280, 800],
    [1600, 900],
  ]) {
    for (const language of ["en", "ko"]) {
      test(`MFA coverage at ${width}×${height}, ${language}`, async () => {
        const app = await openApp(env.browser, env.vite.url, signedIn(language, "dark", { mfaCoverage: MFA }), { viewport: { width, height } });
        try {
          const p = app.page;
          await p.getByTestId("nav-mfa").click();
          await p.getByTestId("coverage-admin").waitFor();
          await p.getByTestId("mfa-gaps").waitFor();
          await shoot(p, `mfa-${width}x${height}-${language}`);
          assert.deepEqual(await overflow(p), [], `nothing overflows sideways at ${width}×${height}`);
        } finally {
          await app.close();
        }
      });
    }
  }
});

describe("threats screenshot", () => {
  for (const language of ["en", "ko"]) {
    test(`a counter without TTL, ${language}`, async () => {
      const access = {
        account_locks: [],
        ip_blocks: [],
        rate_limits: [
          { endpoint_type: "auth", ip: "192.0.2.99", count: 10, limit: 10, ttl_seconds: null, unreadable: null },
          { endpoint_type: "auth", ip: "203.0.113.7", count: 10, limit: 10, ttl_seconds: 41, unreadable: null },
          { endpoint_type: "default", ip: "198.51.100.20", count: 37, limit: 100, ttl_seconds: 12, unreadable: null },
        ],
        low_reputations: [],
        unreadable_keys: [],
      };
      const app = await openApp(env.browser, env.vite.url, signedIn(language, "light", { access }), { viewport: { width: 1280, height: 800 } });
      try {
        const p = app.page;
        await p.getByTestId("nav-threats").click();
        await p.getByTestId("rl-no-ttl").waitFor();
        await p.getByTestId("rl-no-ttl").scrollIntoViewIfNeeded();
        await shoot(p, `threats-no-ttl-light-${language}`);
      } finally {
        await app.close();
      }
    });
  }
});
