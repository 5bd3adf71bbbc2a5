// Confirmation in proportion to the damage: a plain confirm for reversible actions, and for an
// irreversible one the operator types the phrase (usually the e-mail or key id) it applies to.
import { useEffect, useId, useState, type ReactNode } from "react";
import { useT } from "../i18n";
import { Dialog } from "./Dialog";
import { Spinner } from "./Progress";
import "./uikit.css";

export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  /** when set, the confirm button stays disabled until this exact text is typed */
  typeToConfirm?: string;
  destructive?: boolean;
  busy?: boolean;
  error?: ReactNode;
  testid?: string;
}) {
  const t = useT();
  const id = useId();
  const [typed, setTyped] = useState("");
  useEffect(() => {
    if (props.open) setTyped("");
  }, [props.open]);
  const ok = props.typeToConfirm === undefined || typed === props.typeToConfirm;
  return (
    <Dialog
      open={props.open}
      title={props.title}
      onClose={() => !props.busy && props.onCancel()}
      testid={props.testid}
      actions={
        <>
          <button type="button" className="btn" onClick={props.onCancel} disabled={props.busy} data-testid="confirm-cancel">
            {t("action.cancel")}
          </button>
          <button
            type="button"
            className={props.destructive ? "btn btn-danger" : "btn btn-primary"}
            disabled={!ok || props.busy}
            onClick={props.onConfirm}
            data-testid="confirm-ok"
          >
            {props.busy && <Spinner />}
            {props.confirmLabel}
          </button>
        </>
      }
    >
      <div className="stack">
        <div className={props.destructive ? "change-summary change-summary-danger" : "change-summary"}>{props.children}</div>
        {props.typeToConfirm !== undefined && (
          <div className="field">
            <label className="field-label" htmlFor={id}>
              {t("confirm.type_label")} <span className="confirm-phrase">{props.typeToConfirm}</span>
            </label>
            <input
              id={id}
              className="input mono"
              value={typed}
              autoComplete="off"
              spellCheck={false}
              disabled={props.busy}
              onChange={(e) => setTyped(e.target.value)}
              data-testid="confirm-type"
            />
          </div>
        )}
        {props.error}
      </div>
    </Dialog>
  );
}
