/** A small inline spinner for buttons and headers. */
export function Spinner(props: { label?: string }) {
  return <span className="spinner" role="status" aria-label={props.label} />;
}

/** Determinate when `value` (0..1) is given, otherwise an indeterminate sweep. */
export function ProgressBar(props: { value?: number | null; label?: string; testid?: string }) {
  const known = props.value !== undefined && props.value !== null && Number.isFinite(props.value);
  const pct = known ? Math.max(0, Math.min(1, props.value as number)) * 100 : 0;
  return (
    <div
      className={known ? "progress" : "progress progress-indeterminate"}
      role="progressbar"
      aria-label={props.label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={known ? Math.round(pct) : undefined}
      data-testid={props.testid}
    >
      {/* width via CSSOM (React style prop): allowed under `style-src 'self'` */}
      <div className="progress-fill" style={known ? { width: `${pct}%` } : undefined} />
    </div>
  );
}
