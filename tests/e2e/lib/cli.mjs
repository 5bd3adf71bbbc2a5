// The `rampart` command line, for seeding the demo store and reading the same figures the
// Overview shows (`rampart --json status` prints the core's Overview struct).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { appendFileSync, existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { ARTIFACTS, CLI, STORE } from "./env.mjs";
import { DEMO_PASSWORD, E2E_SEED } from "./demo.mjs";
import { freshTotp } from "./totp.mjs";
import { steps } from "./steps.mjs";

const run = promisify(execFile);

/** Every CLI invocation's stderr (its log lines, at debug under run.sh), kept for the secret
 *  search in console.test.mjs. */
export const CLI_LOG = path.join(ARTIFACTS, "cli-stderr.log");

function keepStderr(args, stderr) {
  mkdirSync(ARTIFACTS, { recursive: true });
  appendFileSync(CLI_LOG, `$ rampart ${args.join(" ")}\n${stderr ?? ""}`);
}

export async function rampart(args, { env = {}, timeout = 120_000 } = {}) {
  try {
    const { stdout, stderr } = await run(CLI, args, { env: { ...process.env, ...env }, timeout, maxBuffer: 64 << 20 });
    keepStderr(args, stderr);
    return { stdout, stderr };
  } catch (e) {
    keepStderr(args, e.stderr);
    throw new Error(`rampart ${args.join(" ")} failed (exit ${e.code}):\n${e.stdout ?? ""}\n${e.stderr ?? ""}`);
  }
}

/** Seed the default profile's embedded store once (resumable; a no-op when already seeded). */
export async function seedDemoStore() {
  if (existsSync(STORE)) return { seeded: false };
  const t0 = Date.now();
  await rampart(["--embedded", STORE, "demo", "seed", ...E2E_SEED], { timeout: 600_000 });
  return { seeded: true, ms: Date.now() - t0 };
}

/** `rampart --json status` for the default store, signed in as `op` through the env vars. */
export async function cliStatus(op) {
  const { code, step } = await freshTotp(op.totpSecret, { notBeforeStep: steps.next(op.email) });
  steps.used(op.email, step);
  const { stdout } = await rampart(["--embedded", STORE, "--json", "status"], {
    env: { RAMPART_OPERATOR_EMAIL: op.email, RAMPART_OPERATOR_PASSWORD: DEMO_PASSWORD, RAMPART_OPERATOR_TOTP: code },
  });
  return JSON.parse(stdout);
}
