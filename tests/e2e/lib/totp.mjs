// TOTP codes for the demo operators (RFC 6238 over RFC 4226 HOTP; SHA-1, 6 digits, 30 s steps
// unless told otherwise). Base32 per RFC 4648 §6, decoded here so the tests need no package.
import { createHmac } from "node:crypto";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** Decode RFC 4648 base32 (case-insensitive; spaces and '=' padding ignored). */
export function base32Decode(text) {
  const clean = text.toUpperCase().replace(/[\s=]/g, "");
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of clean) {
    const idx = ALPHABET.indexOf(ch);
    if (idx < 0) throw new Error(`not base32: ${JSON.stringify(ch)}`);
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

/** RFC 4226 HOTP of `counter` (a non-negative integer) under raw `key` bytes. */
export function hotp(key, counter, { digits = 6, algorithm = "sha1" } = {}) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm, key).update(msg).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const bin = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(bin % 10 ** digits).padStart(digits, "0");
}

/** The RFC 6238 time step containing `epochMs`. */
export function timeStep(epochMs = Date.now(), period = 30) {
  return Math.floor(epochMs / 1000 / period);
}

/** The TOTP code for a base32 secret at `epochMs`. */
export function totp(secretBase32, epochMs = Date.now(), { digits = 6, period = 30, algorithm = "sha1" } = {}) {
  return hotp(base32Decode(secretBase32), timeStep(epochMs, period), { digits, algorithm });
}

/**
 * A code for a step no earlier than `notBeforeStep` (the console refuses a step it already
 * accepted for the same user), and with at least `marginMs` left in its window so it is still
 * valid when the form is submitted. Waits when needed. Returns { code, step }.
 */
export async function freshTotp(secretBase32, { notBeforeStep = 0, marginMs = 4000, period = 30 } = {}) {
  for (;;) {
    const now = Date.now();
    const step = timeStep(now, period);
    const left = (step + 1) * period * 1000 - now;
    if (step >= notBeforeStep && left >= marginMs) {
      return { code: totp(secretBase32, now, { period }), step };
    }
    const wait = step < notBeforeStep ? notBeforeStep * period * 1000 - now : left;
    await new Promise((r) => setTimeout(r, Math.max(50, wait + 50)));
  }
}
