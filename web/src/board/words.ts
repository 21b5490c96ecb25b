// The board's words in the UI language: a zone's name (its room and goal, level, age group
// or free label), a phase's name, a refused join.
import type { BoardPhase, Zone } from '../protocol/command';
import type { ErrorBody } from '../protocol/error';
import { errorSentence, isMessageKey, t } from '../i18n';

/** A zone in words, e.g. "Læringsrum · Innovation". */
export function zoneName(zone: Zone): string {
  const parts: string[] = [];
  if (zone.room) parts.push(t(`room.${zone.room}`));
  if (zone.goal) parts.push(t(`goal.${zone.goal}`));
  if (zone.level) parts.push(t(`level.${zone.level}`));
  if (zone.age_group) parts.push(t(`ageGroup.${zone.age_group}`));
  if (zone.label != null) parts.push(t('zone.free', { label: zone.label }));
  return parts.join(' · ');
}

/** A note's total of dots in words. */
export function votesText(count: number): string {
  return count === 1 ? t('board.votesOne') : t('board.votes', { count });
}

/** How many of others' private notes a zone holds, in words. */
export function hiddenText(count: number): string {
  return count === 1 ? t('board.hiddenOne') : t('board.hidden', { count });
}

export function phaseName(phase: BoardPhase): string {
  return t(`phase.${phase}`);
}

/** A refused join in words: the invite's own sentences first (the server answers a withdrawn
 * or expired guest invite with 410 `invite_revoked` / `invite_expired`, an unknown one with
 * 404 `invite_unknown`), then the general ones. */
export function joinRefusal(error: ErrorBody | null): string {
  const key = error ? `join.${error.code}` : '';
  return isMessageKey(key) ? t(key) : errorSentence(error);
}
