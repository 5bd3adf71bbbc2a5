// Create a user (issue 4, item 2): e-mail (unique through `user_email:*`, exact string), a
// username in any script, a role (basic_user by default, as `register_user`), and a password
// checked live against the rules the console can check itself — length in characters, size in
// UTF-8 bytes (bcrypt's 72), confirmation — while the common-password list stays on the Rust
// side, whose refusal lands on the checklist. Asking for admin creates a basic_user and a
// four-eyes request, and the dialog says so before and after.
import { useEffect, useState, type ReactNode } from "react";
import { toIpcError, type IpcError } from "../../platform";
import { useT } from "../../i18n";
import { Dialog } from "../../shared/Dialog";
import { Field } from "../../shared/Field";
import { Spinner } from "../../shared/Progress";
import { ActionError } from "./actionError";
import { SERVICE_ROLES, type CreatedUser, type ServiceRole, type UserAdminApi } from "./api";
import { checkPassword, MAX_BYTES, MIN_CHARS, passwordAcceptable } from "./passwordPolicy";
import "./users.css";

type Refusals = Partial<Record<"email" | "username" | "password", string>>;

export function CreateUserDialog(props: {
  open: boolean;
  api: UserAdminApi;
  onClose: () => void;
  /** after a successful creation (the dialog stays open on its result until closed) */
  onCreated?: (created: CreatedUser) => void;
}) {
  const t = useT();
  const [email, setEmail] = useState("");
  const [username, setUsername] = useState("");
  const [role, setRole] = useState<ServiceRole>("basic_user");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [busy, setBusy] = useState(false);
  const [refused, setRefused] = useState<Refusals>({});
  const [error, setError] = useState<IpcError | null>(null);
  const [created, setCreated] = useState<CreatedUser | null>(null);

  useEffect(() => {
    if (props.open) {
      setEmail("");
      setUsername("");
      setRole("basic_user");
      setPassword("");
      setConfirm("");
      setRefused({});
      setError(null);
      setCreated(null);
    }
  }, [props.open]);

  const check = checkPassword(password, confirm);
  const emailOk = /^[^\s@]+@[^\s@]+$/.test(email.trim());
  const ready = emailOk && username.trim() !== "" && passwordAcceptable(check) && !refused.password && !refused.email;

  const submit = async () => {
    if (!ready || busy) return;
    setBusy(true);
    setError(null);
    try {
      const r = await props.api.create({ email: email.trim(), username: username.trim(), role, password });
      if (r.kind === "refused") {
        if (r.field) setRefused((x) => ({ ...x, [r.field as string]: r.error.message }));
        else setError(r.error);
      } else {
        const done = { user: r.user, approval: r.approval };
        setCreated(done);
        setPassword("");
        setConfirm("");
        props.onCreated?.(done);
      }
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      setBusy(false);
    }
  };

  if (created) {
    return (
      <Dialog
        open={props.open}
        title={t("create.title")}
        onClose={props.onClose}
        testid="create-user"
        actions={
          <button type="button" className="btn btn-primary" onClick={props.onClose} data-testid="create-close">
            {t("action.close")}
          </button>
        }
      >
        <div className="stack" data-testid="create-result" data-approval={created.approval ? "requested" : "none"}>
          <div className="banner banner-ok" role="status">
            <div className="banner-body">
              <div className="banner-title">{t("create.done", { email: created.user.email, role: created.user.role })}</div>
              <div className="banner-message mono">{created.user.id}</div>
            </div>
          </div>
          {created.approval && (
            <div className="banner banner-info" role="status" data-testid="create-approval">
              <div className="banner-body">
                <div className="banner-title">{t("role.requested.title")}</div>
                <div className="banner-message">{t("create.admin_requested")}</div>
              </div>
            </div>
          )}
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog
      open={props.open}
      wide
      title={t("create.title")}
      onClose={() => !busy && props.onClose()}
      testid="create-user"
      actions={
        <>
          <button type="button" className="btn" onClick={props.onClose} disabled={busy} data-testid="create-cancel">
            {t("action.cancel")}
          </button>
          <button type="submit" form="create-user-form" className="btn btn-primary" disabled={!ready || busy} data-testid="create-submit">
            {busy && <Spinner />}
            {role === "admin" ? t("create.submit_admin") : t("create.submit")}
          </button>
        </>
      }
    >
      <form
        id="create-user-form"
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div className="form-grid create-grid">
          <Field label={t("users.col.email")} error={refused.email ?? null}>
            {(id, describedBy) => (
              <input
                id={id}
                className="input"
                type="email"
                autoComplete="off"
                spellCheck={false}
                value={email}
                disabled={busy}
                aria-describedby={describedBy}
                aria-invalid={refused.email ? true : undefined}
                onChange={(e) => {
                  setEmail(e.target.value);
                  setRefused(({ email: _e, ...rest }) => rest);
                }}
                data-testid="create-email"
              />
            )}
          </Field>
          <Field label={t("users.col.username")} hint={t("create.username.hint")} error={refused.username ?? null}>
            {(id, describedBy) => (
              <input
                id={id}
                className="input"
                autoComplete="off"
                value={username}
                disabled={busy}
                aria-describedby={describedBy}
                onChange={(e) => {
                  setUsername(e.target.value);
                  setRefused(({ username: _u, ...rest }) => rest);
                }}
                data-testid="create-username"
              />
            )}
          </Field>
          <Field label={t("users.col.role")}>
            {(id) => (
              <select id={id} className="input" value={role} disabled={busy} onChange={(e) => setRole(e.target.value as ServiceRole)} data-testid="create-role">
                {SERVICE_ROLES.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        {role === "admin" && (
          <div className="banner banner-info" role="note" data-testid="create-admin-note">
            <div className="banner-body">
              <div className="banner-title">{t("create.admin.title")}</div>
              <div className="banner-message">{t("create.admin.body")}</div>
            </div>
          </div>
        )}
        <div className="form-grid create-grid">
          <Field label={t("create.password")}>
            {(id) => (
              <input
                id={id}
                className="input"
                type="password"
                autoComplete="new-password"
                value={password}
                disabled={busy}
                aria-describedby="create-policy"
                onChange={(e) => {
                  setPassword(e.target.value);
                  setRefused(({ password: _p, ...rest }) => rest);
                }}
                data-testid="create-password"
              />
            )}
          </Field>
          <Field label={t("create.confirm")}>
            {(id) => (
              <input
                id={id}
                className="input"
                type="password"
                autoComplete="new-password"
                value={confirm}
                disabled={busy}
                aria-invalid={check.mismatch ? true : undefined}
                onChange={(e) => setConfirm(e.target.value)}
                data-testid="create-confirm"
              />
            )}
          </Field>
        </div>
        <ul className="policy" id="create-policy" aria-label={t("create.policy")} data-testid="create-policy">
          <PolicyItem state={password === "" ? "idle" : check.longEnough ? "ok" : "bad"} testid="policy-length">
            {t("create.policy.length", { min: MIN_CHARS, count: check.chars })}
          </PolicyItem>
          <PolicyItem state={password === "" ? "idle" : check.shortEnough ? "ok" : "bad"} testid="policy-bytes" value={check.bytes}>
            {t("create.policy.bytes", { max: MAX_BYTES, bytes: check.bytes })}
            {!check.shortEnough && <div className="policy-why">{t("create.policy.bytes_why", { chars: check.chars, bytes: check.bytes, max: MAX_BYTES })}</div>}
          </PolicyItem>
          <PolicyItem state={refused.password ? "bad" : "idle"} testid="policy-common">
            {t("create.policy.common")}
            <div className="policy-why">{refused.password ?? t("create.policy.common_server")}</div>
          </PolicyItem>
          <PolicyItem state={confirm === "" ? "idle" : check.matches ? "ok" : "bad"} testid="policy-match">
            {check.mismatch ? t("create.policy.mismatch") : t("create.policy.match")}
          </PolicyItem>
        </ul>
        <ActionError error={error} />
      </form>
    </Dialog>
  );
}

function PolicyItem(props: { state: "idle" | "ok" | "bad"; children: ReactNode; testid: string; value?: number }) {
  const t = useT();
  return (
    <li className={`policy-item policy-${props.state}`} data-testid={props.testid} data-state={props.state} data-value={props.value}>
      <span className="policy-mark" aria-hidden="true">
        {props.state === "ok" ? "✓" : props.state === "bad" ? "✕" : "·"}
      </span>
      <span className="sr-only">{t(props.state === "ok" ? "create.policy.met" : props.state === "bad" ? "create.policy.unmet" : "create.policy.pending")}</span>
      <span className="policy-text">{props.children}</span>
    </li>
  );
}
