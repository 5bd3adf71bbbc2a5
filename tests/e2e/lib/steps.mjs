// The console refuses a TOTP time step it already accepted for the same operator. Every
// sign-in in this test process (app or CLI) records its step here, and the next one for the
// same operator waits for a later step.
const last = new Map();
export const steps = {
  used(email, step) {
    last.set(email, Math.max(step, last.get(email) ?? -1));
  },
  next(email) {
    return (last.get(email) ?? -1) + 1;
  },
};
