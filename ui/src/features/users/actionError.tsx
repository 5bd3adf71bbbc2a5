// A failed action in a dialog: a title chosen by the error's code (codes cross IPC, strings do
// not), then the Rust side's sentence and incident id as ErrorBanner shows them.
import type { IpcError } from "../../platform";
import { useT, type MessageKey } from "../../i18n";
import { ErrorBanner } from "../../shared/ErrorBanner";

export function actionErrorTitle(code: IpcError["code"]): MessageKey {
  switch (code) {
    case "forbidden":
      return "act.error.forbidden";
    case "read_only":
      return "act.error.read_only";
    case "conflict":
      return "act.error.conflict";
    case "validation":
      return "act.error.validation";
    case "not_found":
      return "act.error.not_found";
    case "unavailable":
      return "act.error.unavailable";
    case "store_denied":
      return "act.error.store_denied";
    default:
      return "act.error.other";
  }
}

export function ActionError(props: { error: IpcError | null; testid?: string }) {
  const t = useT();
  if (!props.error) return null;
  return <ErrorBanner error={props.error} title={t(actionErrorTitle(props.error.code))} testid={props.testid ?? "action-error"} />;
}
