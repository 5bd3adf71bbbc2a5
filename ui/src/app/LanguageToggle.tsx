import type { Language } from "../platform";
import { useLocale } from "../i18n";

export function LanguageToggle(props: { onChange: (language: Language) => void }) {
  const { language, t } = useLocale();
  const option = (value: Language, label: string, title: string) => (
    <button
      type="button"
      className={language === value ? "segment active" : "segment"}
      aria-pressed={language === value}
      lang={value}
      title={title}
      onClick={() => language !== value && props.onChange(value)}
      data-testid={`lang-${value}`}
    >
      {label}
    </button>
  );
  return (
    <div className="segmented segmented-small" role="group" aria-label={t("settings.language")}>
      {option("ko", "한국어", "한국어로 표시")}
      {option("en", "EN", "Show in English")}
    </div>
  );
}
