// Issue an API key for a user (issue 4, item 6): which of the user's permissions it carries, its
// usage limit (the service refuses once `api_usage` reaches it; the counter slides with 24 h of
// inactivity, CONTRACT §5.2), its rate limit (stored, never enforced by the service) and an
// expiry. The key itself comes back once and is shown in a OneTimeSecret.
import { useEffect, useId, useState } from "react";
import { toIpcError, type IpcError } from "../../platform";
import { useT } from "../../i18n";
import { Dialog } from "../../shared/Dialog";
import { Field } from "../../shared/Field";
import { Spinner } from "../../shared/Progress";
import { ActionError } from "./actionError";
import type { IssuedKey, IssueKeyInput, UserAdminApi } from "./api";

const EXPIRY_DAYS = [30, 90, 365] as const;

/** Naive UTC ISO, as the service compares `expires_at` with `utcnow()`. */
export function naiveUtcIso(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, "");
}

export function IssueApiKeyDialog(props: {
  open: boolean;
  api: UserAdminApi;
  userId: string;
  email: string;
  /** the user's stored permissions: a key carries a subset */
  permissions: readonly string[];
  onIssued: (key: IssuedKey) => void;
  onClose: () => void;
  /** Date.now by default; tests pass a fixed clock */
  now?: () => number;
}) {
  const t = useT();
  const id = useId();
  const [perms, setPerms] = useState<Set<string>>(new Set(props.permissions));
  const [usage, setUsage] = useState("1000");
  const [rate, setRate] = useState("100");
  const [expiry, setExpiry] = useState<string>("90");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);

  useEffect(() => {
    if (props.open) {
      setPerms(new Set(props.permissions));
      setUsage("1000");
      setRate("100");
      setExpiry("90");
      setError(null);
    }
  }, [props.open, props.permissions]);

  const int = (s: string) => (/^\d{1,9}$/.test(s.trim()) ? Number(s.trim()) : null);
  const usageN = int(usage);
  const rateN = int(rate);
  const ready = perms.size > 0 && usageN !== null && usageN >= 1 && rateN !== null && rateN >= 1 && !busy;

  const submit = async () => {
    if (!ready || usageN === null || rateN === null) return;
    const now = (props.now ?? Date.now)();
    const input: IssueKeyInput = {
      // in the user's (the role table's) order, whatever order they were ticked in
      permissions: props.permissions.filter((p) => perms.has(p)),
      usage_limit: usageN,
      rate_limit: rateN,
      expires_at: expiry === "" ? null : naiveUtcIso(now + Number(expiry) * 86_400_000),
    };
    setBusy(true);
    setError(null);
    try {
      props.onIssued(await props.api.issueApiKey(props.userId, input));
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={props.open}
      wide
      title={t("keys.issue.title", { email: props.email })}
      onClose={() => !busy && props.onClose()}
      testid="issue-key"
      actions={
        <>
          <button type="button" className="btn" onClick={props.onClose} disabled={busy}>
            {t("action.cancel")}
          </button>
          <button type="button" className="btn btn-primary" disabled={!ready} onClick={() => void submit()} data-testid="issue-submit">
            {busy && <Spinner />}
            {t("keys.issue.submit")}
          </button>
        </>
      }
    >
      <div className="stack">
        <fieldset className="role-choices" disabled={busy}>
          <legend className="field-label">{t("keys.permissions")}</legend>
          {props.permissions.map((p) => (
            <label key={p} className="check">
              <input
                type="checkbox"
                checked={perms.has(p)}
                onChange={(e) =>
                  setPerms((s) => {
                    const n = new Set(s);
                    if (e.target.checked) n.add(p);
                    else n.delete(p);
                    return n;
                  })
                }
                data-testid={`issue-perm-${p}`}
              />
              <code className="perm">{p}</code>
            </label>
          ))}
          {perms.size === 0 && <div className="field-error">{t("keys.permissions.none")}</div>}
        </fieldset>
        <div className="form-grid create-grid">
          <Field label={t("keys.usage_limit")} hint={t("keys.usage_limit.hint")} error={usageN === null || usageN < 1 ? t("keys.int") : null}>
            {(fid, d) => <input id={fid} className="input num" inputMode="numeric" value={usage} disabled={busy} aria-describedby={d} onChange={(e) => setUsage(e.target.value)} data-testid="issue-usage" />}
          </Field>
          <Field label={t("keys.rate_limit")} hint={t("keys.rate_limit.hint")} error={rateN === null || rateN < 1 ? t("keys.int") : null}>
            {(fid, d) => <input id={fid} className="input num" inputMode="numeric" value={rate} disabled={busy} aria-describedby={d} onChange={(e) => setRate(e.target.value)} data-testid="issue-rate" />}
          </Field>
          <Field label={t("users.keys.expires")}>
            {(fid) => (
              <select id={fid} className="input" value={expiry} disabled={busy} onChange={(e) => setExpiry(e.target.value)} data-testid="issue-expiry">
                {EXPIRY_DAYS.map((d) => (
                  <option key={d} value={String(d)}>
                    {t("keys.expiry.days", { days: d })}
                  </option>
                ))}
                <option value="">{t("users.keys.no_expiry")}</option>
              </select>
            )}
          </Field>
        </div>
        <div className="note" id={`${id}-once`}>
          {t("keys.issue.once")}
        </div>
        <ActionError error={error} />
      </div>
    </Dialog>
  );
}
