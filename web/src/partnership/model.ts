// The partnership file as the server's views give it (`GET .../partnerships/{id}`), and the
// pure rules the pages follow: the order of the phases and of the agreement's sections, what
// an amendment sends (per section, from the version its editor started from), what a
// same-section conflict carries (`version_conflict` with `conflicts`) and what each choice
// the person makes sends next. No I/O here, so it is tested beside the code.
import type {
  Audience,
  CriterionScore,
  EvaluationDecision,
  Party,
  PartnershipForm,
  Phase,
  ReadinessItem,
  ScreeningAnswer,
  ScreeningDecision,
  Command,
  Goal,
  Room,
  AgeGroup,
} from '../protocol/command';
import type { ErrorBody } from '../protocol/error';

/** The sections of a clear agreement, in the agreement's order (the server's `AgreementSection`). */
export const SECTIONS = [
  'purpose',
  'expectations',
  'roles',
  'results',
  'resources',
  'duration',
  'communication',
  'exit',
] as const;
export type Section = (typeof SECTIONS)[number];

/** The twelve phases in order (the server's `Phase`). */
export const PHASES: readonly Phase[] = [
  'idea',
  'exploration',
  'screening',
  'decision',
  'goals_and_roles',
  'agreement',
  'planning',
  'launch',
  'running',
  'evaluation',
  'adjustment',
  'ended',
];

export const READINESS_ITEMS: readonly ReadinessItem[] = [
  'strategy_link',
  'partner_chosen_with_care',
  'agreement_in_place',
  'roles_clear',
  'communication_planned',
  'evaluation_planned',
];

export const ANSWERS = ['yes', 'partly', 'no', 'unknown'] as const;
export const SCREENING_DECISIONS: readonly ScreeningDecision[] = ['go', 'postpone', 'no_go'];
export const EVALUATION_DECISIONS: readonly EvaluationDecision[] = ['continue', 'adjust', 'end'];

export interface Screening {
  readonly answers: readonly ScreeningAnswer[];
  readonly score: number;
  readonly max_score: number;
  readonly decision: ScreeningDecision;
  readonly decision_note: string;
  readonly actor: string;
  readonly recorded_at: string;
}

export interface SectionChange {
  readonly section: Section;
  readonly before?: string | null;
  readonly after?: string | null;
}

export interface AgreementVersion {
  readonly version: number;
  readonly changes: readonly SectionChange[];
  readonly reason: string;
  readonly actor: string;
  readonly amended_at: string;
}

export interface Agreement {
  readonly version: number;
  readonly sections: Partial<Record<Section, string>>;
  readonly amended_at?: string | null;
  readonly section_versions?: Partial<Record<Section, number>>;
  readonly versions?: readonly AgreementVersion[];
}

export interface ResourceCommitment {
  readonly commitment_id: string;
  readonly party: Party;
  readonly description: string;
  readonly hours?: number | null;
  readonly amount_dkk?: number | null;
}

export interface Evaluation {
  readonly evaluation_id: string;
  readonly evaluated_on: string;
  readonly criteria: readonly CriterionScore[];
  readonly narrative: string;
  readonly decision: EvaluationDecision;
  readonly next_evaluation_due?: string | null;
}

export interface CommunicationItem {
  readonly audience: Audience;
  readonly sender: string;
  readonly recipients: string;
  readonly about: string;
  readonly when: string;
  readonly channel: string;
}

export interface SentCommunication {
  readonly item_id?: string | null;
  readonly sent_on: string;
  readonly channel: string;
  readonly summary: string;
  readonly actor: string;
}

export interface Tick {
  readonly actor: string;
  readonly recorded_at: string;
  readonly note: string;
}

export interface PartnershipFile {
  readonly title: string;
  readonly partner_ids: readonly string[];
  readonly purpose: string;
  readonly form: PartnershipForm;
  readonly goals: readonly Goal[];
  readonly rooms: readonly Room[];
  /** Absent in files from servers that did not send it. */
  readonly age_groups?: readonly AgeGroup[];
  readonly owner_id?: string | null;
  readonly phase: Phase;
  readonly screening?: Screening | null;
  /** Absent from servers before earlier screenings were kept. */
  readonly earlier_screenings?: readonly Screening[];
  readonly agreement: Agreement;
  readonly resources: readonly ResourceCommitment[];
  readonly evaluations: readonly Evaluation[];
  readonly communication_plan: Readonly<Record<string, CommunicationItem>>;
  readonly communications_sent: readonly SentCommunication[];
  readonly readiness: Partial<Record<ReadinessItem, Tick>>;
  readonly ending?: { readonly reason: string; readonly recorded_at: string; readonly ended_on?: string | null } | null;
  readonly proposed_at: string;
}

