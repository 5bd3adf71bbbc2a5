// Formatters for numbers and times. Times arrive from Rust as ISO strings in UTC and are shown
// in the operator's zone (settings.time_zone), always with the zone, so a screenshot of the
// console is never ambiguous about when something happened.
import type { Language } from "../platform";
import { intlLocale, useLocale } from "../i18n";

export function formatNumber(value: number, language: Language): string {
  return new Intl.NumberFormat(intlLocale(language)).format(value);
}

/** `ratio` in 0..1 as a percentage with one decimal; "—" when there is nothing to divide. */
export function formatPercent(ratio: number | null, language: Language): string {
  if (ratio === null || !Number.isFinite(ratio)) return "—";
  return new Intl.NumberFormat(intlLocale(language), {
    style: "percent",
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  }).format(ratio);
}

export function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

export function isValidTimeZone(zone: string): boolean {
  if (zone.trim() === "") return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The seed stores naive UTC; the wire adds `Z`. Accept both so a missing suffix never shifts
 *  a time by the operator's offset. */
export function parseUtc(iso: string): Date | null {
  const withZone = /([zZ]|[+-]\d\d:?\d\d)$/.test(iso) ? iso : `${iso}Z`;
  const date = new Date(withZone);
  return Number.isNaN(date.getTime()) ? null : date;
}

// Intl has no abbreviation in English for these fixed-offset zones ("GMT+9"); operators know
// them by these names. Only zones without daylight saving belong here.
const FIXED_ABBREVIATIONS: Record<string, string> = {
  "Asia/Seoul": "KST",
  "Asia/Tokyo": "JST",
  UTC: "UTC",
  "Etc/UTC": "UTC",
};

export interface ZonedTime {
  /** `2026-11-24 10:00:00` in the zone */
  local: string;
  /** `KST`, `EST`, or the offset when the zone has no short name */
  abbreviation: string;
  /** `UTC+09:00` */
  offset: string;
  /** the instant in UTC, ISO 8601, for titles and `<time dateTime>` */
  utc: string;
}

export function zonedTime(iso: string, timeZone: string): ZonedTime | null {
  const date = parseUtc(iso);
  if (!date) return null;
  const zone = isValidTimeZone(timeZone) ? timeZone : "UTC";
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
    timeZoneName: "longOffset",
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  const gmt = part("timeZoneName"); // "GMT+09:00", or "GMT" at zero offset
  const offset = gmt === "GMT" ? "UTC+00:00" : gmt.replace("GMT", "UTC").replace("-", "−");
  const short =
    new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "short" })
      .formatToParts(date)
      .find((p) => p.type === "timeZoneName")?.value ?? "";
  const abbreviation = FIXED_ABBREVIATIONS[zone] ?? (short.startsWith("GMT") ? offset : short);
  return {
    local: `${part("year")}-${part("month")}-${part("day")} ${part("hour")}:${part("minute")}:${part("second")}`,
    abbreviation,
    offset,
    utc: date.toISOString().replace(".000Z", "Z"),
  };
}

/** Bound to the operator's language and zone. */
export function useFormat() {
  const { language, timeZone } = useLocale();
  return {
    number: (value: number) => formatNumber(value, language),
    percent: (value: number | null) => formatPercent(value, language),
    time: (iso: string) => zonedTime(iso, timeZone),
    timeZone,
  };
}
