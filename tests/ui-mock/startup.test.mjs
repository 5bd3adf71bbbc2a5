// Start-up: what the desktop benchmark's finish line (`ui_ready`) means, and what the first
// screen waits for (scripts/perf-desktop.sh, README "Desktop startup and memory").
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { scenario } from "./fake-backend.mjs";
import { openApp, suite } from "./harness.mjs";

const env = suite(before, after);

/** Runs in the page after the fake backend is installed: wraps the bridge so every command's
 *  call and answer land in `window.__trace` in order, delays `connect` by `connectMs`, and notes
 *  at `ui_ready` whether the sign-in form could be used. */
function traceBridge(connectMs) {
  const internals = window.__TAURI_INTERNALS__;
  const invoke = internals.invoke.bind(internals);
  window.__trace = [];
  internals.invoke = async (cmd, args, options) => {
    if (cmd === "ui_ready") {
      const email = document.querySelector('[data-testid="signin-email"]');
      window.__formAtReady = email ? !email.disabled : null;
    }
    window.__trace.push(`call ${cmd}`);
    if (cmd === "connect") await new Promise((r) => setTimeout(r, connectMs));
    try {
      return await invoke(cmd, args, options);
    } finally {
      window.__trace.push(`answer ${cmd}`);
    }
  };
}

async function openTraced(connectMs) {
  const app = await openApp(env.browser, env.vite.url, scenario());
  await app.page.addInitScript(traceBridge, connectMs);
  await app.page.reload();
  return app;
}

describe("start-up", () => {
  test("the four boot commands go out together, before any of them has answered", async () => {
    const app = await openTraced(0);
    try {
      await app.page.getByTestId("connection-summary").waitFor();
      const trace = await app.page.evaluate(() => window.__trace);
      const firstAnswer = trace.findIndex((e) => e.startsWith("answer"));
      const early = trace.slice(0, firstAnswer);
      for (const cmd of ["app_info", "connection", "profiles_list", "session"]) {
        assert.ok(early.includes(`call ${cmd}`), `${cmd} asked before the first answer: ${trace.join(", ")}`);
      }
    } finally {
      await app.close();
    }
  });

  test("ui_ready waits for the default profile's connect, and the form is usable when it is sent", async () => {
    const app = await openTraced(400);
    try {
      await app.page.waitForFunction(() => window.__trace.includes("call ui_ready"), null, { timeout: 10_000 });
      const trace = await app.page.evaluate(() => window.__trace);
      assert.ok(
        trace.indexOf("answer connect") < trace.indexOf("call ui_ready"),
        `connect answered before ui_ready: ${trace.join(", ")}`,
      );
      assert.equal(trace.filter((e) => e === "call ui_ready").length, 1, "ui_ready once");
      assert.equal(await app.page.evaluate(() => window.__formAtReady), true, "sign-in form enabled at ui_ready");
    } finally {
      await app.close();
    }
  });

  test("on Linux the first layout uses the short font list (no lookups of Mac or Windows fonts)", async () => {
    const app = await openApp(env.browser, env.vite.url, scenario());
    try {
      await app.page.getByTestId("signin-email").waitFor();
      assert.equal(await app.page.evaluate(() => document.documentElement.dataset.platform), "linux");
      assert.equal(
        await app.page.evaluate(() => getComputedStyle(document.body).fontFamily),
        'sans-serif, "Noto Sans CJK KR"',
      );
    } finally {
      await app.close();
    }
  });
});
