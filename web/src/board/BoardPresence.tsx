// Who is on the board now: an avatar each (initials in their colour, as on the map), with
// their name and, where the phase shows pointers, the zone they are on (on a phone also in
// words beside the avatar, and in each zone who is on it); and on a large screen the others'
// pointers drawn in their zone. A pointer travels as a place within a
// zone (0 to 1 each way), so screens of any size show it in the same spot. In private
// writing and anonymous phases the server relays only who is here, so nothing is drawn.
// Each of these follows the board's presence itself (`BoardStore.others`): a presence
// message renders them, not the board around them.
import { avatarColour, initials, people, type Present } from '../store/presence';
import { t } from '../i18n';
import { zoneName } from './words';
import type { BoardStore } from './store';
import { zoneKey } from './zones';

/** A person's name for people: the name their presence or the board's view gives, else
 * their actor without its prefix. */
export function personName(actor: string, names: Readonly<Record<string, string>>, present?: Present): string {
  return present?.name ?? names[actor] ?? actor.replace(/^(guest|token):/, '');
}

export function BoardPresenceBar({
  store,
  names,
  withZones = false,
}: {
  store: BoardStore;
  names: Readonly<Record<string, string>>;
  /** Whether each person's zone is written beside their avatar (a phone has no pointers). */
  withZones?: boolean;
}) {
  const others = store.others.value;
  return (
    <div class="presence-bar board-presence" data-testid="board-presence">
      <span>{t('boardPresence.here')}</span>
      {others.length === 0 ? (
        <span class="muted">{t('presence.onlyYou')}</span>
      ) : (
        <ul aria-label={t('boardPresence.here')}>
          {people(others).map((other) => {
            const name = personName(other.actor, names, other);
            const words = other.zone ? t('boardPresence.onZone', { name, zone: zoneName(other.zone) }) : name;
            return (
              <li key={other.actor} data-actor={other.actor} title={words}>
                <span class="avatar" style={{ background: avatarColour(other.actor) }} aria-hidden="true">
                  {initials(name)}
                </span>
                {withZones && other.zone ? (
                  <span class="presence-zone">{words}</span>
                ) : (
                  <span class="visually-hidden">{words}</span>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

/** On a phone: who else is on one zone (`zoneKeyOf`), by name; nothing when nobody is. */
export function ZonePeople({ store, zoneKeyOf, names }: { store: BoardStore; zoneKeyOf: string; names: Readonly<Record<string, string>> }) {
  const here = people(store.others.value.filter((other) => other.zone && zoneKey(other.zone) === zoneKeyOf));
  if (here.length === 0) return null;
  return (
    <p class="zone-people muted small" data-testid="zone-people">
      {t('boardPresence.inZone', { names: here.map((other) => personName(other.actor, names, other)).join(', ') })}
    </p>
  );
}

/** The others' pointers in one zone (`key`), each a dot with their name. */
export function ZoneCursors({ store, zoneKeyOf, names }: { store: BoardStore; zoneKeyOf: string; names: Readonly<Record<string, string>> }) {
  const here = store.others.value.filter((other) => other.cursor && other.zone && zoneKey(other.zone) === zoneKeyOf);
  if (here.length === 0) return null;
  return (
    <>
      {here.map((other) => (
        <span
          key={other.connectionId}
          class="board-cursor"
          data-testid="board-cursor"
          data-actor={other.actor}
          aria-hidden="true"
          style={{
            left: `${clampFraction(other.cursor!.x) * 100}%`,
            top: `${clampFraction(other.cursor!.y) * 100}%`,
            '--cursor-colour': avatarColour(other.actor),
          }}
        >
          <span class="board-cursor-name">{personName(other.actor, names, other)}</span>
        </span>
      ))}
    </>
  );
}

function clampFraction(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}

/** Whether this screen is large enough to show and send pointers (not a phone). */
export function largeScreen(): boolean {
  return typeof window !== 'undefined' && window.matchMedia('(min-width: 761px) and (pointer: fine)').matches;
}
