// Screenshots of the identity-administration UI kit for review (kept as artifacts): the users
// page over 1M fake users with the detail panel open, and the MFA enrolment QR panel, in dark
// and light, English and Korean; plus the one-time secret, batch, locks and dialog screens.
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

const open = (view, params = {}, options = {}) =>
  openApp(env.browser, `${env.vite.url}harness.html?${new URLSearchParams({ view, ...params })}`, null, { mock: false, ...options });

async function shoot(page, name) {
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(200);
  const path = artifactPath(`${name}.png`);
  await page.screenshot({ path });
  assert.ok(existsSync(path) && statSync(path).size > 10_000, `${path} written`);
}

const SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const URI = `otpauth://totp/StockAnalysis:minjun.0000042%40example.test?secret=${SECRET}&issuer=StockAnalysis`;
const q = QRCode.create(URI, { errorCorrectionLevel: "M" });
const QR = `${q.modules.size}.${Array.from(q.modules.data, (b) => (b ? "1" : "0")).join("")}`;

describe("UI kit screenshots", () => {
  for (const theme of ["dark", "light"]) {
    for (const lang of ["en", "ko"]) {
      test(`users page (1M rows, detail open) and QR panel, ${theme}, ${lang}`, async () => {
        let app = await open("users", { theme, lang, indexing: "1" }, { viewport: { width: 1440, height: 860 } });
        try {
          await app.page.getByTestId("users-indexing").waitFor();
          const row = app.page.locator('[data-testid="users-table"] .vt-layer [data-index="2"]');
          await row.locator("input").click();
          await app.page.locator('[data-testid="users-table"] .vt-layer [data-index="4"] input').click({ modifiers: ["Shift"] });
          await app.page.locator('[data-testid="users-table"] .vt-layer [data-index="6"] [role="gridcell"]:nth-child(2)').click();
          await app.page.getByTestId("user-profile").waitFor();
          await shoot(app.page, `users-${theme}-${lang}`);
        } finally {
          await app.close();
        }
        app = await open("qr", { theme, lang, qr: QR, secret: SECRET });
        try {
          await app.page.getByTestId("mfa-qr").waitFor();
          await shoot(app.page, `mfa-qr-${theme}-${lang}`);
        } finally {
          await app.close();
        }
      });
    }
  }

  test("one-time secret, batch, locks, dialogs", async () => {
    for (const [view, params, name, ready] of [
      ["secret", { lang: "ko" }, "one-time-secret-dark-ko", "ots-items"],
      ["secret", { lang: "en", theme: "light" }, "one-time-secret-light-en", "ots-items"],
      ["locks", { lang: "en" }, "locks-dark-en", "lock-u0000042"],
      ["locks", { lang: "ko", theme: "light" }, "locks-light-ko", "lock-u0000042"],
      ["dialogs", { lang: "ko", open: "confirm" }, "confirm-dark-ko", "confirm-type"],
      ["dialogs", { lang: "en", open: "reason", theme: "light" }, "reason-light-en", "reason-text"],
    ]) {
      const app = await open(view, params);
      try {
        await app.page.getByTestId(ready).waitFor();
        await shoot(app.page, name);
      } finally {
        await app.close();
      }
    }
    for (const lang of ["en", "ko"]) {
      const app = await open("batch", { lang, interrupt: "20" });
      try {
        await app.page.getByTestId("batch-execute").waitFor();
        await shoot(app.page, `batch-preview-dark-${lang}`);
        await app.page.getByTestId("batch-execute").click();
        await app.page.getByTestId("batch-interrupted").waitFor();
        await shoot(app.page, `batch-interrupted-dark-${lang}`);
      } finally {
        await app.close();
      }
    }
  });
});
