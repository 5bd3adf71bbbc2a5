// The identity-administration UI kit in Chromium, mounted by the harness page
// (ui/harness.html, ui/src/harness/) with fake in-page APIs: no IPC, no Rust. Proves the
// million-row table reaches its last row with a few dozen rows in the DOM, refetches and resets
// on a new query, cancels stale fetches and selects ranges; that the QR canvas decodes back to
// the otpauth URI (jsQR, as the E2E reads it); that a one-time secret cannot be closed without
// acknowledgement; and that a batch reports per-item failures and resumes.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import jsQR from "jsqr";
import QRCode from "qrcode";
import { launchChromium, openApp, startVite } from "./harness.mjs";

const env = {};
before(async () => {
  env.vite = await startVite({ config: "vite.harness.config.ts" });
  env.browser = await launchChromium({ scrollbars: true });
});
after(async () => {
  await env.browser?.close();
  await env.vite?.stop();
});

/** Opens the harness on `view` with query parameters; no IPC mock is installed. */
export function openKit(view, params = {}, options = {}) {
  const q = new URLSearchParams({ view, ...params });
  return openApp(env.browser, `${env.vite.url}harness.html?${q}`, null, { mock: false, ...options });
}

const grid = (page, testid = "vt") => page.getByTestId(testid).locator('[role="grid"]');

/** Where row `index` sits relative to the grid's rows viewport (below the sticky header). */
async function rowBox(page, index, testid = "vt") {
  return page.evaluate(
    ([i, id]) => {
      const g = document.querySelector(`[data-testid="${id}"] [role="grid"]`);
      const row = g.querySelector(`.vt-layer [data-index="${i}"]`);
      if (!row) return null;
      const gr = g.getBoundingClientRect();
      const head = g.querySelector(".vt-head").getBoundingClientRect();
      const r = row.getBoundingClientRect();
      return {
        top: r.top - head.bottom,
        bottom: gr.top + g.clientHeight - r.bottom,
        text: row.textContent,
        skeleton: row.classList.contains("vt-row-skeleton"),
        rows: g.querySelectorAll('[role="row"]').length,
        rowcount: g.getAttribute("aria-rowcount"),
        rowindex: row.getAttribute("aria-rowindex"),
      };
    },
    [index, testid],
  );
}

async function waitRowLoaded(page, index, testid = "vt") {
  await page.waitForFunction(
    ([i, id]) => {
      const row = document.querySelector(`[data-testid="${id}"] .vt-layer [data-index="${i}"]`);
      return row && !row.classList.contains("vt-row-skeleton");
    },
    [index, testid],
  );
}

const fetches = (page) => page.evaluate(() => window.__harness.fetches.map((f) => ({ ...f })));

