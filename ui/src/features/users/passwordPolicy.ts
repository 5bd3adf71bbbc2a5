// The password rules the console can check while the operator types (issue 4, item 2): at least
// 12 characters and at most 72 UTF-8 bytes, because bcrypt>=5 raises on longer input rather than
// truncating it (CONTRACT §1.4) — Korean letters take 3 bytes each, so 25 of them are already
// too long. Whether a password is a common one is the Rust side's call (its bundled list); the
// dialog shows that refusal when it comes back.

export const MIN_CHARS = 12;
export const MAX_BYTES = 72;

export interface PasswordCheck {
  /** Unicode scalar values, as the Rust side counts `chars()` */
  chars: number;
  bytes: number;
  longEnough: boolean;
  shortEnough: boolean;
  /** confirm typed and equal */
  matches: boolean;
  /** confirm typed and different */
  mismatch: boolean;
}

const encoder = new TextEncoder();

export function checkPassword(password: string, confirm: string): PasswordCheck {
  const chars = [...password].length;
  const bytes = encoder.encode(password).length;
  return {
    chars,
    bytes,
    longEnough: chars >= MIN_CHARS,
    shortEnough: bytes <= MAX_BYTES,
    matches: confirm.length > 0 && confirm === password,
    mismatch: confirm.length > 0 && confirm !== password,
  };
}

/** Everything the console can decide locally holds (the common-password check is the server's). */
export function passwordAcceptable(c: PasswordCheck): boolean {
  return c.longEnough && c.shortEnough && c.matches;
}
