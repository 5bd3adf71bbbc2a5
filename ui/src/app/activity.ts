import { useEffect } from "react";
import { activity } from "../platform";

const THROTTLE_MS = 30_000;
const INPUTS = ["pointerdown", "pointermove", "keydown", "wheel"] as const;

/** Tells the Rust side the operator is here, so its inactivity lock does not fire under
 *  their hands: at most one `activity()` per 30 s, only while signed in. */
export function useActivityHeartbeat(enabled: boolean) {
  useEffect(() => {
    if (!enabled) return;
    let last = 0;
    const onInput = () => {
      const now = Date.now();
      if (now - last < THROTTLE_MS) return;
      last = now;
      activity().catch(() => undefined); // a failed ping is caught by the next session poll
    };
    for (const type of INPUTS) window.addEventListener(type, onInput, { passive: true, capture: true });
    return () => {
      for (const type of INPUTS) window.removeEventListener(type, onInput, { capture: true });
    };
  }, [enabled]);
}
