// The map's colours: organisations by sector, relations by their level on the network
// circle, the library's own nodes in neutral tones. The legend reads the same tables.
import type { Level, Sector } from '../protocol/command';
import type { EdgeKind, NodeKind } from '../store/views';

export const SECTOR_COLOURS: Readonly<Record<Sector, string>> = {
  public: '#1f6fb2',
  private: '#c2570c',
  civil_society: '#2f8f46',
};

export const LEVEL_COLOURS: Readonly<Record<Level, string>> = {
  network: '#8fa3b8',
  collaboration: '#d49a00',
  partnership: '#b0175a',
};

export const KIND_COLOURS: Readonly<Record<Exclude<NodeKind, 'organisation'>, string>> = {
  library: '#1d2b3a',
  team: '#6b5b95',
  staff: '#9d8ec4',
};

/** An organisation without a sector cannot exist; this is for safety only. */
export const FALLBACK_COLOUR = '#777777';

export const OTHER_EDGE_COLOURS: Readonly<Record<Exclude<EdgeKind, 'relation'>, string>> = {
  knows: '#c9ced6',
  member_of: '#dcd6ea',
};

