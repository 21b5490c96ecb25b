// The portfolio's words in the UI language: the vocabulary inside a sentence, the gaps, the
// late evaluations, and the server's two-language texts in the UI's language.
import type { AgeGroup, Goal, Phase, Room, Sector } from '../protocol/command';
import { language, t } from '../i18n';
import type { GridFilter, GridGaps } from './model';
import type { OverdueEvaluation, Said, UnlinkedPartnership } from './types';

const PHASE_NUMBERS: readonly Phase[] = [
  'idea', 'exploration', 'screening', 'decision', 'goals_and_roles', 'agreement',
  'planning', 'launch', 'running', 'evaluation', 'adjustment', 'ended',
];

/** A vocabulary word inside a sentence: lower case after its first letter ("læringsrum"). */
function inSentence(word: string): string {
  return word.charAt(0).toLocaleLowerCase(language.value) + word.slice(1);
}

export const roomName = (room: Room): string => t(`room.${room}`);
export const goalName = (goal: Goal): string => t(`goal.${goal}`);
export const sectorName = (sector: Sector): string => t(`sector.${sector}`);
export const ageGroupName = (ageGroup: AgeGroup): string => t(`ageGroup.${ageGroup}`);

/** A phase by its number, 1 to 12, as the guide's toolbox counts them. */
export function phaseNumber(phase: Phase): number {
  return PHASE_NUMBERS.indexOf(phase) + 1;
}

/** The gaps of the (crossed) grid as sentences: whole rooms, whole goals, single cells. */
export function gapSentences(gaps: GridGaps): string[] {
  return [
    ...gaps.rooms.map((room) => t('portfolio.gapRoom', { room: inSentence(roomName(room)) })),
    ...gaps.goals.map((goal) => t('portfolio.gapGoal', { goal: inSentence(goalName(goal)) })),
    ...gaps.cells.map(({ room, goal }) =>
      t('portfolio.gapCell', { room: inSentence(roomName(room)), goal: inSentence(goalName(goal)) }),
    ),
  ];
}

/** What the grid is crossed by, in words ("en partner fra civilsamfund og der tjener børn"). */
export function filterWords(filter: GridFilter): string | null {
  const parts: string[] = [];
  if (filter.sector !== '') parts.push(t('portfolio.filterPartnerFrom', { sector: inSentence(sectorName(filter.sector)) }));
  if (filter.ageGroup !== '') parts.push(t('portfolio.filterServing', { ageGroup: inSentence(ageGroupName(filter.ageGroup)) }));
  return parts.length === 0 ? null : parts.join(language.value === 'da' ? ' og ' : ' and ');
}

export function unlinkedSentence(item: UnlinkedPartnership): string {
  return t('portfolio.unlinkedItem', { title: item.title, phase: phaseNumber(item.phase) });
}

export function overdueSentence(item: OverdueEvaluation): string {
  if (item.never_evaluated || !item.due_on) {
    return t('portfolio.neverEvaluated', { title: item.title, phase: phaseNumber(item.phase) });
  }
  return t('portfolio.overdueItem', { title: item.title, due: item.due_on, days: item.days_overdue ?? 0 });
}

/** A text the server wrote in both languages, in the UI's. */
export function said(text: Said): string {
  return language.value === 'en' ? text.en : text.da;
}
