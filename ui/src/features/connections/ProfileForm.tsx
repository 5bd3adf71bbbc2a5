import { useState, type FormEvent } from "react";
import {
  profileRemove,
  profileSave,
  profileTest,
  toIpcError,
  type ConnectionReport,
  type EsAuth,
  type IpcError,
  type ProfileView,
} from "../../platform";
import { useT } from "../../i18n";
import { Dialog } from "../../shared/Dialog";
import { ErrorBanner } from "../../shared/ErrorBanner";
import { Field } from "../../shared/Field";
import { ProgressBar, Spinner } from "../../shared/Progress";
import { draftFromView, isDirty, newDraft, storedFromView, toInput, validate, type Draft, type DraftErrors } from "./draft";
import { ProbeResults } from "./ProbeResults";
import { SecretField } from "./SecretField";

export function ProfileForm(props: {
  /** null: a new profile */
  view: ProfileView | null;
  takenNames: readonly string[];
  dataDir: string;
  onSaved: (view: ProfileView) => void;
  onRemoved: (name: string) => void;
  onCancel: () => void;
}) {
  const t = useT();
  const isNew = props.view === null;
  const [initial] = useState<Draft>(() => (props.view ? draftFromView(props.view) : newDraft()));
  const [draft, setDraft] = useState<Draft>(initial);
  const stored = storedFromView(props.view);
  const [showErrors, setShowErrors] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);
  const [testing, setTesting] = useState(false);
  const [report, setReport] = useState<ConnectionReport | null>(null);
  const [testError, setTestError] = useState<IpcError | null>(null);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const [removing, setRemoving] = useState(false);

  const errors: DraftErrors = validate(draft, isNew, props.takenNames);
  const hasErrors = Object.keys(errors).length > 0;
  const dirty = isDirty(draft, initial);
  const shown = (key: keyof Draft) => (showErrors && errors[key] ? t(errors[key]) : null);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  async function save(event: FormEvent) {
    event.preventDefault();
    setShowErrors(true);
    if (hasErrors || saving) return;
    setSaving(true);
    setError(null);
    try {
      const saved = await profileSave(toInput(draft, stored));
      // Typed secrets leave state with the form: the parent remounts it from `saved`.
      props.onSaved(saved);
    } catch (e) {
      setError(toIpcError(e));
      setSaving(false);
    }
  }

  async function test() {
    if (!props.view) return;
    setTesting(true);
    setTestError(null);
    setReport(null);
    try {
      setReport(await profileTest(props.view.name));
    } catch (e) {
      setTestError(toIpcError(e));
    } finally {
      setTesting(false);
    }
  }

  async function remove() {
    if (!props.view) return;
    setRemoving(true);
    try {
      await profileRemove(props.view.name);
      setConfirmRemove(false);
      props.onRemoved(props.view.name);
    } catch (e) {
      setConfirmRemove(false);
      setError(toIpcError(e));
    } finally {
      setRemoving(false);
    }
  }

  return (
    <section className="panel" data-testid="profile-form">
      <h2 className="panel-title">
        {isNew ? t("profile.new.title") : t("profile.edit.title", { name: props.view?.name ?? "" })}
      </h2>
      {error && <ErrorBanner error={error} title={t("profile.save_failed")} onDismiss={() => setError(null)} />}
      <form className="form" onSubmit={save} noValidate>
        <div className="form-grid">
          <Field label={t("profile.name")} error={shown("name")} hint={isNew ? t("profile.name.hint") : undefined}>
            {(id, describedBy) => (
              <input
                id={id}
                className="input mono"
                spellCheck={false}
                aria-describedby={describedBy}
                value={draft.name}
                readOnly={!isNew}
                onChange={(e) => set("name", e.target.value)}
                data-testid="profile-name"
              />
            )}
          </Field>
          <div className="field">
            <span className="field-label">{t("profile.mode")}</span>
            <label className="check">
              <input
                type="checkbox"
                checked={draft.readOnly}
                onChange={(e) => set("readOnly", e.target.checked)}
                data-testid="profile-readonly"
              />
              {t("profile.readonly")}
            </label>
            <div className="field-hint">{t("profile.readonly.hint")}</div>
          </div>
        </div>

        <fieldset className="fieldset">
          <legend>{t("conn.keyspace")}</legend>
          <div className="segmented" role="radiogroup" aria-label={t("conn.keyspace")}>
            {(["redis", "embedded"] as const).map((kind) => (
              <button
                key={kind}
                type="button"
                role="radio"
                aria-checked={draft.keyspace === kind}
                className={draft.keyspace === kind ? "segment active" : "segment"}
                onClick={() => set("keyspace", kind)}
                data-testid={`profile-kind-${kind}`}
              >
                {kind === "redis" ? t("profile.kind.redis") : t("profile.kind.embedded")}
              </button>
            ))}
          </div>
          {draft.keyspace === "embedded" ? (
            <Field label={t("profile.embedded.path")} hint={t("profile.embedded.hint", { dir: props.dataDir })} error={shown("embedded")} wide>
              {(id, describedBy) => (
                <input
                  id={id}
                  className="input mono"
                  spellCheck={false}
                  aria-describedby={describedBy}
                  placeholder={`${props.dataDir}/rampart.db`}
                  value={draft.embedded}
                  onChange={(e) => set("embedded", e.target.value)}
                  data-testid="profile-embedded-path"
                />
              )}
            </Field>
          ) : (
            <div className="form-grid">
              <Field label={t("profile.redis.url")} hint={t("profile.redis.url.hint")} error={shown("redisUrl")} wide>
                {(id, describedBy) => (
                  <input
                    id={id}
                    className="input mono"
                    spellCheck={false}
                    aria-describedby={describedBy}
                    placeholder="redis://10.0.0.5:6379"
                    value={draft.redisUrl}
                    onChange={(e) => set("redisUrl", e.target.value)}
                    data-testid="profile-redis-url"
                  />
                )}
              </Field>
              <Field label={t("profile.redis.user")} hint={t("profile.redis.user.hint")}>
                {(id, describedBy) => (
                  <input
                    id={id}
                    className="input mono"
                    spellCheck={false}
                    autoComplete="off"
                    aria-describedby={describedBy}
                    value={draft.redisUser}
                    onChange={(e) => set("redisUser", e.target.value)}
                    data-testid="profile-redis-user"
                  />
                )}
              </Field>
              <Field label={t("profile.redis.db")} error={shown("redisDb")}>
                {(id, describedBy) => (
                  <input
                    id={id}
                    className="input input-short num"
                    inputMode="numeric"
                    aria-describedby={describedBy}
                    placeholder="0"
                    value={draft.redisDb}
                    onChange={(e) => set("redisDb", e.target.value)}
                    data-testid="profile-redis-db"
                  />
                )}
              </Field>
              <SecretField
                label={t("profile.redis.password")}
                stored={stored.redisPassword}
                value={draft.redisPassword}
                onChange={(v) => set("redisPassword", v)}
                error={shown("redisPassword")}
                testid="profile-redis-password"
              />
              <div className="field">
                <span className="field-label">{t("profile.tls")}</span>
                <label className="check">
                  <input
                    type="checkbox"
                    checked={draft.redisTls || draft.redisUrl.trim().startsWith("rediss://")}
                    disabled={draft.redisUrl.trim().startsWith("rediss://")}
                    onChange={(e) => set("redisTls", e.target.checked)}
                    data-testid="profile-redis-tls"
                  />
                  {t("profile.tls.label")}
                </label>
              </div>
            </div>
          )}
        </fieldset>

        <fieldset className="fieldset">
          <legend>
            <label className="check">
              <input type="checkbox" checked={draft.esOn} onChange={(e) => set("esOn", e.target.checked)} data-testid="profile-es-enabled" />
              {t("profile.es")}
            </label>
          </legend>
          {!draft.esOn ? (
            <p className="field-hint">{t("profile.es.off")}</p>
          ) : (
            <div className="form-grid">
              <Field label={t("profile.es.url")} error={shown("esUrl")} wide>
                {(id, describedBy) => (
                  <input
                    id={id}
                    className="input mono"
                    spellCheck={false}
                    aria-describedby={describedBy}
                    placeholder="https://es.internal:9200"
                    value={draft.esUrl}
                    onChange={(e) => set("esUrl", e.target.value)}
                    data-testid="profile-es-url"
                  />
                )}
              </Field>
              <Field label={t("profile.es.auth")}>
                {(id) => (
                  <select
                    id={id}
                    className="input"
                    value={draft.esAuth}
                    onChange={(e) => set("esAuth", e.target.value as EsAuth)}
                    data-testid="profile-es-auth"
                  >
                    <option value="none">{t("profile.es.auth.none")}</option>
                    <option value="basic">{t("profile.es.auth.basic")}</option>
                    <option value="api_key">{t("profile.es.auth.api_key")}</option>
                  </select>
                )}
              </Field>
              {draft.esAuth === "basic" && (
                <Field label={t("profile.es.user")} error={shown("esUser")}>
                  {(id, describedBy) => (
                    <input
                      id={id}
                      className="input mono"
                      spellCheck={false}
                      autoComplete="off"
                      aria-describedby={describedBy}
                      value={draft.esUser}
                      onChange={(e) => set("esUser", e.target.value)}
                      data-testid="profile-es-user"
                    />
                  )}
                </Field>
              )}
              {draft.esAuth !== "none" && (
                <SecretField
                  label={draft.esAuth === "basic" ? t("profile.es.password") : t("profile.es.api_key")}
                  stored={stored.esSecret}
                  value={draft.esSecret}
                  onChange={(v) => set("esSecret", v)}
                  error={shown("esSecret")}
                  testid="profile-es-secret"
                />
              )}
            </div>
          )}
        </fieldset>

        <fieldset className="fieldset">
          <legend>
            <label className="check">
              <input type="checkbox" checked={draft.sqlOn} onChange={(e) => set("sqlOn", e.target.checked)} data-testid="profile-sql-enabled" />
              {t("profile.sql")}
            </label>
          </legend>
          {!draft.sqlOn ? (
            <p className="field-hint">{t("profile.sql.off")}</p>
          ) : (
            <div className="form-grid">
              <Field label={t("profile.sql.url")} hint={t("profile.sql.url.hint")} error={shown("sqlUrl")} wide>
                {(id, describedBy) => (
                  <input
                    id={id}
                    className="input mono"
                    spellCheck={false}
                    aria-describedby={describedBy}
                    placeholder="postgres://rampart@db.internal:5432/service"
                    value={draft.sqlUrl}
                    onChange={(e) => set("sqlUrl", e.target.value)}
                    data-testid="profile-sql-url"
                  />
                )}
              </Field>
              <SecretField
                label={t("profile.sql.password")}
                stored={stored.sqlPassword}
                value={draft.sqlPassword}
                onChange={(v) => set("sqlPassword", v)}
                error={shown("sqlPassword")}
                testid="profile-sql-password"
              />
            </div>
          )}
        </fieldset>

        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={saving} data-testid="profile-save">
            {saving && <Spinner />}
            {t("action.save")}
          </button>
          <button
            type="button"
            className="btn"
            onClick={() => void test()}
            disabled={isNew || testing || dirty}
            title={isNew || dirty ? t("profile.test.save_first") : undefined}
            data-testid="profile-test"
          >
            {testing && <Spinner />}
            {testing ? t("profile.testing") : t("profile.test")}
          </button>
          <button type="button" className="btn btn-ghost" onClick={props.onCancel}>
            {t("action.cancel")}
          </button>
          <span className="spacer" />
          {!isNew && (
            <button type="button" className="btn btn-danger-ghost" onClick={() => setConfirmRemove(true)} data-testid="profile-remove">
              {t("profile.remove")}
            </button>
          )}
        </div>
        {!isNew && dirty && <p className="field-hint">{t("profile.test.save_first")}</p>}
      </form>

      {testing && (
        <div className="stack-tight" data-testid="probe-running">
          <div className="muted">{t("profile.testing.body")}</div>
          <ProgressBar label={t("profile.testing")} />
        </div>
      )}
      {testError && <ErrorBanner error={testError} title={t("profile.test_failed")} />}
      {report && <ProbeResults report={report} />}

      <Dialog
        open={confirmRemove}
        title={t("profile.remove.title", { name: props.view?.name ?? "" })}
        onClose={() => setConfirmRemove(false)}
        testid="profile-remove-dialog"
        actions={
          <>
            <button type="button" className="btn" onClick={() => setConfirmRemove(false)}>
              {t("action.cancel")}
            </button>
            <button type="button" className="btn btn-danger" onClick={() => void remove()} disabled={removing} data-testid="profile-remove-confirm">
              {removing && <Spinner />}
              {t("profile.remove.confirm")}
            </button>
          </>
        }
      >
        <p>{t("profile.remove.body")}</p>
      </Dialog>
    </section>
  );
}