describe("VirtualTable over 1,000,000 rows", () => {
  test("End shows row 999,999 fully, with fewer than 100 row elements and the whole count announced", async () => {
    const app = await openKit("table");
    try {
      await waitRowLoaded(app.page, 0);
      await grid(app.page).focus();
      await app.page.keyboard.press("End");
      await waitRowLoaded(app.page, 999_999);
      const box = await rowBox(app.page, 999_999);
      assert.match(box.text, /Row 999999$/, "the last row shows its own data");
      assert.ok(box.top >= 0 && box.bottom >= -0.5, `last row fully inside the viewport: ${JSON.stringify(box)}`);
      assert.ok(box.bottom <= 1, "and it sits on the bottom edge (the end is exact, not approximate)");
      assert.ok(box.rows < 100, `only ${box.rows} row elements in the DOM`);
      assert.equal(box.rowcount, "1000001", "aria-rowcount counts every row plus the header");
      assert.equal(box.rowindex, "1000001", "aria-rowindex of the last row");
      // Keyboard steps back a row and a page, and Home returns to the first row.
      await app.page.keyboard.press("ArrowUp");
      await app.page.keyboard.press("PageUp");
      const focused = await app.page.evaluate(() => document.querySelector(".vt-row-focus")?.dataset.index);
      assert.ok(Number(focused) < 999_998 && Number(focused) > 999_950, `focus moved up a page: ${focused}`);
      await app.page.keyboard.press("Home");
      await waitRowLoaded(app.page, 0);
      const first = await rowBox(app.page, 0);
      assert.ok(Math.abs(first.top) < 0.5, "Home puts row 0 on the top edge");
    } finally {
      await app.close();
    }
  });

  test("dragging the scrollbar thumb to the bottom shows row 999,999 fully", async () => {
    const app = await openKit("table");
    try {
      await waitRowLoaded(app.page, 0);
      const g = grid(app.page);
      const box = await g.boundingBox();
      const sb = await g.evaluate((el) => el.offsetWidth - el.clientWidth);
      assert.ok(sb > 0, "Chromium draws a classic scrollbar here");
      const x = box.x + box.width - sb / 2;
      // The thumb is at the top of the track, just under the scrollbar's up-arrow button.
      const y0 = box.y + sb + 6;
      await app.page.mouse.move(x, y0);
      await app.page.mouse.down();
      for (let i = 1; i <= 10; i++) await app.page.mouse.move(x, y0 + (box.height * i) / 8);
      await app.page.mouse.up();
      const st = await g.evaluate((el) => [el.scrollTop, el.scrollHeight - el.clientHeight]);
      assert.ok(st[0] >= st[1] - 1, `the drag reached the bottom: ${st}`);
      await waitRowLoaded(app.page, 999_999);
      const last = await rowBox(app.page, 999_999);
      assert.ok(last.top >= 0 && Math.abs(last.bottom) <= 1, `last row fully visible on the bottom edge: ${JSON.stringify(last)}`);
      assert.ok(last.rows < 100, `${last.rows} row elements`);
    } finally {
      await app.close();
    }
  });

  test("a sort or filter change drops the cache, refetches from offset 0 and scrolls to the top", async () => {
    const app = await openKit("table");
    try {
      await waitRowLoaded(app.page, 0);
      await grid(app.page).evaluate((el) => (el.scrollTop = 4_000_000));
      await app.page.waitForFunction(() => Number(document.querySelector('[role="grid"]').dataset.offset) > 1_000_000);
      await app.page.getByTestId("vt-sort-i").click();
      await app.page.waitForFunction(() => document.querySelector('[role="columnheader"][aria-sort="descending"]'));
      await waitRowLoaded(app.page, 0);
      assert.equal(await grid(app.page).evaluate((el) => el.scrollTop), 0, "back at the top");
      assert.match((await rowBox(app.page, 0)).text, /Row 999999$/, "descending: the last id first");
      const sorted = (await fetches(app.page)).filter((f) => f.key === "|i|desc");
      assert.equal(sorted[0]?.offset, 0, "the new query starts with page 0");

      await app.page.getByTestId("table-filter").fill("ab");
      await app.page.waitForFunction(() => document.querySelector('[role="grid"]').dataset.total === "500000");
      await waitRowLoaded(app.page, 0);
      assert.match((await rowBox(app.page, 0)).text, /~ab$/, "rows of the filtered query");
      assert.equal(await grid(app.page).evaluate((el) => el.getAttribute("aria-rowcount")), "500001");
    } finally {
      await app.close();
    }
  });

  test("stale fetches are aborted: a page scrolled away from, and every keystroke's query but the last", async () => {
    const app = await openKit("table", { delay: "500" });
    try {
      await waitRowLoaded(app.page, 0);
      await grid(app.page).focus();
      await app.page.keyboard.press("End");
      await app.page.waitForFunction(() => window.__harness.fetches.some((f) => f.offset >= 999_900 && f.state === "pending"));
      await app.page.keyboard.press("Home");
      await app.page.waitForFunction(() => window.__harness.fetches.some((f) => f.offset >= 999_900 && f.state === "aborted"));

      await app.page.getByTestId("table-filter").pressSequentially("xyz", { delay: 60 });
      await waitRowLoaded(app.page, 0);
      const log = await fetches(app.page);
      for (const k of ["x|i|asc", "xy|i|asc"]) {
        const of = log.filter((f) => f.key === k);
        assert.ok(of.length > 0 && of.every((f) => f.state === "aborted"), `${k}: ${JSON.stringify(of)}`);
      }
      assert.ok(log.some((f) => f.key === "xyz|i|asc" && f.state === "done"), "the last query answered");
    } finally {
      await app.close();
    }
  });

  test("shift-click selects a range; the header box selects all matching as a filter, not a list", async () => {
    const app = await openKit("table");
    try {
      await waitRowLoaded(app.page, 10);
      const check = (i) => app.page.locator(`.vt-layer [data-index="${i}"] input[type=checkbox]`);
      await check(2).click();
      await check(6).click({ modifiers: ["Shift"] });
      const sel = app.page.getByTestId("table-selected");
      assert.equal(await sel.textContent(), "row-2,row-3,row-4,row-5,row-6");
      await check(4).click({ modifiers: ["Shift"] }); // anchor 6 → 4 unticks 4..6? no: row 4 is ticked, so the range is cleared
      assert.equal(await sel.textContent(), "row-2,row-3");
      assert.equal(await app.page.locator(".vt-row-selected").count(), 2);
      // With some rows ticked the header box clears them; clicked again it selects everything.
      await app.page.getByTestId("vt-select-all").click();
      assert.equal(await sel.getAttribute("data-count"), "0");
      await app.page.getByTestId("vt-select-all").click();
      assert.equal(await sel.getAttribute("data-kind"), "matching");
      assert.equal(await sel.getAttribute("data-count"), "1000000");
      await check(3).click();
      assert.equal(await sel.getAttribute("data-count"), "999999", "unticking one row keeps the filter selection minus one");
    } finally {
      await app.close();
    }
  });
});