/** A contact person of an organisation, its personal data revealed (or erased). */
export interface ContactPerson {
  readonly role: string;
  readonly personal:
    | { readonly name: string; readonly email?: string; readonly phone?: string }
    | { readonly erased: true }
    | { readonly unreadable: true };
  readonly erased?: boolean;
}

export interface Organisation {
  readonly name: string;
  readonly sector: string;
  readonly contact_persons: Readonly<Record<string, ContactPerson>>;
}

/** `GET /api/method`: the fourteen screening questions in both languages. */
export interface Method {
  readonly screening_questions: readonly { readonly number: number; readonly da: string; readonly en: string }[];
}

/** A line of the timeline (`GET .../timeline?entity=`). */
export interface TimelineLine {
  readonly position: number;
  readonly recorded_at: string;
  readonly actor?: string | null;
  readonly event_type: string;
  readonly summary: string;
}

export type WordChange = 'kept' | 'removed' | 'added';

/** `GET .../agreement/diff`: two versions side by side, word by word. */
export interface AgreementDiff {
  readonly from: number;
  readonly to: number;
  readonly sections: readonly {
    readonly section: Section;
    readonly from_text?: string | null;
    readonly to_text?: string | null;
    readonly words: readonly { readonly change: WordChange; readonly text: string }[];
  }[];
}

/** The phase after `phase`, if a partnership may move there with `MovePartnershipPhase`
 * (ending has a command of its own). */
export function nextPhase(phase: Phase): Phase | null {
  const index = PHASES.indexOf(phase);
  const next = PHASES[index + 1];
  return index < 0 || next === undefined || next === 'ended' ? null : next;
}

/** The phases a partnership may go back to from `phase` (every earlier one; an ended
 * partnership goes nowhere), nearest first. */
export function earlierPhases(phase: Phase): Phase[] {
  if (phase === 'ended') return [];
  return PHASES.slice(0, Math.max(0, PHASES.indexOf(phase))).reverse();
}

/** The phase's number, 1 to 12. */
export function phaseNumber(phase: Phase): number {
  return PHASES.indexOf(phase) + 1;
}

/** The diff's words for the earlier side (kept and removed) or the later side (kept and added). */
export function sideOf(
  words: AgreementDiff['sections'][number]['words'],
  side: 'from' | 'to',
): { readonly text: string; readonly changed: boolean }[] {
  const hidden: WordChange = side === 'from' ? 'added' : 'removed';
  return words.filter((run) => run.change !== hidden).map((run) => ({ text: run.text, changed: run.change !== 'kept' }));
}

/** The amendment of one section, written from `baseVersion` (the version the editor read). */
export function amendSection(
  partnershipId: string,
  baseVersion: number,
  section: Section,
  text: string,
  reason: string,
): Extract<Command, { type: 'AmendAgreement' }> {
  return {
    type: 'AmendAgreement',
    partnership_id: partnershipId,
    expected_version: baseVersion,
    sections: { [section]: text },
    ...(reason.trim() === '' ? {} : { reason: reason.trim() }),
  };
}

/** A same-section conflict as the server's 409 carries it. */
export interface SectionConflict {
  readonly section: Section;
  /** The text now (none: the section was removed). */
  readonly current: string | null;
  /** The text the person tried to save. */
  readonly yours: string | null;
  /** The version in which the section last changed. */
  readonly changedIn: number;
  /** The agreement's version now: what a resend is written against. */
  readonly actual: number;
}

/** The conflict about `section` in a rejection, if the rejection is one. */
export function conflictOf(error: ErrorBody, section: Section): SectionConflict | null {
  if (error.code !== 'version_conflict' || typeof error.details !== 'object' || error.details === null) return null;
  const details = error.details as { actual?: unknown; conflicts?: unknown };
  if (typeof details.actual !== 'number' || !Array.isArray(details.conflicts)) return null;
  for (const entry of details.conflicts as unknown[]) {
    if (typeof entry !== 'object' || entry === null) continue;
    const conflict = entry as { section?: unknown; current?: unknown; yours?: unknown; changed_in?: unknown };
    if (conflict.section !== section) continue;
    return {
      section,
      current: typeof conflict.current === 'string' ? conflict.current : null,
      yours: typeof conflict.yours === 'string' ? conflict.yours : null,
      changedIn: typeof conflict.changed_in === 'number' ? conflict.changed_in : details.actual,
      actual: details.actual,
    };
  }
  return null;
}

