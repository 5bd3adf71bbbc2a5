// Operator-assisted MFA enrolment, step 1 and 2 on one panel: the QR code (drawn from the
// module matrix the Rust side computed from the otpauth URI) with the secret as text, then the
// code from the authenticator. Nothing is written until the Rust side accepts the code.
import { useId, useState, type ReactNode } from "react";
import { useT } from "../../i18n";
import { Spinner } from "../../shared/Progress";
import { QrCode, type QrMatrix } from "../../shared/QrCode";
import { SecretText, type CopyText } from "../../shared/SecretText";
import "./users.css";

export interface MfaEnrollment {
  /** base32, 32 characters */
  secret: string;
  issuer: string;
  /** the otpauth label's account part, as the service writes it */
  account: string;
  qr: QrMatrix;
}

export function MfaEnrollPanel(props: {
  email: string;
  enrollment: MfaEnrollment;
  onConfirm: (code: string) => void;
  onCancel?: () => void;
  busy?: boolean;
  /** a refused code (wrong, or a clock drift of more than one step), from the caller */
  error?: ReactNode;
  copy?: CopyText;
}) {
  const t = useT();
  const id = useId();
  const [code, setCode] = useState("");
  const e = props.enrollment;
  const valid = /^\d{6}$/.test(code);
  return (
    <section className="panel mfa-enroll" data-testid="mfa-enroll">
      <h2 className="panel-title">{t("mfa.enroll.title", { email: props.email })}</h2>
      <div className="mfa-enroll-grid">
        <QrCode matrix={e.qr} label={t("mfa.enroll.qr", { account: e.account })} testid="mfa-qr" />
        <div className="stack">
          <p>{t("mfa.enroll.step1")}</p>
          <dl className="kv">
            <dt>{t("mfa.enroll.issuer")}</dt>
            <dd>{e.issuer}</dd>
            <dt>{t("mfa.enroll.account")}</dt>
            <dd>{e.account}</dd>
          </dl>
          <div className="field">
            <span className="field-label">{t("mfa.enroll.secret")}</span>
            <SecretText secret={e.secret} label={t("mfa.enroll.secret")} copy={props.copy} testid="mfa-secret" />
          </div>
        </div>
      </div>
      <form
        className="stack mfa-enroll-confirm"
        onSubmit={(ev) => {
          ev.preventDefault();
          if (valid && !props.busy) props.onConfirm(code);
        }}
      >
        <p>{t("mfa.enroll.step2")}</p>
        <div className="row">
          <label className="sr-only" htmlFor={id}>
            {t("mfa.enroll.code")}
          </label>
          <input
            id={id}
            className="input input-code num"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            placeholder="000000"
            value={code}
            disabled={props.busy}
            onChange={(ev) => setCode(ev.target.value.replace(/\D/g, ""))}
            data-testid="mfa-code"
          />
          <button type="submit" className="btn btn-primary" disabled={!valid || props.busy} data-testid="mfa-confirm">
            {props.busy && <Spinner />}
            {t("mfa.enroll.confirm")}
          </button>
          {props.onCancel && (
            <button type="button" className="btn btn-ghost" onClick={props.onCancel} disabled={props.busy}>
              {t("action.cancel")}
            </button>
          )}
        </div>
        <div className="note">{t("mfa.enroll.not_saved")}</div>
        {props.error}
      </form>
    </section>
  );
}
