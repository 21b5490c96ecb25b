// The method's closed lists in their order (DOMAIN.md): the library model's rooms and goals,
// the network circle's levels, the sectors and the age groups. The types come from the
// protocol; the order in which the app lists them is decided here, once, for every view.
import type { AgeGroup, Goal, Level, Room, Sector } from './protocol/command';

export const ROOMS: readonly Room[] = ['inspiration', 'learning', 'meeting', 'performative'];
export const GOALS: readonly Goal[] = ['experience', 'empowerment', 'engagement', 'innovation'];
export const LEVELS: readonly Level[] = ['network', 'collaboration', 'partnership'];
export const SECTORS: readonly Sector[] = ['public', 'private', 'civil_society'];
export const AGE_GROUPS: readonly AgeGroup[] = ['toddlers', 'children', 'teenagers', 'young_adults', 'adults', 'seniors'];
