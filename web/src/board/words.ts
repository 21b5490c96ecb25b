// The board's words in the UI language: a zone's name (its room and goal, level, age group
// or free label), a phase's name.
import type { BoardPhase, Zone } from '../protocol/command';
import { t } from '../i18n';

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

export function phaseName(phase: BoardPhase): string {
  return t(`phase.${phase}`);
}
