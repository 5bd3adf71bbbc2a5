// A secret the operator must transcribe or paste (a base32 TOTP secret): grouped by four for
// reading aloud and typing, copied without the spaces.
import { useEffect, useRef, useState } from "react";
import { useT } from "../i18n";
import "./uikit.css";

/** The clipboard of the webview. Callers inside Tauri may pass the platform's own. */
export type CopyText = (text: string) => Promise<void>;
export const browserCopy: CopyText = (text) => navigator.clipboard.writeText(text);

export function groupBy4(secret: string): string {
  return secret.replace(/\s+/g, "").replace(/(.{4})(?=.)/g, "$1 ");
}

/** "copied" for a moment after a successful copy; the failure sentence otherwise. */
export function useCopy(copy: CopyText = browserCopy) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => clearTimeout(timer.current ?? undefined), []);
  return {
    state,
    copy: async (text: string) => {
      try {
        await copy(text);
        setState("copied");
      } catch {
        setState("failed");
      }
      clearTimeout(timer.current ?? undefined);
      timer.current = setTimeout(() => setState("idle"), 2500);
    },
  };
}

export function SecretText(props: { secret: string; label: string; copy?: CopyText; testid?: string }) {
  const t = useT();
  const c = useCopy(props.copy);
  const raw = props.secret.replace(/\s+/g, "");
  return (
    <div className="secret-text">
      <code className="secret-groups" aria-label={props.label} data-testid={props.testid} data-value={raw}>
        {groupBy4(raw)}
      </code>
      <button type="button" className="btn btn-small" onClick={() => void c.copy(raw)} data-testid={props.testid ? `${props.testid}-copy` : undefined}>
        {t("secret.copy")}
      </button>
      <span className="copied-note" role="status">
        {c.state === "copied" ? t("secret.copied") : c.state === "failed" ? t("secret.copy_failed") : ""}
      </span>
    </div>
  );
}
