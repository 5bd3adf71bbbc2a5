import type { ReactNode } from "react";
import type { Tone } from "./Badge";

/** One figure with its label. `value` is the raw number (or a status word) carried in
 *  `data-value` for tests and tooling; `children` is what the operator reads. */
export function Stat(props: {
  label: string;
  testid: string;
  value: string | number | null;
  tone?: Tone;
  hint?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className={`stat stat-${props.tone ?? "neutral"}`}>
      <div className="stat-label">{props.label}</div>
      <div
        className="stat-value num"
        data-testid={props.testid}
        data-value={props.value === null ? undefined : String(props.value)}
      >
        {props.children}
      </div>
      {props.hint !== undefined && <div className="stat-hint">{props.hint}</div>}
    </div>
  );
}
