import type { SecretInput } from "../../platform";
import { useT } from "../../i18n";
import { Field } from "../../shared/Field";
import { Badge } from "../../shared/Badge";

/** A write-only secret. A stored secret is never shown, only that it exists; the operator
 *  keeps it, replaces it or removes it. Without one, a typed value is stored on save. */
export function SecretField(props: {
  label: string;
  stored: boolean;
  value: SecretInput;
  onChange: (value: SecretInput) => void;
  error?: string | null;
  testid: string;
}) {
  const t = useT();
  const { stored, value } = props;
  const mode = value.kind === "set" ? "replace" : value.kind === "clear" ? "remove" : "keep";
  const typed = value.kind === "set" ? value.value : "";
  const input = (id?: string, describedBy?: string) => (
    <input
      id={id}
      className="input"
      type="password"
      autoComplete="new-password"
      spellCheck={false}
      aria-describedby={describedBy}
      aria-label={id ? undefined : props.label}
      placeholder={stored ? t("secret.new_value") : t("secret.none_yet")}
      value={typed}
      onChange={(e) => props.onChange(e.target.value === "" && !stored ? { kind: "keep" } : { kind: "set", value: e.target.value })}
      data-testid={props.testid}
    />
  );

  if (!stored) {
    return (
      <Field label={props.label} hint={t("secret.hint_new")} error={props.error}>
        {(id, describedBy) => input(id, describedBy)}
      </Field>
    );
  }
  return (
    <Field label={props.label} error={props.error}>
      {(id) => (
        <div className="secret" id={id}>
          <div className="secret-state">
            <Badge tone={mode === "remove" ? "danger" : "ok"} testid={`${props.testid}-stored`}>
              {mode === "remove" ? t("secret.will_remove") : t("secret.stored")}
            </Badge>
            <div className="segmented" role="radiogroup" aria-label={props.label}>
              {(["keep", "replace", "remove"] as const).map((m) => (
                <button
                  key={m}
                  type="button"
                  role="radio"
                  aria-checked={mode === m}
                  className={mode === m ? "segment active" : "segment"}
                  onClick={() =>
                    props.onChange(m === "keep" ? { kind: "keep" } : m === "remove" ? { kind: "clear" } : { kind: "set", value: "" })
                  }
                  data-testid={`${props.testid}-${m}`}
                >
                  {t(`secret.${m}`)}
                </button>
              ))}
            </div>
          </div>
          {mode === "replace" && input()}
        </div>
      )}
    </Field>
  );
}
