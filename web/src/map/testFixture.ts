// A small network view for the map's unit tests: the library, two teams, three colleagues,
// four organisations, with a key-person risk and a duplicate contact (Danish letters included).
import type { NetworkView } from '../store/views';

export const FIXTURE: NetworkView = {
  nodes: [
    { kind: 'library', id: 'lib', label: 'Roskilde Bibliotekerne' },
    { kind: 'team', id: 'team-b', label: 'Børn og unge' },
    { kind: 'team', id: 'team-v', label: 'Voksne' },
    { kind: 'staff', id: 'anna', label: 'Anna', team: 'Børn og unge' },
    { kind: 'staff', id: 'mads', label: 'Mads', team: 'Voksne' },
    { kind: 'staff', id: 'sofie', label: 'Sofie', team: 'Voksne' },
    {
      kind: 'organisation', id: 'festival', label: 'Roskilde Festival', sector: 'civil_society', level: 'partnership',
      rooms: ['performative'], age_groups: ['teenagers', 'young_adults'], goals: ['experience', 'engagement'],
    },
    { kind: 'organisation', id: 'museum', label: 'Ragnarock', sector: 'public', level: 'collaboration', rooms: ['learning'], age_groups: ['children'] },
    { kind: 'organisation', id: 'shop', label: 'Eplehuset', sector: 'private', level: 'network', rooms: ['learning'], age_groups: ['seniors'] },
    { kind: 'organisation', id: 'union', label: 'Fagbevægelsen; Roskilde', sector: 'civil_society' },
  ],
  edges: [
    { kind: 'relation', source: 'lib', target: 'festival', level: 'partnership' },
    { kind: 'relation', source: 'lib', target: 'museum', level: 'collaboration' },
    { kind: 'relation', source: 'lib', target: 'shop', level: 'network' },
    { kind: 'knows', source: 'mads', target: 'festival', topics: ['Music'] },
    { kind: 'knows', source: 'anna', target: 'festival', topics: ['music', 'gaming tent'] },
    { kind: 'knows', source: 'mads', target: 'museum', topics: ['rock history'] },
    { kind: 'knows', source: 'sofie', target: 'shop', topics: ['iPads'] },
    { kind: 'member_of', source: 'anna', target: 'team-b' },
    { kind: 'member_of', source: 'mads', target: 'team-v' },
    { kind: 'member_of', source: 'sofie', target: 'team-v' },
  ],
  key_person_risks: [
    {
      organisation_id: 'museum', organisation_name: 'Ragnarock', level: 'collaboration', staff_id: 'mads', staff_name: 'Mads',
      message: 'Only one colleague knows this partner: Mads is the only contact with Ragnarock (collaboration)',
    },
  ],
  duplicate_contacts: [
    {
      organisation_id: 'festival', organisation_name: 'Roskilde Festival',
      holders: [
        { staff_id: 'anna', name: 'Anna', team: 'Børn og unge' },
        { staff_id: 'mads', name: 'Mads', team: 'Voksne' },
      ],
      shared_topics: ['music'], different_teams: true,
      message: 'Anna and Mads both talk with Roskilde Festival about music',
    },
  ],
};
