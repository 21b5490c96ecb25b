// The network view's findings per organisation: key-person risks (a partner only one
// colleague knows) and duplicate contacts (two colleagues courting the same partner). The
// server explains each in words; the sentence shown is built from the finding's own fields in
// the UI language (the server's English `message` is the fallback when a field is missing),
// so the explanation on hover and in the side panel follows the language switch.
import { t } from '../i18n';
import type { DuplicateContact, KeyPersonRisk, NetworkView } from '../store/views';

export type FindingKind = 'key_person' | 'duplicate_contact';

export interface Finding {
  readonly kind: FindingKind;
  readonly organisationId: string;
  /** The explanation in the UI language at the time it is called. */
  readonly sentence: () => string;
}

function keyPersonSentence(risk: KeyPersonRisk): string {
  if (risk.staff_name === undefined || risk.organisation_name === undefined || risk.level === undefined) return risk.message;
  return t('finding.keyPerson', {
    staff: risk.staff_name,
    organisation: risk.organisation_name,
    level: t(`level.${risk.level}`).toLocaleLowerCase(),
  });
}

function duplicateSentence(duplicate: DuplicateContact): string {
  const [first, second] = duplicate.holders;
  if (!first || !second) return duplicate.message;
  if (duplicate.shared_topics.length > 0) {
    return t('finding.duplicateTopics', {
      first: first.name,
      second: second.name,
      organisation: duplicate.organisation_name,
      topics: duplicate.shared_topics.join(', '),
    });
  }
  const team = (name: string) => (name.trim() === '' ? t('finding.noTeam') : name);
  return t('finding.duplicateTeams', {
    first: first.name,
    firstTeam: team(first.team),
    second: second.name,
    secondTeam: team(second.team),
    organisation: duplicate.organisation_name,
  });
}

/** The finding of each risk or duplicate object: the same object while the view keeps it (the
 * store keeps the objects a colleague's change leaves alone), so the list redraws no more. */
const made = new WeakMap<KeyPersonRisk | DuplicateContact, Finding>();

function findingOf<T extends KeyPersonRisk | DuplicateContact>(of: T, make: (of: T) => Finding): Finding {
  let finding = made.get(of);
  if (!finding) {
    finding = make(of);
    made.set(of, finding);
  }
  return finding;
}

/** Every finding of the view, in the server's order: key-person risks, then duplicate contacts. */
export function findings(view: NetworkView): Finding[] {
  return [
    ...view.key_person_risks.map((risk) =>
      findingOf(risk, (of): Finding => ({ kind: 'key_person', organisationId: of.organisation_id, sentence: () => keyPersonSentence(of) })),
    ),
    ...(view.duplicate_contacts ?? []).map((duplicate) =>
      findingOf(
        duplicate,
        (of): Finding => ({ kind: 'duplicate_contact', organisationId: of.organisation_id, sentence: () => duplicateSentence(of) }),
      ),
    ),
  ];
}

/** The findings grouped by organisation id. */
export function findingsByOrganisation(view: NetworkView): Map<string, Finding[]> {
  const grouped = new Map<string, Finding[]>();
  for (const finding of findings(view)) {
    const list = grouped.get(finding.organisationId);
    if (list) list.push(finding);
    else grouped.set(finding.organisationId, [finding]);
  }
  return grouped;
}

/** The organisations with a finding among `shown`: those the map flags. */
export function flaggedOrganisations(view: NetworkView, shown: ReadonlySet<string>): Set<string> {
  const flagged = new Set<string>();
  for (const risk of view.key_person_risks) if (shown.has(risk.organisation_id)) flagged.add(risk.organisation_id);
  for (const duplicate of view.duplicate_contacts ?? []) if (shown.has(duplicate.organisation_id)) flagged.add(duplicate.organisation_id);
  return flagged;
}
