// The zones of a workshop board per template, pure: which zones a board has and in what
// grid (the library model's 4 rooms across and 4 goals down, the network circle's three
// levels, the age groups, a free board's labels), a zone's key (to compare and to find its
// place), and the structured tags a note gets from its zone (the same words as the server's
// `Zone::tags`, which a promoted note carries).
import type { BoardTemplate, Zone } from '../protocol/command';
import { AGE_GROUPS, GOALS, LEVELS, ROOMS } from '../vocabulary';

/** The zones a free board starts with (its notes may bring more labels). */
export const FREE_LABELS: readonly string[] = ['A', 'B', 'C'];

/** A zone as the board shows it: the zone itself, and its key. */
export interface ZoneSlot {
  readonly key: string;
  readonly zone: Zone;
}

/** A board's zones in the grid's order, and how many columns the grid has. */
export interface ZoneGrid {
  readonly columns: number;
  readonly slots: readonly ZoneSlot[];
}

/** The zone's fields as one comparable key, e.g. `room:learning|goal:innovation`. */
export function zoneKey(zone: Zone): string {
  return zoneTags(zone).join('|');
}

/** The structured tags of a zone, as the server gives a promoted note (`Zone::tags`). */
export function zoneTags(zone: Zone): string[] {
  const tags: string[] = [];
  if (zone.room) tags.push(`room:${zone.room}`);
  if (zone.goal) tags.push(`goal:${zone.goal}`);
  if (zone.level) tags.push(`level:${zone.level}`);
  if (zone.age_group) tags.push(`age_group:${zone.age_group}`);
  if (zone.label != null) tags.push(`zone:${zone.label}`);
  return tags;
}

const slot = (zone: Zone): ZoneSlot => ({ key: zoneKey(zone), zone });

/** The zones of a board of `template`; a free board's are its starting labels and the
 * labels its notes use, in order of first use. */
export function zoneGrid(template: BoardTemplate, usedZones: readonly Zone[] = []): ZoneGrid {
  switch (template) {
    case 'rooms_by_goals':
      return {
        columns: ROOMS.length,
        slots: GOALS.flatMap((goal) => ROOMS.map((room) => slot({ room, goal }))),
      };
    case 'network_circle':
      return { columns: LEVELS.length, slots: LEVELS.map((level) => slot({ level })) };
    case 'age_groups':
      return { columns: 3, slots: AGE_GROUPS.map((age_group) => slot({ age_group })) };
    case 'free': {
      const labels = [...FREE_LABELS];
      for (const zone of usedZones) {
        if (zone.label != null && !labels.includes(zone.label)) labels.push(zone.label);
      }
      return { columns: 3, slots: labels.map((label) => slot({ label })) };
    }
  }
}
