import type { IpcError } from "../platform";
import { useT } from "../i18n";
import { ErrorBanner } from "../shared/ErrorBanner";

/** A config file that could not be read: what happened, and what to do about it. */
export function ConfigErrorBanner(props: { error: IpcError; configDir: string }) {
  const t = useT();
  return (
    <ErrorBanner error={props.error} title={t("config.error.title")} tone="warn" testid="config-error">
      <div className="banner-todo">{t("config.error.todo", { dir: props.configDir })}</div>
    </ErrorBanner>
  );
}
