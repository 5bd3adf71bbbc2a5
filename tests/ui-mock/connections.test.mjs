// Connection profiles: secrets stay write-only, the form maps to ProfileInput, tests and removal.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { LOCAL_PROFILE, OFFICER, PROD_PROFILE, connectionFor, scenario } from "./fake-backend.mjs";
import { openApp, suite } from "./harness.mjs";

const env = suite(before, after);

/** Values a leak would show. The fake backend never sends them; the test proves the UI does
 *  not invent or echo one either (e.g. from a typed value after save). */
const TYPED_SECRET = "typed-Secret-9!";

async function openConnections(overrides = {}) {
  const s = scenario({ session: OFFICER, connection: connectionFor(LOCAL_PROFILE), ...overrides });
  const app = await openApp(env.browser, env.vite.url, s);
  await app.page.getByTestId("nav-connections").click();
  await app.page.getByTestId("profile-row-local").waitFor();
  return app;
}

/** Every input's value on the page, password fields included. */
const allInputValues = (page) =>
  page.evaluate(() => [...document.querySelectorAll("input")].map((i) => i.value).filter((v) => v !== ""));

describe("connections", () => {
  test("profiles are listed with their stores, read-only and default badges", async () => {
    const app = await openConnections();
    try {
      const prod = await app.page.getByTestId("profile-row-prod-ro").textContent();
      assert.match(prod, /rediss:\/\/redis\.internal:6380/);
      assert.match(prod, /https:\/\/es\.internal:9200/);
      assert.match(prod, /postgres:\/\/rampart@db\.internal:5432\/service/);
      assert.equal(await app.page.getByTestId("profile-readonly-prod-ro").textContent(), "Read-only");
      assert.match(await app.page.getByTestId("profile-row-local").textContent(), /default/);
    } finally {
      await app.close();
    }
  });

  test("editing a profile with stored secrets shows 'stored in keychain', never a secret, and saves {kind:'keep'} when untouched", async () => {
    const app = await openConnections();
    try {
      await app.page.getByTestId("profile-row-prod-ro").click();
      await app.page.getByTestId("profile-form").waitFor();
      for (const id of ["profile-redis-password", "profile-es-secret", "profile-sql-password"]) {
        assert.equal(await app.page.getByTestId(`${id}-stored`).textContent(), "Stored in keychain", `${id} says stored`);
        assert.equal(await app.page.getByTestId(id).count(), 0, `${id}: no input until Replace is chosen`);
      }
      assert.equal((await app.page.locator('input[type="password"]').count()), 0, "no password box holds anything to show");
      await app.page.getByTestId("profile-save").click();
      await app.page.getByTestId("profile-notice").waitFor();
      const [save] = await app.calls("profile_save");
      assert.deepEqual(save.args.input, {
        name: "prod-ro",
        read_only: true,
        embedded: null,
        redis: { url: "rediss://redis.internal:6380", username: "rampart", db: 0, tls: true, password: { kind: "keep" } },
        es: { url: "https://es.internal:9200", auth: "api_key", username: null, secret: { kind: "keep" } },
        sql: { url: "postgres://rampart@db.internal:5432/service", password: { kind: "keep" } },
      });
    } finally {
      await app.close();
    }
  });

  test("Replace sends {kind:'set'} with the typed value, Remove sends {kind:'clear'}, and the typed value is gone after save", async () => {
    const app = await openConnections();
    try {
      await app.page.getByTestId("profile-row-prod-ro").click();
      await app.page.getByTestId("profile-redis-password-replace").click();
      await app.page.getByTestId("profile-redis-password").fill(TYPED_SECRET);
      assert.equal(await app.page.getByTestId("profile-redis-password").getAttribute("type"), "password", "masked while typed");
      await app.page.getByTestId("profile-sql-password-remove").click();
      assert.equal(await app.page.getByTestId("profile-sql-password-stored").textContent(), "Will be removed");
      await app.page.getByTestId("profile-save").click();
      await app.page.getByTestId("profile-notice").waitFor();
      const [save] = await app.calls("profile_save");
      assert.deepEqual(save.args.input.redis.password, { kind: "set", value: TYPED_SECRET });
      assert.deepEqual(save.args.input.es.secret, { kind: "keep" });
      assert.deepEqual(save.args.input.sql.password, { kind: "clear" });
      const values = await allInputValues(app.page);
      assert.ok(!values.includes(TYPED_SECRET), "the typed secret is not kept in any field after save");
      assert.ok(!(await app.page.content()).includes(TYPED_SECRET), "nor anywhere in the page");
    } finally {
      await app.close();
    }
  });

  test("a new Redis profile is saved with URL, ACL user, password and read-only, and then listed", async () => {
    const app = await openConnections();
    try {
      await app.page.getByTestId("profile-new").click();
      await app.page.getByTestId("profile-name").fill("staging");
      await app.page.getByTestId("profile-redis-url").fill("redis://10.0.0.5:6379");
      await app.page.getByTestId("profile-redis-user").fill("rampart-ro");
      await app.page.getByTestId("profile-redis-password").fill(TYPED_SECRET);
      await app.page.getByTestId("profile-readonly").check();
      await app.page.getByTestId("profile-save").click();
      await app.page.getByTestId("profile-row-staging").waitFor();
      const [save] = await app.calls("profile_save");
      assert.deepEqual(save.args.input, {
        name: "staging",
        read_only: true,
        embedded: null,
        redis: { url: "redis://10.0.0.5:6379", username: "rampart-ro", db: null, tls: false, password: { kind: "set", value: TYPED_SECRET } },
        es: null,
        sql: null,
      });
      // The form is now the saved profile: the password is "stored", not echoed.
      assert.equal(await app.page.getByTestId("profile-redis-password-stored").textContent(), "Stored in keychain");
      assert.ok(!(await app.page.content()).includes(TYPED_SECRET));
      assert.equal(await app.page.getByTestId("profile-readonly-staging").count(), 1);
    } finally {
      await app.close();
    }
  });

  test("a new profile with an untouched password field sends {kind:'keep'}", async () => {
    const app = await openConnections();
    try {
      await app.page.getByTestId("profile-new").click();
      await app.page.getByTestId("profile-name").fill("nopass");
      await app.page.getByTestId("profile-redis-url").fill("redis://127.0.0.1:6379");
      await app.page.getByTestId("profile-save").click();
      await app.page.getByTestId("profile-row-nopass").waitFor();
      const [save] = await app.calls("profile_save");
      assert.deepEqual(save.args.input.redis.password, { kind: "keep" });
    } finally {
      await app.close();
    }
  });

  test("a password inside the URL, a bad scheme or a taken name is refused before saving", async () => {
    const app = await openConnections();
    try {
      await app.page.getByTestId("profile-new").click();
      await app.page.getByTestId("profile-name").fill("local");
      await app.page.getByTestId("profile-redis-url").fill("redis://admin:hunter2@10.0.0.5:6379");
      await app.page.getByTestId("profile-save").click();
      await app.page.getByText("A profile with this name already exists.").waitFor();
      await app.page.getByText("Put the password in its own field").waitFor();
      await app.page.getByTestId("profile-redis-url").fill("http://10.0.0.5:6379");
      await app.page.getByText("Not a URL this store accepts.").waitFor();
      assert.equal((await app.calls("profile_save")).length, 0);
    } finally {
      await app.close();
    }
  });

  test("Test connection shows progress, then per-store results: status, latency, version, account, rights, notes, errors", async () => {
    const probe = {
      profile: "prod-ro",
      results: [
        {
          port: "keyspace", backend: "redis", target: "rediss://redis.internal:6380/0", ok: true, latency_ms: 3,
          server_version: "7.2.4", account: "rampart", may_read: true, may_write: false, notes: ["ACL denies FLUSHDB (expected)."], error: null,
        },
        {
          port: "audit_index", backend: "elasticsearch", target: "https://es.internal:9200", ok: false, latency_ms: null,
          server_version: null, account: null, may_read: null, may_write: null, notes: [],
          error: { code: "unavailable", message: "Elasticsearch did not answer within 5 s.", incident: "es-1" },
        },
        {
          port: "records", backend: "postgres", target: "postgres://db.internal:5432/service", ok: true, latency_ms: 12,
          server_version: "16.4", account: "rampart", may_read: true, may_write: true, notes: [], error: null,
        },
      ],
    };
    const app = await openConnections({ probe, probeDelayMs: 700 });
    try {
      await app.page.getByTestId("profile-row-prod-ro").click();
      await app.page.getByTestId("profile-test").click();
      await app.page.getByTestId("probe-running").waitFor();
      assert.equal(await app.page.getByTestId("profile-test").textContent(), "Testing…");
      // The UI is not blocked while testing.
      assert.equal(await app.page.getByTestId("nav-settings").isEnabled(), true);
      await app.page.getByTestId("probe-result-keyspace").waitFor();
      assert.deepEqual(await app.calls("profile_test").then((c) => c.map((x) => x.args)), [{ name: "prod-ro" }]);

      const ks = await app.page.getByTestId("probe-result-keyspace").textContent();
      assert.equal(await app.page.getByTestId("probe-result-keyspace").getAttribute("data-ok"), "true");
      for (const part of ["OK", "3 ms", "7.2.4", "rampart", "May readyes", "May writeno", "ACL denies FLUSHDB (expected)."]) {
        assert.ok(ks.includes(part), `keyspace card shows ${part}: ${ks}`);
      }
      const es = await app.page.getByTestId("probe-result-audit_index").textContent();
      assert.equal(await app.page.getByTestId("probe-result-audit_index").getAttribute("data-ok"), "false");
      for (const part of ["Failed", "Elasticsearch did not answer within 5 s.", "es-1"]) {
        assert.ok(es.includes(part), `audit index card shows ${part}`);
      }
      assert.match(await app.page.getByTestId("probe-result-records").textContent(), /12 ms/);
    } finally {
      await app.close();
    }
  });

  test("Test connection is for the saved profile: disabled while the form has unsaved changes", async () => {
    const app = await openConnections();
    try {
      await app.page.getByTestId("profile-row-prod-ro").click();
      assert.equal(await app.page.getByTestId("profile-test").isEnabled(), true);
      await app.page.getByTestId("profile-redis-user").fill("someone-else");
      assert.equal(await app.page.getByTestId("profile-test").isDisabled(), true);
    } finally {
      await app.close();
    }
  });

  test("Remove asks for confirmation, and only then calls profile_remove", async () => {
    const app = await openConnections();
    try {
      await app.page.getByTestId("profile-row-prod-ro").click();
      await app.page.getByTestId("profile-remove").click();
      const dialog = app.page.getByTestId("profile-remove-dialog");
      await dialog.getByText("Remove profile prod-ro?").waitFor();
      assert.match(await dialog.textContent(), /The stores themselves are not changed\./);
      assert.equal((await app.calls("profile_remove")).length, 0, "nothing removed before confirming");
      await app.page.getByTestId("profile-remove-confirm").click();
      await app.page.getByTestId("profile-notice").waitFor();
      assert.deepEqual((await app.calls("profile_remove")).map((c) => c.args), [{ name: "prod-ro" }]);
      assert.equal(await app.page.getByTestId("profile-row-prod-ro").count(), 0);
    } finally {
      await app.close();
    }
  });

  test("connections can be managed from the sign-in screen before anyone signs in", async () => {
    const app = await openApp(env.browser, env.vite.url, scenario());
    try {
      await app.page.getByTestId("signin-connections").click();
      await app.page.getByTestId("profile-row-prod-ro").waitFor();
      await app.page.getByTestId("profile-new").click();
      await app.page.getByTestId("profile-name").fill("lab");
      await app.page.getByTestId("profile-redis-url").fill("redis://lab:6379");
      await app.page.getByTestId("profile-save").click();
      await app.page.getByTestId("profile-row-lab").waitFor();
      await app.page.getByTestId("back-to-signin").click();
      const options = await app.page.getByTestId("profile-select").locator("option").allTextContents();
      assert.ok(options.some((o) => o.startsWith("lab")), "the new profile is in the sign-in selector");
    } finally {
      await app.close();
    }
  });
});
