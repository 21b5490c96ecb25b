// The UI language: Danish by default, English on request, remembered per user in
// localStorage. `t` is the one way to put a text on screen; `errorSentence` the one way to
// turn a server error body into a sentence in the UI language.
import { signal } from '@preact/signals';
import { da, type Catalogue, type MessageKey } from './da';
import { en } from './en';
import type { ErrorBody } from '../protocol/error';

export type { MessageKey } from './da';
export type Language = 'da' | 'en';
export const LANGUAGES: readonly Language[] = ['da', 'en'];
export const catalogues: Readonly<Record<Language, Catalogue>> = { da, en };

/** The language the UI shows now. */
export const language = signal<Language>('da');

const storageKey = (account: string | null): string =>
  account === null ? 'partnerhub.language' : `partnerhub.language.${account}`;

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/** Loads the language remembered for `account` (or the last one used before logging in). */
export function restoreLanguage(account: string | null): void {
  const saved = storage()?.getItem(storageKey(account)) ?? storage()?.getItem(storageKey(null));
  language.value = saved === 'en' ? 'en' : 'da';
  document.documentElement.lang = language.value;
}

/** Switches the language and remembers it for `account`. */
export function chooseLanguage(next: Language, account: string | null): void {
  language.value = next;
  document.documentElement.lang = next;
  storage()?.setItem(storageKey(null), next);
  if (account !== null) storage()?.setItem(storageKey(account), next);
}

/** Fills `{name}` parameters of a template. */
export function format(template: string, params: Readonly<Record<string, string | number>> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** The text of `key` in the current language. */
export function t(key: MessageKey, params?: Readonly<Record<string, string | number>>): string {
  return format(catalogues[language.value][key], params);
}

/** Whether `key` is a message key (for keys built from server codes). */
export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(da, key);
}

/** The words and numbers of an error's details, as a text's `{name}` parameters. */
export function detailParams(error: ErrorBody): Record<string, string | number> {
  const params: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(error.details ?? {})) {
    if (typeof value === 'string' || typeof value === 'number') params[name] = value;
  }
  return params;
}

/**
 * A server error as a sentence in the UI language, keyed by its `code`. A code without a
 * text of its own falls back to the server's message (written for people), never to raw
 * parser output: messages of the body-shape codes are replaced by the generic sentence.
 */
export function errorSentence(error: ErrorBody | null | undefined): string {
  if (!error) return t('error.unknown');
  const key = `error.${error.code}`;
  if (isMessageKey(key)) return t(key, detailParams(error));
  return error.message.trim() === '' ? t('error.unknown') : error.message;
}
