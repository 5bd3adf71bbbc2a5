// Time left on a key with a TTL (a lock, a block, a rate-limit window), counting down live.
// The TTL is as Redis reported it when read; the count runs from that moment on this machine's
// monotonic clock, so a wrong wall clock on the operator's machine cannot stretch it.
import { useEffect, useState } from "react";
import { useT } from "../i18n";

/** performance.now() now, re-rendered every `intervalMs`. */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(performance.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** Seconds left, never below 0. `readAt` is the performance.now() of the read. */
export function secondsLeft(ttlSeconds: number, readAt: number, now: number): number {
  return Math.max(0, Math.ceil(ttlSeconds - (now - readAt) / 1000));
}

export function Countdown(props: { ttlSeconds: number; readAt: number; testid?: string }) {
  const t = useT();
  const now = useNow(1000);
  const left = secondsLeft(props.ttlSeconds, props.readAt, now);
  const h = Math.floor(left / 3600);
  const m = Math.floor((left % 3600) / 60);
  const s = left % 60;
  const text =
    left === 0
      ? t("time.expired")
      : h > 0
        ? t("time.hms", { h, m, s: String(s).padStart(2, "0") })
        : m > 0
          ? t("time.ms", { m, s: String(s).padStart(2, "0") })
          : t("time.s", { s });
  return (
    <span className={left === 0 ? "num muted" : "num"} data-testid={props.testid} data-value={left}>
      {text}
    </span>
  );
}
