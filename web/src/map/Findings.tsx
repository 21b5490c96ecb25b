// The findings of the shown network as a list beside the map: key-person risks and duplicate
// contacts, each with the server's explanation in the UI language, each a button that selects
// the organisation (the keyboard's way to what the map flags with ⚠).
import { t } from '../i18n';
import type { Finding } from './findings';

export function Findings({
  findings,
  names,
  onSelect,
}: {
  findings: readonly Finding[];
  names: ReadonlyMap<string, string>;
  onSelect: (nodeId: string) => void;
}) {
  return (
    <section class="findings-list" aria-labelledby="findings-title" data-testid="findings">
      <h2 id="findings-title">{t('findings.title', { count: findings.length })}</h2>
      {findings.length === 0 ? (
        <p class="muted">{t('findings.none')}</p>
      ) : (
        <ul>
          {findings.map((finding, index) => (
            <li key={index}>
              <button type="button" class="link" onClick={() => onSelect(finding.organisationId)}>
                {names.get(finding.organisationId) ?? finding.organisationId}
              </button>{' '}
              <span class="muted">{t(`finding.${finding.kind}`)}</span>
              <p>{finding.sentence()}</p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
