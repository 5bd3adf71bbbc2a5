// An action the audit trail must explain (deactivate, unlock, reset MFA…): what will change, and
// a reason of at least `minLength` characters that goes into the audit event with it.
import { useEffect, useId, useState, type ReactNode } from "react";
import { useT } from "../i18n";
import { Dialog } from "./Dialog";
import { Spinner } from "./Progress";
import "./uikit.css";

export function ReasonDialog(props: {
  open: boolean;
  title: string;
  /** what will change, in the operator's words ("alice@… will no longer sign in") */
  change: ReactNode;
  confirmLabel: string;
  onConfirm: (reason: string) => void;
  onCancel: () => void;
  /** the action is running: inputs locked, cancel disabled */
  busy?: boolean;
  /** a failure from the last attempt (an ErrorBanner, usually) */
  error?: ReactNode;
  minLength?: number;
  destructive?: boolean;
  /** extra fields (a duration for an IP block), above the reason */
  children?: ReactNode;
  testid?: string;
}) {
  const t = useT();
  const id = useId();
  const min = props.minLength ?? 10;
  const [reason, setReason] = useState("");
  const [touched, setTouched] = useState(false);
  useEffect(() => {
    if (props.open) {
      setReason("");
      setTouched(false);
    }
  }, [props.open]);
  const length = [...reason.trim()].length;
  const ok = length >= min;
  return (
    <Dialog
      open={props.open}
      title={props.title}
      onClose={() => !props.busy && props.onCancel()}
      testid={props.testid}
      actions={
        <>
          <button type="button" className="btn" onClick={props.onCancel} disabled={props.busy} data-testid="reason-cancel">
            {t("action.cancel")}
          </button>
          <button
            type="button"
            className={props.destructive ? "btn btn-danger" : "btn btn-primary"}
            disabled={!ok || props.busy}
            onClick={() => props.onConfirm(reason.trim())}
            data-testid="reason-confirm"
          >
            {props.busy && <Spinner />}
            {props.confirmLabel}
          </button>
        </>
      }
    >
      <div className="stack">
        <div className={props.destructive ? "change-summary change-summary-danger" : "change-summary"}>{props.change}</div>
        {props.children}
        <div className="field">
          <label className="field-label" htmlFor={id}>
            {t("reason.label")}
          </label>
          <textarea
            id={id}
            className="input textarea"
            value={reason}
            disabled={props.busy}
            onChange={(e) => setReason(e.target.value)}
            onBlur={() => setTouched(true)}
            aria-describedby={`${id}-hint`}
            aria-invalid={touched && !ok}
            data-testid="reason-text"
          />
          <div className="row">
            <div className={touched && !ok ? "field-error" : "field-hint"} id={`${id}-hint`}>
              {t("reason.hint", { min })}
            </div>
            <span className="spacer" />
            <span className="char-count num">{t("reason.count", { count: length, min })}</span>
          </div>
        </div>
        {props.error}
      </div>
    </Dialog>
  );
}
