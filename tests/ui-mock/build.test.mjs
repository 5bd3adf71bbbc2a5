// The production bundle, as the Tauri window loads it: served with the CSP from
// tauri.conf.json and with Object.prototype frozen (freezePrototype: true). Proves the build
// needs nothing inline and nothing remote, and stays small enough for a fast cold start.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { gzipSync } from "node:zlib";
import { OFFICER, scenario } from "./fake-backend.mjs";
import { ROOT, UI, killGroup, launchChromium, openApp, signIn } from "./harness.mjs";

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png" };
const CSP = JSON.parse(readFileSync(join(ROOT, "tauri.conf.json"), "utf8")).app.security.csp;

const env = {};

function build(outDir) {
  return new Promise((resolve, reject) => {
    const child = spawn(join(UI, "node_modules/.bin/vite"), ["build", "--outDir", outDir, "--emptyOutDir", "--logLevel", "warn"], {
      cwd: UI,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    child.stdout.on("data", (d) => (log += d));
    child.stderr.on("data", (d) => (log += d));
    const timer = setTimeout(() => killGroup(child), 120_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      code === 0 ? resolve(log) : reject(new Error(`vite build failed (${code}):\n${log}`));
    });
  });
}

function serve(dir) {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
    let file = join(dir, path === "/" ? "index.html" : path);
    try {
      if (!statSync(file).isFile()) file = join(dir, "index.html");
    } catch {
      res.writeHead(404, { "Content-Security-Policy": CSP }).end();
      return;
    }
    res.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream", "Content-Security-Policy": CSP });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

before(async () => {
  env.dist = mkdtempSync(join(tmpdir(), "rampart-ui-dist-"));
  await build(env.dist);
  env.server = await serve(env.dist);
  env.url = `http://127.0.0.1:${env.server.address().port}/`;
  env.browser = await launchChromium();
});

after(async () => {
  await env.browser?.close();
  await new Promise((r) => (env.server ? env.server.close(r) : r()));
  if (env.dist) rmSync(env.dist, { recursive: true, force: true });
});

describe("production build", () => {
  test("runs under the app's CSP with frozen prototypes: no violation, no error, no request to another origin", async () => {
    assert.ok(CSP && CSP.includes("style-src 'self'"), "tauri.conf.json carries the CSP under test");
    const app = await openApp(env.browser, env.url, scenario({ signInSession: OFFICER }));
    await app.page.addInitScript(() => {
      window.__csp = [];
      document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await app.page.reload();
    try {
      await signIn(app.page);
      await app.page.getByTestId("ov-users-total").waitFor();
      await app.page.getByTestId("overview-refresh").click();
      await app.page.getByTestId("nav-connections").click();
      await app.page.getByTestId("profile-row-prod-ro").click();
      await app.page.getByTestId("profile-test").click();
      await app.page.getByTestId("probe-result-keyspace").waitFor();
      await app.page.getByTestId("profile-remove").click();
      await app.page.getByTestId("profile-remove-dialog").getByRole("button", { name: "Cancel" }).click();
      await app.page.getByTestId("nav-settings").click();
      await app.page.getByTestId("settings-theme").selectOption("light");
      await app.page.getByTestId("settings-save").click();
      await app.page.getByTestId("settings-saved").waitFor();
      await app.page.getByTestId("lang-ko").click();
      await app.page.waitForFunction(() => document.documentElement.lang === "ko");

      assert.deepEqual(await app.page.evaluate(() => window.__csp), [], "CSP violations");
      assert.deepEqual(app.problems, [], "console errors and page errors");
      const origin = new URL(env.url).origin;
      const foreign = app.requests.filter((u) => !u.startsWith(origin) && !u.startsWith("data:"));
      assert.deepEqual(foreign, [], "every request stays on the app's own origin");
      // Styles come from a file, and the page applies them (not blocked).
      assert.equal(await app.page.evaluate(() => getComputedStyle(document.body).fontSize), "13px");
      // The check is live: what the CSP forbids is reported by this very page.
      await app.page.evaluate(() => document.body.setAttribute("style", "color: red"));
      await app.page.waitForFunction(() => window.__csp.length > 0);
      assert.match((await app.page.evaluate(() => window.__csp))[0], /^style-src/);
      app.problems.length = 0; // that one was ours
    } finally {
      await app.close();
    }
  });

  test("the first screen loads one small script (≤ 100 KB gzip) and one stylesheet; the console's pages are chunks of their own", () => {
    const assets = readdirSync(join(env.dist, "assets"));
    const js = assets.filter((f) => f.endsWith(".js"));
    const html = readFileSync(join(env.dist, "index.html"), "utf8");
    const entries = [...html.matchAll(/<script[^>]* src="\/assets\/([^"]+)"/g)].map((m) => m[1]);
    const sheets = [...html.matchAll(/assets\/([^"]+\.css)"/g)].map((m) => m[1]);
    assert.equal(entries.length, 1, `index.html loads one script: ${entries}`);
    assert.equal(sheets.length, 1, `one stylesheet loaded first: ${sheets}`);
    const gz = gzipSync(readFileSync(join(env.dist, "assets", entries[0]))).length;
    assert.ok(gz <= 100 * 1024, `the start-up script is ${gz} bytes gzip`);
    for (const lazy of ["Shell", "OverviewPage", "ConnectionsPage", "SettingsPage", "identityPages"]) {
      assert.ok(js.some((f) => f.startsWith(`${lazy}-`)), `${lazy} is its own chunk: ${js}`);
    }
    assert.doesNotMatch(html, /<script>(?!<)/, "no inline script");
    assert.doesNotMatch(html, /style=/, "no inline style attribute");
    assert.doesNotMatch(html, /https?:\/\//, "nothing remote in index.html");
    assert.doesNotMatch(html, /modulepreload/, "nothing fetched up front but the start-up script");
  });
});
