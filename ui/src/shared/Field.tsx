import { useId, type ReactNode } from "react";

/** A labelled form control with an optional hint and error. `children` receives the id to put
 *  on the control so the label and messages are wired for screen readers. */
export function Field(props: {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  children: (id: string, describedBy: string | undefined) => ReactNode;
  wide?: boolean;
}) {
  const id = useId();
  const hintId = props.hint ? `${id}-hint` : undefined;
  const errorId = props.error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className={props.wide ? "field field-wide" : "field"}>
      <label className="field-label" htmlFor={id}>
        {props.label}
      </label>
      {props.children(id, describedBy)}
      {props.hint && (
        <div className="field-hint" id={hintId}>
          {props.hint}
        </div>
      )}
      {props.error && (
        <div className="field-error" id={errorId} role="alert">
          {props.error}
        </div>
      )}
    </div>
  );
}