describe("QR code and one-time secrets", () => {
  const SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
  const URI = `otpauth://totp/StockAnalysis:minjun.0000042%40example.test?secret=${SECRET}&issuer=StockAnalysis`;
  const matrix = () => {
    const q = QRCode.create(URI, { errorCorrectionLevel: "M" });
    return `${q.modules.size}.${Array.from(q.modules.data, (b) => (b ? "1" : "0")).join("")}`;
  };

  for (const theme of ["dark", "light"]) {
    test(`the canvas decodes back to the otpauth URI (${theme} theme), with a white quiet zone`, async () => {
      const app = await openKit("qr", { qr: matrix(), secret: SECRET, theme });
      try {
        const canvas = app.page.getByTestId("mfa-qr");
        await canvas.waitFor();
        const img = await canvas.evaluate((c) => {
          const d = c.getContext("2d").getImageData(0, 0, c.width, c.height);
          return { w: c.width, h: c.height, data: Array.from(d.data) };
        });
        const size = Number(matrix().split(".")[0]);
        assert.equal(img.w, (size + 8) * 6, "4-module quiet zone each side, 6 px per module");
        assert.deepEqual(img.data.slice(0, 4), [255, 255, 255, 255], "white quiet zone");
        const code = jsQR(Uint8ClampedArray.from(img.data), img.w, img.h);
        assert.ok(code, "jsQR finds a code");
        assert.equal(code.data, URI);
        assert.equal(await canvas.getAttribute("role"), "img");
        assert.match(await canvas.getAttribute("aria-label"), /minjun/);
        assert.equal(await app.page.getByTestId("mfa-secret").textContent(), "JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP");
      } finally {
        await app.close();
      }
    });
  }

  test("a one-time secret cannot be closed, by button or Escape, before “I have stored these”", async () => {
    const app = await openKit("secret");
    try {
      const dialog = app.page.getByTestId("ots");
      await dialog.getByTestId("ots-items").waitFor();
      assert.equal(await dialog.locator("li").count(), 10);
      assert.ok(await app.page.getByTestId("ots-close").isDisabled(), "close is disabled");
      await app.page.keyboard.press("Escape");
      await app.page.getByTestId("ots-nag").waitFor();
      assert.ok(await dialog.evaluate((d) => d.open), "Escape did not close it");
      assert.equal(await app.page.getByTestId("ots-closed").getAttribute("data-value"), "0");
      await app.page.getByTestId("ots-copy").click();
      await app.page.getByText(/^Copied$/).waitFor();
      await app.page.getByTestId("ots-ack").check();
      await app.page.getByTestId("ots-close").click();
      await app.page.waitForFunction(() => !document.querySelector('[data-testid="ots"]').open);
      assert.equal(await app.page.getByTestId("ots-closed").getAttribute("data-value"), "1");
      // Opened again, the acknowledgement starts over.
      await app.page.getByTestId("ots-open").click();
      assert.ok(await app.page.getByTestId("ots-close").isDisabled());
    } finally {
      await app.close();
    }
  });
});

describe("dialogs", () => {
  test("a reason shorter than the minimum cannot confirm; type-to-confirm needs the exact phrase", async () => {
    const app = await openKit("dialogs");
    try {
      await app.page.getByTestId("open-reason").click();
      const ok = app.page.getByTestId("reason-confirm");
      await app.page.getByTestId("reason-text").fill("short");
      assert.ok(await ok.isDisabled(), "5 characters are not a reason");
      await app.page.getByTestId("reason-text").fill("  left the company, HR-4411  ");
      await ok.click();
      assert.equal(await app.page.getByTestId("dialog-log").textContent(), "reason:left the company, HR-4411");

      await app.page.getByTestId("open-confirm").click();
      const go = app.page.getByTestId("confirm-ok");
      await app.page.getByTestId("confirm-type").fill("ak_Zx81nq0PqR4sT2v");
      assert.ok(await go.isDisabled(), "one character short");
      await app.page.getByTestId("confirm-type").fill("ak_Zx81nq0PqR4sT2vW");
      await go.click();
      assert.match(await app.page.getByTestId("dialog-log").textContent(), /confirmed$/);
    } finally {
      await app.close();
    }
  });
});

