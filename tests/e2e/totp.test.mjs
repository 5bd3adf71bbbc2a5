// The TOTP helper against RFC 6238 Appendix B (SHA-1 rows) and RFC 4226 Appendix D, so a failed
// sign-in in the desktop E2E cannot be blamed on the test's own code generator.
import { test } from "node:test";
import assert from "node:assert/strict";
import { base32Decode, hotp, totp, timeStep } from "./lib/totp.mjs";
import { OPERATORS } from "./lib/demo.mjs";

// RFC 6238 Appendix B: key "12345678901234567890", 8 digits, SHA-1.
const RFC6238_SHA1 = [
  [59, "94287082"],
  [1111111109, "07081804"],
  [1111111111, "14050471"],
  [1234567890, "89005924"],
  [2000000000, "69279037"],
  [20000000000, "65353130"],
];
// The same key in base32 (RFC 4648), as authenticator apps receive it.
const KEY_B32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

test("base32 decodes the RFC 6238 key", () => {
  assert.equal(base32Decode(KEY_B32).toString("latin1"), "12345678901234567890");
  assert.equal(base32Decode("mzxw6ytb oi======").toString(), "foobar", "lower case, spaces and padding");
  assert.throws(() => base32Decode("A1"), /not base32/);
});

for (const [t, want] of RFC6238_SHA1) {
  test(`RFC 6238 Appendix B, SHA-1, T=${t}`, () => {
    assert.equal(totp(KEY_B32, t * 1000, { digits: 8 }), want);
  });
}

test("RFC 4226 Appendix D HOTP values", () => {
  const want = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"];
  want.forEach((code, counter) => assert.equal(hotp(Buffer.from("12345678901234567890"), counter), code, `counter ${counter}`));
});

test("6-digit codes and steps", () => {
  assert.equal(timeStep(59_000), 1);
  assert.equal(totp(KEY_B32, 59_000), "287082", "6 digits = last 6 of the 8-digit code");
});

test("every demo operator secret decodes to 20 bytes (160-bit, as RFC 4226 recommends)", () => {
  for (const op of Object.values(OPERATORS)) {
    assert.equal(base32Decode(op.totpSecret).length, 20, op.email);
    assert.match(totp(op.totpSecret), /^\d{6}$/);
  }
});
