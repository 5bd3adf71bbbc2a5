// Grant a console role to a user by e-mail, or change an operator's role. The dialog is the
// confirmation: below the choice it says what will change (a first role, or from → to), what the
// role may do, and when the change would lock someone out (your own admin role, the last
// console admin, an account that cannot sign in yet). Nothing is written before the button.
import { useEffect, useId, useState } from "react";
import { toIpcError, type IpcError } from "../../platform";
import { useT, type MessageKey } from "../../i18n";
import { Badge } from "../../shared/Badge";
import { Dialog } from "../../shared/Dialog";
import { Spinner } from "../../shared/Progress";
import { roleKey } from "../../shared/roles";
import { ActionError } from "../users/actionError";
import { BLOCKER_KEY, CONSOLE_ROLES, roleTone, type ConsoleRole, type OperatorEntry, type OperatorGrantView, type OperatorRoster, type OperatorsApi } from "./api";

export function GrantDialog(props: {
  open: boolean;
  /** an operator whose role changes; null: grant to an e-mail typed here */
  entry: OperatorEntry | null;
  roster: OperatorRoster;
  self: string;
  api: OperatorsApi;
  onCancel: () => void;
  onGranted: (g: OperatorGrantView) => void;
}) {
  const t = useT();
  const id = useId();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<ConsoleRole | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);

  useEffect(() => {
    if (props.open) {
      setEmail(props.entry?.email ?? "");
      setRole(null);
      setError(null);
    }
  }, [props.open, props.entry]);

  const typed = email.trim();
  // The entry the e-mail names, when it already holds a role (e-mails compare as the seed
  // stores them: exactly).
  const existing = props.entry ?? props.roster.operators.find((o) => o.email === typed) ?? null;
  const current = existing?.role ?? null;
  const self = existing?.user_id === props.self;
  const lastAdmin = current === "console_admin" && props.roster.console_admins <= 1;
  const demotes = current === "console_admin" && role !== null && role !== "console_admin";
  const emailOk = /^[^\s@]+@[^\s@]+$/.test(typed);
  const ready = emailOk && role !== null && role !== current && !(demotes && lastAdmin) && !busy;

  const submit = async () => {
    if (!ready || role === null) return;
    setBusy(true);
    setError(null);
    try {
      props.onGranted(await props.api.grant(typed, role));
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      setBusy(false);
    }
  };

  const title = props.entry ? t("operators.change.title", { who: props.entry.email ?? props.entry.user_id }) : t("operators.grant.title");
  return (
    <Dialog
      open={props.open}
      wide
      title={title}
      onClose={() => !busy && props.onCancel()}
      testid="operators-grant-dialog"
      actions={
        <>
          <button type="button" className="btn" onClick={props.onCancel} disabled={busy} data-testid="grant-cancel">
            {t("action.cancel")}
          </button>
          <button type="button" className="btn btn-primary" disabled={!ready} onClick={() => void submit()} data-testid="grant-submit">
            {busy && <Spinner />}
            {current ? t("operators.change.submit") : t("operators.grant.submit")}
          </button>
        </>
      }
    >
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {!props.entry && (
          <div className="field">
            <label className="field-label" htmlFor={`${id}-email`}>
              {t("operators.grant.email")}
            </label>
            <input
              id={`${id}-email`}
              className="input"
              type="email"
              value={email}
              autoComplete="off"
              spellCheck={false}
              disabled={busy}
              placeholder="name@example.com"
              onChange={(e) => setEmail(e.target.value)}
              data-testid="grant-email"
            />
            <div className="field-hint">{t("operators.grant.email.hint")}</div>
          </div>
        )}
        <fieldset className="op-role-choices" disabled={busy}>
          <legend className="field-label">{t("operators.grant.role")}</legend>
          {CONSOLE_ROLES.map((r) => (
            <label key={r} className={r === role ? "op-role-choice selected" : "op-role-choice"}>
              <input
                type="radio"
                name={`${id}-role`}
                value={r}
                checked={r === role}
                disabled={r === current}
                onChange={() => setRole(r)}
                data-testid={`grant-role-${r}`}
              />
              <span className="op-role-text">
                <span className="op-role-name">
                  {t(roleKey(r))}
                  {r === current && <span className="muted"> · {t("role.current")}</span>}
                </span>
                <span className="op-role-may">{t(`operators.may.${r}` as MessageKey)}</span>
              </span>
            </label>
          ))}
        </fieldset>
        {role && emailOk && (
          <div className={demotes && (self || lastAdmin) ? "change-summary change-summary-danger" : "change-summary"} data-testid="grant-summary">
            <div className="op-summary-line">
              <span className="op-summary-who">{typed}</span>
              {current ? <Badge tone={roleTone(current)}>{t(roleKey(current))}</Badge> : <span className="muted">{t("operators.grant.first")}</span>}
              <span className="muted" aria-label={t("batch.becomes")}>
                →
              </span>
              <Badge tone={roleTone(role)}>{t(roleKey(role))}</Badge>
            </div>
            <div className="muted">{current ? t("operators.change.effect") : t("operators.grant.effect")}</div>
            {demotes && lastAdmin && <div className="op-self-warning">{t("operators.last_admin")}</div>}
            {demotes && self && !lastAdmin && <div className="op-self-warning">{t("operators.change.self")}</div>}
            {existing && existing.blockers.length > 0 && (
              <div className="op-summary-warn" data-testid="grant-blocked">
                {t("operators.grant.blocked", { why: existing.blockers.map((b) => t(b === "locked" ? "operators.blocker.locked.short" : BLOCKER_KEY[b])).join(", ") })}
              </div>
            )}
          </div>
        )}
        <ActionError error={error} testid="operators-action-error" />
      </form>
    </Dialog>
  );
}
