// Language and time zone for everything below the shell. Messages are flat keys with `{name}`
// placeholders; en.ts defines the key set and ko.ts must cover it (a type error otherwise).
import { createContext, useContext, useMemo, type ReactNode } from "react";
import type { Language } from "../platform";
import { en, type MessageKey, type Messages } from "./en";
import { ko } from "./ko";

export type { MessageKey } from "./en";

const catalogs: Record<Language, Messages> = { en, ko };

export type Vars = Record<string, string | number>;
export type Translate = (key: MessageKey, vars?: Vars) => string;

export function translate(language: Language, key: MessageKey, vars?: Vars): string {
  const text = catalogs[language][key];
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(vars, name) ? String(vars[name]) : whole,
  );
}

/** `ko` for a Korean OS locale (`ko`, `ko-KR`, `ko_KR.UTF-8`), English otherwise. */
export function languageFromLocale(locale: string | null | undefined): Language {
  return locale && /^ko(\b|[-_])/i.test(locale) ? "ko" : "en";
}

/** BCP 47 tag for Intl formatters. */
export function intlLocale(language: Language): string {
  return language === "ko" ? "ko-KR" : "en-US";
}

export interface Locale {
  language: Language;
  timeZone: string;
  t: Translate;
}

const LocaleContext = createContext<Locale>({
  language: "en",
  timeZone: "Asia/Seoul",
  t: (key, vars) => translate("en", key, vars),
});

export function LocaleProvider(props: { language: Language; timeZone: string; children: ReactNode }) {
  const { language, timeZone } = props;
  const value = useMemo<Locale>(
    () => ({ language, timeZone, t: (key, vars) => translate(language, key, vars) }),
    [language, timeZone],
  );
  return <LocaleContext.Provider value={value}>{props.children}</LocaleContext.Provider>;
}

export function useLocale(): Locale {
  return useContext(LocaleContext);
}

export function useT(): Translate {
  return useContext(LocaleContext).t;
}
