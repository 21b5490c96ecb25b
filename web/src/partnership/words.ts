// The partnership file's words in the UI language: phases, sections, parties, dates.
import type { Party, Phase } from '../protocol/command';
import { language, t } from '../i18n';
import type { Organisation, Section } from './model';
import { phaseNumber } from './model';

export function phaseName(phase: Phase): string {
  return t(`phase.${phase}`);
}

/** "Fase 6 af 12: Aftale". */
export function phaseOf(phase: Phase): string {
  return t('partnerships.phaseOf', { number: phaseNumber(phase), phase: phaseName(phase) });
}

export function sectionName(section: Section): string {
  return t(`section.${section}`);
}

/** A party of a partnership: the library, or the partner organisation by name. */
export function partyName(party: Party, organisations: Readonly<Record<string, Organisation>>): string {
  return party.kind === 'library' ? t('file.library') : (organisations[party.organisation_id]?.name ?? party.organisation_id);
}

const locale = (): string => (language.value === 'da' ? 'da-DK' : 'en-GB');

/** A day (YYYY-MM-DD) in words, e.g. "4. december 2026". */
export function dayText(day: string): string {
  const date = new Date(`${day}T12:00:00`);
  return Number.isNaN(date.getTime()) ? day : date.toLocaleDateString(locale(), { day: 'numeric', month: 'long', year: 'numeric' });
}

/** A moment (RFC 3339) in words, e.g. "4. dec. 2026 14.03". */
export function momentText(moment: string): string {
  const date = new Date(moment);
  return Number.isNaN(date.getTime())
    ? moment
    : date.toLocaleString(locale(), { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** A number in the UI language (thousands separated). */
export function numberText(value: number): string {
  return value.toLocaleString(locale());
}