/** What the person chose in a conflict. */
export type Resolution =
  | { readonly kind: 'keepMine' }
  | { readonly kind: 'takeCurrent' }
  | { readonly kind: 'merge'; readonly text: string };

/** What a resolution sends: keeping one's own text or a merge is an amendment written
 * against the current version; taking the current text sends nothing. */
export function resolve(
  partnershipId: string,
  conflict: SectionConflict,
  resolution: Resolution,
  reason: string,
): Extract<Command, { type: 'AmendAgreement' }> | null {
  switch (resolution.kind) {
    case 'takeCurrent':
      return null;
    case 'keepMine':
      return conflict.yours === null ? null : amendSection(partnershipId, conflict.actual, conflict.section, conflict.yours, reason);
    case 'merge':
      return amendSection(partnershipId, conflict.actual, conflict.section, resolution.text, reason);
  }
}

/** Whether an evaluation due on `due` (YYYY-MM-DD) is overdue on `today` (YYYY-MM-DD). */
export function overdue(due: string | null | undefined, today: string): boolean {
  return typeof due === 'string' && due < today;
}

/** Today's date in the browser's time zone, as YYYY-MM-DD. */
export function todayIso(now: Date = new Date()): string {
  const month = String(now.getMonth() + 1).padStart(2, '0');
  const day = String(now.getDate()).padStart(2, '0');
  return `${now.getFullYear()}-${month}-${day}`;
}

export const GOALS: readonly Goal[] = ['experience', 'empowerment', 'engagement', 'innovation'];
export const ROOMS: readonly Room[] = ['inspiration', 'learning', 'meeting', 'performative'];
export const AGE_GROUPS: readonly AgeGroup[] = ['toddlers', 'children', 'teenagers', 'young_adults', 'adults', 'seniors'];

/** The facts of a file a person edits together: title, form, partners, goals, rooms, age groups. */
export interface Details {
  readonly title: string;
  readonly form: PartnershipForm;
  readonly partner_ids: readonly string[];
  readonly goals: readonly Goal[];
  readonly rooms: readonly Room[];
  readonly age_groups: readonly AgeGroup[];
}

export function detailsOf(file: PartnershipFile): Details {
  return {
    title: file.title,
    form: file.form,
    partner_ids: file.partner_ids,
    goals: file.goals,
    rooms: file.rooms,
    age_groups: file.age_groups ?? [],
  };
}

const sameForm = (a: PartnershipForm, b: PartnershipForm): boolean =>
  a.kind === 'frame' ? b.kind === 'frame' : b.kind === 'activity' && a.starts_on === b.starts_on && a.ends_on === b.ends_on;

const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((entry) => b.includes(entry));

/** The `UpdatePartnership` that makes `file` read like `draft`: only the fields that differ
 * (a colleague's change to another field meanwhile is not overwritten); none when nothing does. */
export function detailsUpdate(
  partnershipId: string,
  file: PartnershipFile,
  draft: Details,
): Extract<Command, { type: 'UpdatePartnership' }> | null {
  const now = detailsOf(file);
  const command: Extract<Command, { type: 'UpdatePartnership' }> = { type: 'UpdatePartnership', partnership_id: partnershipId };
  let changed = false;
  if (draft.title.trim() !== now.title) {
    command.title = draft.title.trim();
    changed = true;
  }
  if (!sameForm(draft.form, now.form)) {
    command.form = draft.form;
    changed = true;
  }
  if (!sameSet(draft.partner_ids, now.partner_ids)) {
    command.partner_ids = [...draft.partner_ids];
    changed = true;
  }
  if (!sameSet(draft.goals, now.goals)) {
    command.goals = [...draft.goals];
    changed = true;
  }
  if (!sameSet(draft.rooms, now.rooms)) {
    command.rooms = [...draft.rooms];
    changed = true;
  }
  if (!sameSet(draft.age_groups, now.age_groups)) {
    command.age_groups = [...draft.age_groups];
    changed = true;
  }
  return changed ? command : null;
}
