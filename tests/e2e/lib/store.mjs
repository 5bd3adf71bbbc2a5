// The store as the other side sees it: `rampart --json …` signed in as a demo operator (what
// the E2E checks the app's effects against), and the one write only the service ever makes
// (an account lock), made the way the service makes it.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { STORE } from "./env.mjs";
import { DEMO_PASSWORD } from "./demo.mjs";
import { rampart } from "./cli.mjs";
import { freshTotp } from "./totp.mjs";

const run = promisify(execFile);

/**
 * `rampart --embedded STORE --json ARGS` signed in as `op`; the parsed JSON document.
 *
 * The console's TOTP replay guard lives in the signing-in process (crates/core signin.rs,
 * `Authenticator::accepted_steps`): each CLI invocation is a new process, so it needs a valid
 * code, not a step no earlier sign-in used, and it does not use up a step of the app's.
 */
export async function cli(op, args) {
  const { code } = await freshTotp(op.totpSecret, { marginMs: 3000 });
  const { stdout } = await rampart(["--embedded", STORE, "--json", ...args], {
    env: { RAMPART_OPERATOR_EMAIL: op.email, RAMPART_OPERATOR_PASSWORD: DEMO_PASSWORD, RAMPART_OPERATOR_TOTP: code },
  });
  return JSON.parse(stdout);
}

/** `rampart users show WHO`: profile, MFA state (never the secret), sessions, lock. */
export const showUser = (op, who) => cli(op, ["users", "show", who]);

/**
 * The service's lockout (seed CONTRACT §6.2): `SETEX account_lock:{user_id} 900
 * (utcnow() + 15 min).isoformat()`. Rampart never locks an account (it only lifts locks), and
 * the demo seed's locks expire 13–14 minutes after seeding, so the E2E writes its own through
 * the embedded store's Redis-command view (crates/store/migrations/embedded/0001_keyspace.sql:
 * a SET row with a TTL in ms and the clock's now in ms), exactly what a Redis SETEX becomes in
 * that file.
 */
export async function serviceLocksAccount(userId, minutes = 15) {
  if (!/^user_[A-Za-z0-9_-]+$/.test(userId)) throw new Error(`not a user id: ${userId}`);
  const now = Date.now();
  // Python's naive utcnow().isoformat(): no zone, microseconds.
  const until = new Date(now + minutes * 60_000).toISOString().replace("Z", "000");
  const sql =
    "INSERT INTO kv_write (op, key, field, value, n1, n2, now_ms) " +
    `VALUES ('SET', 'account_lock:${userId}', NULL, CAST('${until}' AS BLOB), ${minutes * 60_000}, NULL, ${now});`;
  await run("sqlite3", ["-cmd", ".timeout 20000", STORE, sql], { timeout: 30_000 });
  return until;
}
