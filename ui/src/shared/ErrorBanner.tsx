import type { ReactNode } from "react";
import type { IpcError } from "../platform";
import { useT } from "../i18n";

/** A failure as the operator sees it: the sentence, and the incident id that finds the full
 *  story in the console's log. */
export function ErrorBanner(props: {
  error: IpcError;
  title?: string;
  children?: ReactNode;
  onDismiss?: () => void;
  tone?: "danger" | "warn";
  testid?: string;
}) {
  const t = useT();
  const { error } = props;
  return (
    <div
      className={`banner banner-${props.tone ?? "danger"}`}
      role="alert"
      data-testid={props.testid ?? "error-banner"}
      data-code={error.code}
    >
      <div className="banner-body">
        {props.title && <div className="banner-title">{props.title}</div>}
        <div className="banner-message">{error.message}</div>
        {props.children}
        <div className="banner-meta">
          <span>
            {t("error.code")} <code className="mono">{error.code}</code>
          </span>
          {error.incident && (
            <span>
              {t("error.incident")}{" "}
              <code className="mono" data-testid="error-incident">
                {error.incident}
              </code>
            </span>
          )}
        </div>
      </div>
      {props.onDismiss && (
        <button type="button" className="btn btn-ghost btn-small" onClick={props.onDismiss}>
          {t("action.dismiss")}
        </button>
      )}
    </div>
  );
}
