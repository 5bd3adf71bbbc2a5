// Change a user's role (issue 4, item 2), from the user detail or for a bulk selection: the new
// role, what it grants (the permission table the Rust side will write), and a reason for the
// audit trail. A promotion to admin is never applied here: it becomes a four-eyes request that a
// second console admin approves, and the dialog says "request created", not "changed".
import { useEffect, useId, useState } from "react";
import { toIpcError, type IpcError } from "../../platform";
import { useT } from "../../i18n";
import { Dialog } from "../../shared/Dialog";
import { Spinner } from "../../shared/Progress";
import { ActionError } from "./actionError";
import { ROLE_PERMISSIONS, SERVICE_ROLES, type RoleChangeResult, type ServiceRole, type UserAdminApi, type UserRow } from "./api";
import "./users.css";

export type RoleTarget =
  | { kind: "one"; user: UserRow }
  /** a bulk selection: the caller turns the choice into a dry run (BatchPreview) */
  | { kind: "many"; count: number };

const MIN_REASON = 10;

export function RoleChangeDialog(props: {
  open: boolean;
  target: RoleTarget;
  api: UserAdminApi;
  onClose: () => void;
  /** single user: after the change or the request */
  onDone?: (result: RoleChangeResult) => void;
  /** bulk: the choice, for the caller's dry run */
  onPlan?: (role: ServiceRole, reason: string) => void;
}) {
  const t = useT();
  const id = useId();
  const current = props.target.kind === "one" ? props.target.user.role : null;
  const [role, setRole] = useState<ServiceRole | "">("");
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);
  const [result, setResult] = useState<RoleChangeResult | null>(null);

  useEffect(() => {
    if (props.open) {
      setRole("");
      setReason("");
      setError(null);
      setResult(null);
    }
  }, [props.open]);

  const reasonLength = [...reason.trim()].length;
  const ready = role !== "" && role !== current && reasonLength >= MIN_REASON && !busy;
  const who = props.target.kind === "one" ? props.target.user.email : t("role.many", { count: props.target.count });

  const submit = async () => {
    if (role === "" || !ready) return;
    if (props.target.kind === "many") {
      props.onPlan?.(role, reason.trim());
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const r = await props.api.changeRole(props.target.user.id, role, reason.trim());
      setResult(r);
      props.onDone?.(r);
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      setBusy(false);
    }
  };

  if (result) {
    return (
      <Dialog
        open={props.open}
        title={t("role.title", { who })}
        onClose={props.onClose}
        testid="role-dialog"
        actions={
          <button type="button" className="btn btn-primary" onClick={props.onClose} data-testid="role-close">
            {t("action.close")}
          </button>
        }
      >
        {result.kind === "changed" ? (
          <div className="banner banner-ok" role="status" data-testid="role-result" data-kind="changed">
            <div className="banner-body">
              <div className="banner-title">{t("role.changed", { who, role: result.user.role })}</div>
              <div className="banner-message">
                <span className="badges">
                  {result.permissions.map((p) => (
                    <code key={p} className="perm">
                      {p}
                    </code>
                  ))}
                </span>
              </div>
            </div>
          </div>
        ) : (
          <div className="banner banner-info" role="status" data-testid="role-result" data-kind="requested">
            <div className="banner-body">
              <div className="banner-title">{t("role.requested.title")}</div>
              <div className="banner-message">{t("role.requested.body", { who, role: result.request.to_role })}</div>
            </div>
          </div>
        )}
      </Dialog>
    );
  }

  const perms = role === "" ? null : ROLE_PERMISSIONS[role];
  return (
    <Dialog
      open={props.open}
      wide
      title={t("role.title", { who })}
      onClose={() => !busy && props.onClose()}
      testid="role-dialog"
      actions={
        <>
          <button type="button" className="btn" onClick={props.onClose} disabled={busy} data-testid="role-cancel">
            {t("action.cancel")}
          </button>
          <button type="button" className="btn btn-primary" disabled={!ready} onClick={() => void submit()} data-testid="role-submit">
            {busy && <Spinner />}
            {props.target.kind === "many" ? t("role.submit_many") : role === "admin" ? t("role.submit_request") : t("role.submit")}
          </button>
        </>
      }
    >
      <div className="stack">
        <fieldset className="role-choices" disabled={busy}>
          <legend className="field-label">{t("role.new")}</legend>
          {SERVICE_ROLES.map((r) => (
            <label key={r} className={r === role ? "role-choice selected" : "role-choice"}>
              <input type="radio" name={`${id}-role`} value={r} checked={r === role} disabled={r === current} onChange={() => setRole(r)} data-testid={`role-${r}`} />
              <span className="mono">{r}</span>
              {r === current && <span className="muted">{t("role.current")}</span>}
            </label>
          ))}
        </fieldset>
        {perms && (
          <div className="change-summary" data-testid="role-permissions">
            <div className="muted">{t("role.grants")}</div>
            <span className="badges">
              {perms.map((p) => (
                <code key={p} className="perm">
                  {p}
                </code>
              ))}
            </span>
          </div>
        )}
        {role === "admin" && (
          <div className="banner banner-info" role="note" data-testid="role-four-eyes">
            <div className="banner-body">
              <div className="banner-title">{t("role.four_eyes.title")}</div>
              <div className="banner-message">{props.target.kind === "many" ? t("role.four_eyes.many") : t("role.four_eyes.body")}</div>
            </div>
          </div>
        )}
        <div className="field">
          <label className="field-label" htmlFor={`${id}-reason`}>
            {t("reason.label")}
          </label>
          <textarea
            id={`${id}-reason`}
            className="input textarea"
            value={reason}
            disabled={busy}
            onChange={(e) => setReason(e.target.value)}
            data-testid="role-reason"
          />
          <div className="row">
            <div className="field-hint">{t("reason.hint", { min: MIN_REASON })}</div>
            <span className="spacer" />
            <span className="char-count num">{t("reason.count", { count: reasonLength, min: MIN_REASON })}</span>
          </div>
        </div>
        <ActionError error={error} />
      </div>
    </Dialog>
  );
}
