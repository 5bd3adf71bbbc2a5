import { useState, type FormEvent } from "react";
import { signIn, toIpcError, type IpcError, type SessionView } from "../../platform";
import { useT } from "../../i18n";
import { Field } from "../../shared/Field";
import { Spinner } from "../../shared/Progress";
import { signInErrorKey } from "./messages";

const TOTP = /^\d{6}$/;

/** Email, password and the 6-digit code. The password and code leave component state the
 *  moment the form is submitted, whatever the outcome. */
export function SignInForm(props: {
  initialEmail?: string;
  disabled?: boolean;
  submitLabel?: string;
  onSignedIn: (session: SessionView) => void;
}) {
  const t = useT();
  const [email, setEmail] = useState(props.initialEmail ?? "");
  const [password, setPassword] = useState("");
  const [totp, setTotp] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);
  const [codeError, setCodeError] = useState<string | null>(null);

  // The demo offer can fill in an operator's email after the form first rendered.
  const [seenInitial, setSeenInitial] = useState(props.initialEmail);
  if (props.initialEmail !== seenInitial) {
    setSeenInitial(props.initialEmail);
    if (props.initialEmail) setEmail(props.initialEmail);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const code = totp.replace(/\s/g, "");
    if (!TOTP.test(code)) {
      setCodeError(t("signin.error.code_format"));
      return;
    }
    const input = { email: email.trim(), password, totp: code };
    setPassword("");
    setTotp("");
    setCodeError(null);
    setError(null);
    setBusy(true);
    try {
      const session = await signIn(input);
      props.onSignedIn(session);
    } catch (e) {
      setError(toIpcError(e));
      setBusy(false);
    }
  }

  const errorKey = error ? signInErrorKey(error) : null;
  const disabled = props.disabled || busy;
  return (
    <form className="form signin-form" onSubmit={submit} noValidate>
      <Field label={t("signin.email")}>
        {(id) => (
          <input
            id={id}
            className="input"
            type="email"
            autoComplete="username"
            spellCheck={false}
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            disabled={disabled}
            data-testid="signin-email"
          />
        )}
      </Field>
      <Field label={t("signin.password")}>
        {(id) => (
          <input
            id={id}
            className="input"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            disabled={disabled}
            data-testid="signin-password"
          />
        )}
      </Field>
      <Field label={t("signin.totp")} hint={t("signin.totp.hint")} error={codeError}>
        {(id, describedBy) => (
          <input
            id={id}
            className="input input-code mono"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={7}
            placeholder="000000"
            aria-describedby={describedBy}
            value={totp}
            onChange={(e) => setTotp(e.target.value.replace(/[^\d ]/g, ""))}
            disabled={disabled}
            data-testid="signin-totp"
          />
        )}
      </Field>
      {error && (
        <div className="banner banner-danger" role="alert" data-code={error.code}>
          <div className="banner-body">
            <div className="banner-message" data-testid="signin-error">
              {errorKey ? t(errorKey) : error.message}
            </div>
            {error.incident && (
              <div className="banner-meta">
                <span>
                  {t("error.incident")} <code className="mono">{error.incident}</code>
                </span>
              </div>
            )}
          </div>
        </div>
      )}
      <button type="submit" className="btn btn-primary btn-block" disabled={disabled} data-testid="signin-submit">
        {busy && <Spinner />}
        {busy ? t("signin.submitting") : (props.submitLabel ?? t("signin.submit"))}
      </button>
    </form>
  );
}
