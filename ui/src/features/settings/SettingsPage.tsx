import { useState, type FormEvent } from "react";
import { toIpcError, type IpcError, type Language, type Settings, type Theme } from "../../platform";
import { useT } from "../../i18n";
import { useConsole } from "../../app/console";
import { isValidTimeZone, zonedTime } from "../../shared/format";
import { ErrorBanner } from "../../shared/ErrorBanner";
import { Field } from "../../shared/Field";
import { Spinner } from "../../shared/Progress";

/** Zones a Korean security team and its partners work in; anything else goes in the text box. */
export const COMMON_ZONES = [
  "Asia/Seoul",
  "UTC",
  "Asia/Tokyo",
  "Asia/Shanghai",
  "Asia/Singapore",
  "Asia/Kolkata",
  "Europe/London",
  "Europe/Berlin",
  "America/New_York",
  "America/Chicago",
  "America/Los_Angeles",
  "Australia/Sydney",
] as const;

const OTHER = "__other__";

export function SettingsPage() {
  const t = useT();
  const { settings, saveSettings } = useConsole();
  const [language, setLanguage] = useState<Language>(settings.language);
  const [theme, setTheme] = useState<Theme>(settings.theme);
  const listed = (COMMON_ZONES as readonly string[]).includes(settings.time_zone);
  const [zoneChoice, setZoneChoice] = useState<string>(listed ? settings.time_zone : OTHER);
  const [zoneText, setZoneText] = useState(listed ? "" : settings.time_zone);
  const [lockMinutes, setLockMinutes] = useState(String(settings.lock_after_minutes));
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);

  const zone = zoneChoice === OTHER ? zoneText.trim() : zoneChoice;
  const zoneError = isValidTimeZone(zone) ? null : t("settings.timezone.invalid");
  const minutes = Number(lockMinutes);
  const minutesError =
    /^\d+$/.test(lockMinutes.trim()) && minutes >= 1 && minutes <= 120 ? null : t("settings.lock.invalid");
  const preview = zoneError ? null : zonedTime(new Date().toISOString(), zone);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (zoneError || minutesError) return;
    const next: Settings = { language, theme, time_zone: zone, lock_after_minutes: minutes };
    setBusy(true);
    setSaved(false);
    setError(null);
    try {
      await saveSettings(next);
      setSaved(true);
    } catch (e) {
      setError(toIpcError(e));
    } finally {
      setBusy(false);
    }
  }

  const touched = () => setSaved(false);
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1 className="page-title">{t("nav.settings")}</h1>
          <div className="page-subtitle">{t("settings.subtitle")}</div>
        </div>
      </header>
      {error && <ErrorBanner error={error} title={t("settings.failed")} />}
      <form className="panel form form-narrow" onSubmit={submit} noValidate>
        <Field label={t("settings.language")}>
          {(id) => (
            <select
              id={id}
              className="input"
              value={language}
              onChange={(e) => {
                setLanguage(e.target.value as Language);
                touched();
              }}
              data-testid="settings-language"
            >
              <option value="ko">한국어</option>
              <option value="en">English</option>
            </select>
          )}
        </Field>
        <Field
          label={t("settings.timezone")}
          hint={preview ? t("settings.timezone.preview", { time: `${preview.local} ${preview.abbreviation} (${preview.offset})` }) : undefined}
          error={zoneError}
        >
          {(id, describedBy) => (
            <div className="stack-tight">
              <select
                id={id}
                className="input"
                value={zoneChoice}
                aria-describedby={describedBy}
                onChange={(e) => {
                  setZoneChoice(e.target.value);
                  touched();
                }}
                data-testid="settings-timezone"
              >
                {COMMON_ZONES.map((z) => (
                  <option key={z} value={z}>
                    {z}
                  </option>
                ))}
                <option value={OTHER}>{t("settings.timezone.other")}</option>
              </select>
              {zoneChoice === OTHER && (
                <input
                  className="input mono"
                  placeholder="Europe/Paris"
                  spellCheck={false}
                  aria-label={t("settings.timezone.other")}
                  value={zoneText}
                  onChange={(e) => {
                    setZoneText(e.target.value);
                    touched();
                  }}
                  data-testid="settings-timezone-other"
                />
              )}
            </div>
          )}
        </Field>
        <Field label={t("settings.theme")}>
          {(id) => (
            <select
              id={id}
              className="input"
              value={theme}
              onChange={(e) => {
                setTheme(e.target.value as Theme);
                touched();
              }}
              data-testid="settings-theme"
            >
              <option value="system">{t("settings.theme.system")}</option>
              <option value="dark">{t("settings.theme.dark")}</option>
              <option value="light">{t("settings.theme.light")}</option>
            </select>
          )}
        </Field>
        <Field label={t("settings.lock")} hint={t("settings.lock.hint")} error={minutesError}>
          {(id, describedBy) => (
            <input
              id={id}
              className="input input-short num"
              type="number"
              min={1}
              max={120}
              step={1}
              aria-describedby={describedBy}
              value={lockMinutes}
              onChange={(e) => {
                setLockMinutes(e.target.value);
                touched();
              }}
              data-testid="settings-lock-minutes"
            />
          )}
        </Field>
        <div className="form-actions">
          <button
            type="submit"
            className="btn btn-primary"
            disabled={busy || zoneError !== null || minutesError !== null}
            data-testid="settings-save"
          >
            {busy && <Spinner />}
            {t("action.save")}
          </button>
          {saved && (
            <span className="saved-note" role="status" data-testid="settings-saved">
              {t("settings.saved")}
            </span>
          )}
        </div>
      </form>
    </div>
  );
}
