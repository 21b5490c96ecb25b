import { afterEach, describe, expect, it } from 'vitest';
import { language } from '../i18n';
import { findings, findingsByOrganisation } from './findings';
import { FIXTURE } from './testFixture';

afterEach(() => {
  language.value = 'da';
});

describe('findings', () => {
  it('explain a key-person risk and a duplicate contact in the UI language', () => {
    const [risk, duplicate] = findings(FIXTURE);
    language.value = 'en';
    expect(risk?.kind).toBe('key_person');
    expect(risk?.sentence()).toBe('Only one colleague knows this partner: Mads is the only contact with Ragnarock (collaboration).');
    expect(duplicate?.sentence()).toBe('Anna and Mads both talk with Roskilde Festival about music.');
    language.value = 'da';
    expect(risk?.sentence()).toBe('Kun én kollega kender denne partner: Mads er den eneste kontakt til Ragnarock (samarbejde).');
    expect(duplicate?.sentence()).toBe('Anna og Mads taler begge med Roskilde Festival om music.');
  });

  it("fall back to the server's words when a field is missing", () => {
    const view = { ...FIXTURE, key_person_risks: [{ organisation_id: 'museum', message: 'the server says so' }], duplicate_contacts: undefined };
    expect(findings(view).map((finding) => finding.sentence())).toEqual(['the server says so']);
  });

  it('name the teams when two holders share no topic', () => {
    const duplicate = { ...FIXTURE.duplicate_contacts![0]!, shared_topics: [], holders: [{ staff_id: 'a', name: 'A', team: '' }, { staff_id: 'b', name: 'B', team: 'Voksne' }] };
    language.value = 'en';
    expect(findings({ ...FIXTURE, key_person_risks: [], duplicate_contacts: [duplicate] })[0]?.sentence()).toBe(
      'A (no team) and B (Voksne) both hold the contact with Roskilde Festival, from different teams.',
    );
  });

  it('group by organisation', () => {
    const grouped = findingsByOrganisation(FIXTURE);
    expect([...grouped.keys()].sort()).toEqual(['festival', 'museum']);
  });
});