describe("BatchPreview", () => {
  test("dry run, then per-item results: one failure does not stop the rest; an interrupted batch resumes with what is left", async () => {
    const app = await openKit("batch", { fail: "7", interrupt: "20" });
    try {
      const b = app.page.getByTestId("batch");
      assert.equal(await app.page.getByTestId("batch-will-change").getAttribute("data-value"), "36");
      assert.equal(await app.page.getByTestId("batch-will-skip").getAttribute("data-value"), "4");
      assert.match(await app.page.locator('.vt-layer [data-index="4"]').textContent(), /will be skipped: already inactive/);
      await app.page.getByTestId("batch-execute").click();
      await app.page.waitForFunction(() => document.querySelector('[data-testid="batch"]').dataset.phase === "interrupted");
      await app.page.getByTestId("batch-interrupted").waitFor();
      assert.equal(await app.page.getByTestId("batch-ok").getAttribute("data-value"), "19");
      assert.equal(await app.page.getByTestId("batch-failed").getAttribute("data-value"), "1");
      assert.equal(await app.page.getByTestId("batch-pending").getAttribute("data-value"), "16");
      const failed = app.page.locator('.vt-layer [data-index="7"]');
      assert.match(await failed.textContent(), /Failed\s*WATCH conflict: the user changed during the batch/);
      await app.page.getByTestId("batch-resume").click();
      await app.page.waitForFunction(() => document.querySelector('[data-testid="batch"]').dataset.phase === "done");
      assert.equal(await app.page.getByTestId("batch-ok").getAttribute("data-value"), "35");
      assert.equal(await app.page.getByTestId("batch-failed").getAttribute("data-value"), "1");
      assert.equal(await app.page.getByTestId("batch-pending").getAttribute("data-value"), "0");
      assert.equal(await app.page.getByTestId("batch-runs").getAttribute("data-value"), "2");
      await app.page.getByTestId("batch-some-failed").waitFor();
      assert.equal(await b.locator('[role="progressbar"]').getAttribute("aria-valuenow"), "100");
    } finally {
      await app.close();
    }
  });
});

describe("pages", () => {
  test("users: 1M users, search as you type cancels the previous keystroke's request, filters reset selection", async () => {
    const app = await openKit("users", { delay: "150" });
    try {
      await app.page.waitForFunction(() => document.querySelector('[data-testid="users-total"]').dataset.value === "1000000");
      await waitRowLoaded(app.page, 0, "users-table");
      await app.page.locator('[data-testid="users-table"] .vt-layer [data-index="1"] input').click();
      assert.equal(await app.page.getByTestId("users-selection").getAttribute("data-count"), "1");
      await app.page.getByTestId("users-search").pressSequentially("서연", { delay: 40 });
      await app.page.waitForFunction(() => {
        const v = document.querySelector('[data-testid="users-total"]').dataset.value;
        return v !== "" && v !== "1000000";
      });
      assert.equal(await app.page.getByTestId("users-selection").count(), 0, "a new query clears the selection");
      await waitRowLoaded(app.page, 0, "users-table");
      assert.match(await app.page.locator('[data-testid="users-table"] .vt-layer [data-index="0"]').textContent(), /서연/);
      const log = await fetches(app.page);
      const first = log.filter((f) => f.what === "users" && f.key.startsWith('["서"'));
      assert.ok(first.every((f) => f.state === "aborted"), `the one-letter query was cancelled: ${JSON.stringify(first)}`);
      // The detail panel opens on a row and loads its tabs.
      await app.page.locator('[data-testid="users-table"] .vt-layer [data-index="0"] [role="gridcell"]:nth-child(2)').click();
      await app.page.getByTestId("user-profile").waitFor();
      await app.page.getByTestId("user-tab-sessions").click();
      await app.page.getByText("c2a7e1…aa01").waitFor();
    } finally {
      await app.close();
    }
  });

  test("locks: unlock asks for a reason and refreshes; countdowns run", async () => {
    const app = await openKit("locks");
    try {
      await app.page.getByTestId("lock-u0000042").waitFor();
      const left = app.page.getByTestId("lock-left-u0000042");
      const a = Number(await left.getAttribute("data-value"));
      await app.page.waitForFunction((v) => Number(document.querySelector('[data-testid="lock-left-u0000042"]').dataset.value) < v, a);
      await app.page.getByTestId("unlock-u0000042").click();
      await app.page.getByTestId("reason-text").fill("verified by phone, ticket SEC-118");
      await app.page.getByTestId("reason-confirm").click();
      await app.page.waitForFunction(() => !document.querySelector('[data-testid="lock-u0000042"]'));
      assert.deepEqual(await app.page.evaluate(() => window.__harness.access), ["unlock u0000042 verified by phone, ticket SEC-118"]);
    } finally {
      await app.close();
    }
  });
});
