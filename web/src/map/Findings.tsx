// The findings of the shown network as a list beside the map: key-person risks and duplicate
// contacts, each with the server's explanation in the UI language, each a button that selects
// the organisation (the keyboard's way to what the map flags with ⚠).
//
// A large map has findings by the thousand and a colleague's change alters one or two: each
// item is made once per finding and organisation name and handed to Preact again as the same
// element, which it then skips (an item follows the language switch by itself, as every
// component reading `t` does).
import type { VNode } from 'preact';
import { useRef } from 'preact/hooks';
import { t } from '../i18n';
import type { Finding } from './findings';

/** A key for each finding object, so an item keeps its element wherever it moves in the list. */
const keys = new WeakMap<Finding, number>();
let nextKey = 0;

export function Findings({
  findings,
  names,
  onSelect,
}: {
  findings: readonly Finding[];
  names: ReadonlyMap<string, string>;
  onSelect: (nodeId: string) => void;
}) {
  const select = useRef(onSelect);
  select.current = onSelect;
  const choose = useRef((nodeId: string) => select.current(nodeId)).current;
  const items = useRef(new WeakMap<Finding, { readonly name: string; readonly item: VNode }>()).current;
  return (
    <section class="findings-list" aria-labelledby="findings-title" data-testid="findings">
      <h2 id="findings-title">{t('findings.title', { count: findings.length })}</h2>
      {findings.length === 0 ? (
        <p class="muted">{t('findings.none')}</p>
      ) : (
        <ul>
          {findings.map((finding) => {
            const name = names.get(finding.organisationId) ?? finding.organisationId;
            let made = items.get(finding);
            if (made?.name !== name) {
              let key = keys.get(finding);
              if (key === undefined) {
                nextKey += 1;
                key = nextKey;
                keys.set(finding, key);
              }
              made = { name, item: <FindingItem key={key} finding={finding} name={name} onSelect={choose} /> };
              items.set(finding, made);
            }
            return made.item;
          })}
        </ul>
      )}
    </section>
  );
}

function FindingItem({ finding, name, onSelect }: { finding: Finding; name: string; onSelect: (nodeId: string) => void }) {
  return (
    <li>
      <button type="button" class="link" onClick={() => onSelect(finding.organisationId)}>
        {name}
      </button>{' '}
      <span class="muted">{t(`finding.${finding.kind}`)}</span>
      <p>{finding.sentence()}</p>
    </li>
  );
}
