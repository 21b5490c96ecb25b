// Who else is on the map now: an avatar each (initials in their colour, the colour of their
// pointer and selection on the map), with their name and what they have selected in words.
import type { Present } from '../store/presence';
import { avatarColour, initials, people } from '../store/presence';
import { t } from '../i18n';

export function PresenceBar({ others, names }: { others: readonly Present[]; names: ReadonlyMap<string, string> }) {
  return (
    <div class="presence-bar" data-testid="presence-bar">
      <span>{t('presence.here')}</span>
      {others.length === 0 ? (
        <span class="muted">{t('presence.onlyYou')}</span>
      ) : (
        <ul aria-label={t('presence.here')}>
          {people(others).map((other) => {
            const selected = other.selection === null ? undefined : names.get(other.selection);
            const words = selected === undefined ? other.actor : t('presence.selects', { name: other.actor, node: selected });
            return (
              <li key={other.actor} data-actor={other.actor} title={words}>
                <span class="avatar" style={{ background: avatarColour(other.actor) }} aria-hidden="true">
                  {initials(other.actor)}
                </span>
                <span class="visually-hidden">{words}</span>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
