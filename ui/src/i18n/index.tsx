// Language and time zone for everything below the shell. Messages are flat keys with `{name}`
// placeholders; en.ts defines the key set and ko.ts must cover it (a type error otherwise).
//
// Plurals: a message counts with ICU's plural syntax, `{count, plural, one {# user} other
// {# users}}`. The form is chosen by Intl.PluralRules for the language from the number passed
// as `count` (a number, not a formatted string) and `#` shows it in the language's number
// format. Korean has no plural forms (its rules only ever say "other"), so ko.ts writes
// `{count, number}` (the number, formatted); English needs the forms wherever a count meets a
// noun ("1 users"). A plain `{name}` shows its value as given.
import { createContext, useContext, useMemo, type ReactNode } from "react";
import type { Language } from "../platform";
import { en, type MessageKey, type Messages } from "./en";
import { ko } from "./ko";

export type { MessageKey } from "./en";

const catalogs: Record<Language, Messages> = { en, ko };

export type Vars = Record<string, string | number>;
export type Translate = (key: MessageKey, vars?: Vars) => string;

// `{name, plural, FORM {text} ...}` where a form's text may hold `{var}` placeholders.
const PLURAL = /\{(\w+), plural,((?:\s*(?:=\d+|zero|one|two|few|many|other)\s*\{(?:[^{}]|\{\w+\})*\})+)\s*\}/g;
const FORM = /(=\d+|zero|one|two|few|many|other)\s*\{((?:[^{}]|\{\w+\})*)\}/g;

const pluralRules = new Map<Language, Intl.PluralRules>();
const numberFormats = new Map<Language, Intl.NumberFormat>();

function cached<T>(map: Map<Language, T>, language: Language, make: (locale: string) => T): T {
  let v = map.get(language);
  if (v === undefined) {
    v = make(intlLocale(language));
    map.set(language, v);
  }
  return v;
}

/** The form of a plural block for `value`: exact `=N` first, then the language's category,
 *  then `other`; `#` becomes the number in the language's format. */
function selectPlural(language: Language, forms: string, value: string | number | undefined): string {
  const byName = new Map<string, string>();
  for (const m of forms.matchAll(FORM)) byName.set(m[1] ?? "", m[2] ?? "");
  if (typeof value !== "number") {
    // A formatted string cannot be counted: the general form, shown as given.
    return (byName.get("other") ?? "").replaceAll("#", value === undefined ? "#" : String(value));
  }
  const category = cached(pluralRules, language, (l) => new Intl.PluralRules(l)).select(value);
  const text = byName.get(`=${value}`) ?? byName.get(category) ?? byName.get("other") ?? "";
  return text.replaceAll("#", cached(numberFormats, language, (l) => new Intl.NumberFormat(l)).format(value));
}

export function translate(language: Language, key: MessageKey, vars?: Vars): string {
  let text: string = catalogs[language][key];
  if (!vars) return text;
  text = text.replace(PLURAL, (_whole, name: string, forms: string) => selectPlural(language, forms, vars[name]));
  text = text.replace(/\{(\w+), number\}/g, (whole, name: string) => {
    const v = vars[name];
    if (v === undefined) return whole;
    return typeof v === "number" ? cached(numberFormats, language, (l) => new Intl.NumberFormat(l)).format(v) : String(v);
  });
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
