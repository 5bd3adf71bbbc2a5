// Secrets the console shows exactly once (backup codes after MFA enrolment, a new API key): the
// store keeps only their hashes, so once this closes nobody can show them again. Closing —
// button or Escape — needs the operator's explicit "I have stored these".
import { useId, useState, type ReactNode } from "react";
import { useT } from "../i18n";
import { Dialog } from "./Dialog";
import { browserCopy, useCopy, type CopyText } from "./SecretText";
import "./uikit.css";

export function OneTimeSecret(props: {
  open: boolean;
  title: string;
  /** what the secrets are for, e.g. the user they belong to */
  context?: ReactNode;
  /** backup codes as a numbered list; a single item (an API key) as one line */
  items: readonly string[];
  onClose: () => void;
  copy?: CopyText;
  /** defaults to window.print with everything but the secret hidden */
  print?: () => void;
  testid?: string;
}) {
  const t = useT();
  const ackId = useId();
  const [ack, setAck] = useState(false);
  const [nagged, setNagged] = useState(false);
  const c = useCopy(props.copy ?? browserCopy);
  const single = props.items.length === 1;

  const tryClose = () => {
    if (!ack) {
      setNagged(true);
      return;
    }
    setAck(false);
    setNagged(false);
    props.onClose();
  };

  const print = () => {
    if (props.print) return props.print();
    const root = document.documentElement;
    root.classList.add("printing-secret");
    const done = () => {
      root.classList.remove("printing-secret");
      window.removeEventListener("afterprint", done);
    };
    window.addEventListener("afterprint", done);
    window.print();
  };

  return (
    <Dialog
      open={props.open}
      title={props.title}
      onClose={tryClose}
      testid={props.testid}
      actions={
        <>
          <button type="button" className="btn" onClick={print} data-testid="ots-print">
            {t("ots.print")}
          </button>
          <span className="spacer" />
          <button type="button" className="btn btn-primary" disabled={!ack} onClick={tryClose} data-testid="ots-close">
            {t("ots.close")}
          </button>
        </>
      }
    >
      <div className="stack">
        <div className="banner banner-warn" role="note">
          <div className="banner-body">
            <div className="banner-title">{t("ots.warning.title")}</div>
            <div className="banner-message">{single ? t("ots.warning.key") : t("ots.warning.codes")}</div>
          </div>
        </div>
        {props.context && <div className="muted">{props.context}</div>}
        <div className="ots-print">
          <div className="ots-title-print">{props.title}</div>
          <ol className={single ? "ots-items ots-single" : "ots-items"} data-testid="ots-items">
            {props.items.map((item, i) => (
              <li key={i}>{item}</li>
            ))}
          </ol>
        </div>
        <div className="row">
          <button type="button" className="btn btn-small" onClick={() => void c.copy(props.items.join("\n"))} data-testid="ots-copy">
            {single ? t("secret.copy") : t("ots.copy_all")}
          </button>
          <span className="copied-note" role="status">
            {c.state === "copied" ? t("secret.copied") : c.state === "failed" ? t("secret.copy_failed") : ""}
          </span>
        </div>
        <label className="check" htmlFor={ackId}>
          <input id={ackId} type="checkbox" checked={ack} onChange={(e) => setAck(e.target.checked)} data-testid="ots-ack" />
          {single ? t("ots.ack.key") : t("ots.ack.codes")}
        </label>
        {nagged && !ack && (
          <div className="ots-hint" role="alert" data-testid="ots-nag">
            {t("ots.ack_first")}
          </div>
        )}
      </div>
    </Dialog>
  );
}
