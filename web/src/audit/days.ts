// A day typed by a person, in the UI language's way of writing dates (pure; DayField.tsx shows
// it). The browser's own date input writes dates in the browser's locale (`06/30/2024` in an
// English Chromium beside Danish headings), so the audit view writes and reads them itself:
// Danish `30.06.2024`, English `30/06/2024`. Reading is forgiving: day first, then month and
// year, with `.`, `/`, `-` or spaces between, or the ISO form `2024-06-30`.
import type { Language } from '../i18n';

/** How a day is written in each language, and the pattern shown beside the field. */
const SEPARATOR: Readonly<Record<Language, string>> = { da: '.', en: '/' };

/** `2024-06-30` (ISO) as the UI language writes it: `30.06.2024` or `30/06/2024`. */
export function writeDay(day: string, language: Language): string {
  const [year, month, date] = day.split('-');
  const separator = SEPARATOR[language];
  return `${date}${separator}${month}${separator}${year}`;
}

/** What a typed text says: a day (ISO), not a date at all, or a day outside `first..last`. */
export type TypedDay =
  | { readonly kind: 'day'; readonly day: string }
  | { readonly kind: 'invalid' }
  | { readonly kind: 'outside'; readonly day: string };

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

export function readDay(text: string, first: string, last: string): TypedDay {
  const trimmed = text.trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(trimmed);
  const dayFirst = /^(\d{1,2})\s*[./\- ]\s*(\d{1,2})\s*[./\- ]\s*(\d{4})$/.exec(trimmed);
  const parts = iso ? [iso[3], iso[2], iso[1]] : dayFirst ? [dayFirst[1], dayFirst[2], dayFirst[3]] : null;
  if (!parts) return { kind: 'invalid' };
  const [date, month, year] = parts.map(Number) as [number, number, number];
  // A day that does not exist (31 February) rolls over in Date.UTC: compare it back.
  const moment = new Date(Date.UTC(year, month - 1, date));
  if (moment.getUTCFullYear() !== year || moment.getUTCMonth() !== month - 1 || moment.getUTCDate() !== date) return { kind: 'invalid' };
  const day = `${pad(year, 4)}-${pad(month, 2)}-${pad(date, 2)}`;
  return day < first || day > last ? { kind: 'outside', day } : { kind: 'day', day };
}
