// Screenshots of the identity pages of part 2 for review (kept as artifacts): create user with
// the password checklist, role change with the four-eyes note, approvals, dormant batch, MFA
// coverage and enrolment, API keys and sessions in the user detail — dark and light, English
// and Korean.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, statSync } from "node:fs";
import QRCode from "qrcode";
import { artifactPath, launchChromium, openApp, startVite } from "./harness.mjs";

const env = {};
before(async () => {
  env.vite = await startVite({ config: "vite.harness.config.ts" });
  env.browser = await launchChromium();
});
after(async () => {
  await env.browser?.close();
  await env.vite?.stop();
});

const SECRET = "ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF";
const URI = `otpauth://totp/Stock%20Analysis%20App:user_u0000006?secret=${SECRET}&issuer=Stock%20Analysis%20App`;
const q = QRCode.create(URI, { errorCorrectionLevel: "M" });
const QR = `${q.modules.size}.${Array.from(q.modules.data, (b) => (b ? "1" : "0")).join("")}`;

const open = (view, params = {}, options = {}) =>
  openApp(env.browser, `${env.vite.url}harness.html?${new URLSearchParams({ view, ...params })}`, null, {
    mock: false,
    viewport: { width: 1440, height: 860 },
    ...options,
  });

async function shoot(page, name) {
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(200);
  const path = artifactPath(`${name}.png`);
  await page.screenshot({ path });
  assert.ok(existsSync(path) && statSync(path).size > 10_000, `${path} written`);
}

const KO_LONG = "가나다라마바사아자차카타파하거너더러머버서어저처커터"; // 26 letters, 78 bytes

describe("UI kit part 2 screenshots", () => {
  for (const theme of ["dark", "light"]) {
    for (const lang of ["en", "ko"]) {
      const tag = `${theme}-${lang}`;
      test(`identity pages, ${tag}`, async () => {
        let app = await open("create", { theme, lang });
        try {
          const p = app.page;
          await p.getByTestId("create-email").fill("김민준@예시.한국");
          await p.getByTestId("create-username").fill("김민준");
          await p.getByTestId("create-role").selectOption("admin");
          await p.getByTestId("create-password").fill(KO_LONG);
          await p.getByTestId("create-confirm").fill(KO_LONG.slice(0, 20));
          await shoot(p, `create-user-${tag}`);
        } finally {
          await app.close();
        }

        app = await open("role", { theme, lang });
        try {
          await app.page.getByTestId("role-admin").check();
          await app.page.getByTestId("role-reason").fill("On-call rotation needs a second admin (TICKET-4411)");
          await shoot(app.page, `role-change-${tag}`);
        } finally {
          await app.close();
        }

        app = await open("approvals", { theme, lang });
        try {
          await app.page.getByTestId("approval-apr_02").waitFor();
          await shoot(app.page, `approvals-${tag}`);
        } finally {
          await app.close();
        }

        app = await open("dormant", { theme, lang, unfinished: "1" });
        try {
          await app.page.locator('[data-testid="dormant-count"][data-value]:not([data-value=""])').waitFor();
          await app.page.getByTestId("dormant-unfinished").waitFor();
          await shoot(app.page, `dormant-${tag}`);
          await app.page.getByTestId("dormant-deactivate").click();
          await app.page.getByTestId("reason-text").fill("Dormant account policy DP-3 (90 days)");
          await app.page.getByTestId("reason-confirm").click();
          await app.page.getByTestId("batch-execute").click();
          await app.page.locator('[data-testid="dormant-batch"][data-phase="done"]').waitFor();
          await shoot(app.page, `dormant-batch-done-${tag}`);
        } finally {
          await app.close();
        }

        app = await open("mfa", { theme, lang, qr: QR, secret: SECRET });
        try {
          await app.page.getByTestId("gap-u0000006").waitFor();
          await shoot(app.page, `mfa-coverage-${tag}`);
          await app.page.getByTestId("gap-u0000006").getByTestId("gap-enroll").click();
          await app.page.getByTestId("mfa-qr").waitFor();
          await app.page.getByTestId("mfa-code").fill("111111");
          await app.page.getByTestId("mfa-confirm").click();
          await app.page.getByTestId("mfa-refusal").waitFor();
          await shoot(app.page, `mfa-enroll-drift-${tag}`);
          await app.page.getByTestId("mfa-code").fill("123456");
          await app.page.getByTestId("mfa-confirm").click();
          await app.page.getByTestId("mfa-codes").getByTestId("ots-items").waitFor();
          await shoot(app.page, `mfa-backup-codes-${tag}`);
        } finally {
          await app.close();
        }

        app = await open("identity", { theme, lang });
        try {
          const p = app.page;
          await p.locator('[data-testid="users-table"] .vt-layer [data-index="6"] [role="gridcell"]:nth-child(2)').click();
          await p.getByTestId("user-tab-api_keys").click();
          await p.getByTestId("key-ak_Zx81nq0PqR4sT2vW").waitFor();
          await shoot(p, `user-api-keys-${tag}`);
          await p.getByTestId("key-issue").click();
          await p.getByTestId("issue-key").waitFor();
          await shoot(p, `user-api-key-issue-${tag}`);
          await p.getByTestId("issue-submit").click();
          await p.getByTestId("key-secret").getByTestId("ots-items").waitFor();
          await shoot(p, `user-api-key-once-${tag}`);
          await p.getByTestId("key-secret").getByTestId("ots-ack").check();
          await p.getByTestId("key-secret").getByTestId("ots-close").click();
          await p.getByTestId("user-tab-sessions").click();
          await p.locator('tr[data-testid^="session-"]').first().waitFor();
          await shoot(p, `user-sessions-${tag}`);
        } finally {
          await app.close();
        }
      });
    }
  }
});
