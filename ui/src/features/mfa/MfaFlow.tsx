// The MFA actions on one user, as dialogs shared by the MFA page and the user detail: enrol
// (QR + secret, then the authenticator's code; on success the 10 backup codes, once), new
// backup codes (a confirmation, then the codes, once), and reset (with a reason). A refused code
// says which refusal it was: a wrong code, an authenticator clock off by N steps, or a code the
// console already accepted.
import { useEffect, useState } from "react";
import { toIpcError, type IpcError } from "../../platform";
import { useT, type Translate } from "../../i18n";
import { ConfirmDialog } from "../../shared/ConfirmDialog";
import { Countdown } from "../../shared/Countdown";
import { Dialog } from "../../shared/Dialog";
import { OneTimeSecret } from "../../shared/OneTimeSecret";
import { Spinner } from "../../shared/Progress";
import { ReasonDialog } from "../../shared/ReasonDialog";
import type { CopyText } from "../../shared/SecretText";
import { ActionError } from "../users/actionError";
import { MfaEnrollPanel } from "../users/MfaEnrollPanel";
import type { CodeRefusal, EnrollmentStarted, MfaApi } from "./api";
import "./mfa.css";

export type MfaAction = "enroll" | "regenerate" | "reset";

export interface MfaSubject {
  id: string;
  email: string;
}

export function refusalMessage(t: Translate, r: CodeRefusal): string {
  switch (r.kind) {
    case "wrong":
      return t("mfa.refused.wrong");
    case "replayed":
      return t("mfa.refused.replayed");
    case "drift":
      return t(r.steps < 0 ? "mfa.refused.drift_behind" : "mfa.refused.drift_ahead", {
        steps: Math.abs(r.steps),
        seconds: Math.abs(r.steps) * 30,
      });
  }
}

export function MfaFlow(props: {
  api: MfaApi;
  user: MfaSubject;
  action: MfaAction;
  /** after the store changed (enabled, codes replaced, reset): refresh what shows the state */
  onChanged?: () => void;
  onClose: () => void;
  copy?: CopyText;
  print?: () => void;
}) {
  const t = useT();
  const [codes, setCodes] = useState<string[] | null>(null);
  const { user } = props;

  // Shown once: the codes live in this component's state only until the operator closes them.
  if (codes)
    return (
      <OneTimeSecret
        open
        title={t("mfa.codes.title", { email: user.email })}
        context={t("mfa.codes.context")}
        items={codes}
        onClose={() => {
          setCodes(null);
          props.onClose();
        }}
        copy={props.copy}
        print={props.print}
        testid="mfa-codes"
      />
    );

  switch (props.action) {
    case "enroll":
      return <Enroll {...props} onCodes={setCodes} />;
    case "regenerate":
      return <Regenerate {...props} onCodes={setCodes} />;
    case "reset":
      return <Reset {...props} onCodes={setCodes} />;
  }
}

type StepProps = Parameters<typeof MfaFlow>[0] & { onCodes: (codes: string[]) => void };

function Enroll(props: StepProps) {
  const t = useT();
  const [started, setStarted] = useState<{ e: EnrollmentStarted; readAt: number } | null>(null);
  const [startError, setStartError] = useState<IpcError | null>(null);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<CodeRefusal | null>(null);
  const [error, setError] = useState<IpcError | null>(null);
  const [attempt, setAttempt] = useState(0);
  const { api, user } = props;

  useEffect(() => {
    let live = true;
    setStarted(null);
    setStartError(null);
    api.begin(user.id).then(
      (e) => live && setStarted({ e, readAt: performance.now() }),
      (e: unknown) => live && setStartError(toIpcError(e)),
    );
    return () => {
      live = false;
    };
  }, [api, user.id, attempt]);

  const confirm = async (code: string) => {
    setBusy(true);
    setRefusal(null);
    setError(null);
    try {
      const r = await api.confirm(user.id, code);
      if (r.kind === "refused") setRefusal(r.refusal);
      else {
        props.onChanged?.();
        props.onCodes(r.backup_codes);
      }
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open
      title={t("mfa.enroll.title", { email: user.email })}
      onClose={() => !busy && props.onClose()}
      className="dialog-enroll"
      testid="mfa-enroll-dialog"
      actions={
        started ? (
          <span className="muted enroll-expiry">
            {t("mfa.enroll.expires")} <Countdown ttlSeconds={started.e.expires_in_seconds} readAt={started.readAt} testid="mfa-enroll-expiry" />
          </span>
        ) : (
          <button type="button" className="btn" onClick={props.onClose} data-testid="mfa-enroll-close">
            {t("action.cancel")}
          </button>
        )
      }
    >
      {startError ? (
        <div className="stack">
          <ActionError error={startError} />
          <div className="row">
            <button type="button" className="btn btn-small" onClick={() => setAttempt((a) => a + 1)}>
              {t("action.retry")}
            </button>
          </div>
        </div>
      ) : !started ? (
        <div className="loading-block muted">
          <Spinner /> {t("mfa.enroll.starting")}
        </div>
      ) : (
        <MfaEnrollPanel
          email={user.email}
          enrollment={started.e}
          onConfirm={(code) => void confirm(code)}
          onCancel={props.onClose}
          busy={busy}
          copy={props.copy}
          error={
            <>
              {refusal && (
                <div className="banner banner-danger" role="alert" data-testid="mfa-refusal" data-kind={refusal.kind}>
                  <div className="banner-body">
                    <div className="banner-title">{t("mfa.refused.title")}</div>
                    <div className="banner-message">{refusalMessage(t, refusal)}</div>
                  </div>
                </div>
              )}
              <ActionError error={error} />
            </>
          }
        />
      )}
    </Dialog>
  );
}

function Regenerate(props: StepProps) {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);
  return (
    <ConfirmDialog
      open
      title={t("mfa.regen.title", { email: props.user.email })}
      confirmLabel={t("mfa.regen.confirm")}
      onCancel={props.onClose}
      busy={busy}
      error={<ActionError error={error} />}
      onConfirm={async () => {
        setBusy(true);
        setError(null);
        try {
          const codes = await props.api.regenerateBackupCodes(props.user.id);
          props.onChanged?.();
          props.onCodes(codes);
        } catch (e) {
          setError(toIpcError(e));
        } finally {
          setBusy(false);
        }
      }}
      testid="mfa-regen-dialog"
    >
      {t("mfa.regen.change")}
    </ConfirmDialog>
  );
}

function Reset(props: StepProps) {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);
  return (
    <ReasonDialog
      open
      title={t("mfa.reset.title", { email: props.user.email })}
      change={t("mfa.reset.change")}
      confirmLabel={t("mfa.reset.confirm")}
      destructive
      busy={busy}
      error={<ActionError error={error} />}
      onCancel={props.onClose}
      onConfirm={async (reason) => {
        setBusy(true);
        setError(null);
        try {
          await props.api.reset(props.user.id, reason);
          props.onChanged?.();
          props.onClose();
        } catch (e) {
          setError(toIpcError(e));
        } finally {
          setBusy(false);
        }
      }}
      testid="mfa-reset-dialog"
    />
  );
}
