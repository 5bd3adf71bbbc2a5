// A filled bar with its figure beside it: MFA coverage by role, an API key's usage against its
// limit. The tone is the caller's judgement (what is good depends on what is measured).
import "./uikit.css";

export function Meter(props: {
  /** 0..1; null when there is nothing to divide */
  value: number | null;
  tone: "neutral" | "ok" | "warn" | "danger";
  /** the figure shown beside the bar */
  label: string;
  wide?: boolean;
  testid?: string;
}) {
  const v = props.value === null ? 0 : Math.max(0, Math.min(1, props.value));
  return (
    <span className={`coverage coverage-${props.tone}${props.wide ? " meter-wide" : ""}`} data-testid={props.testid} data-value={props.value ?? ""}>
      <span className="coverage-bar" aria-hidden="true">
        {/* width via CSSOM (React style prop): allowed under `style-src 'self'` */}
        <span className="coverage-fill" style={{ width: `${v * 100}%` }} />
      </span>
      <span className="num">{props.label}</span>
    </span>
  );
}
