import { describe, expect, it } from 'vitest';
import {
  amendSection,
  conflictOf,
  detailsOf,
  detailsUpdate,
  nextPhase,
  earlierPhases,
  overdue,
  resolve,
  sideOf,
  type AgreementDiff,
  type PartnershipFile,
} from './model';

const conflictBody = {
  code: 'version_conflict',
  message: 'the agreement is at version 3',
  details: {
    partnership_id: 'p',
    expected: 1,
    actual: 3,
    conflicts: [{ section: 'purpose', current: 'Reading and music', yours: 'Poetry', changed_in: 2 }],
  },
};

describe('amendments per section', () => {
  it('send only their own section, from the version the editor started from', () => {
    expect(amendSection('p', 1, 'exit', "One month's notice", ' ')).toEqual({
      type: 'AmendAgreement',
      partnership_id: 'p',
      expected_version: 1,
      sections: { exit: "One month's notice" },
    });
    expect(amendSection('p', 2, 'roles', 'Anna leads', ' the partner asked ').reason).toBe('the partner asked');
  });
});

describe('a same-section conflict', () => {
  it('is read from the 409 with both texts and the current version', () => {
    expect(conflictOf(conflictBody, 'purpose')).toEqual({
      section: 'purpose',
      current: 'Reading and music',
      yours: 'Poetry',
      changedIn: 2,
      actual: 3,
    });
    expect(conflictOf(conflictBody, 'exit')).toBeNull();
    expect(conflictOf({ code: 'nothing_changed', message: '' }, 'purpose')).toBeNull();
    expect(conflictOf({ code: 'version_conflict', message: '', details: { actual: 3 } }, 'purpose')).toBeNull();
  });

  it('is resolved by resending on the current version, or by sending nothing', () => {
    const conflict = conflictOf(conflictBody, 'purpose');
    if (!conflict) throw new Error('no conflict read');
    expect(resolve('p', conflict, { kind: 'keepMine' }, '')).toEqual(amendSection('p', 3, 'purpose', 'Poetry', ''));
    expect(resolve('p', conflict, { kind: 'merge', text: 'Reading, music and poetry' }, '')).toEqual(
      amendSection('p', 3, 'purpose', 'Reading, music and poetry', ''),
    );
    expect(resolve('p', conflict, { kind: 'takeCurrent' }, '')).toBeNull();
  });
});

describe('the diff', () => {
  it('shows kept and removed words on the earlier side, kept and added on the later', () => {
    const words: AgreementDiff['sections'][number]['words'] = [
      { change: 'kept', text: 'Reading ' },
      { change: 'removed', text: 'at ' },
      { change: 'added', text: 'and music at ' },
      { change: 'kept', text: 'the festival' },
    ];
    expect(sideOf(words, 'from')).toEqual([
      { text: 'Reading ', changed: false },
      { text: 'at ', changed: true },
      { text: 'the festival', changed: false },
    ]);
    expect(sideOf(words, 'to').map((run) => run.text).join('')).toBe('Reading and music at the festival');
  });
});

describe('phases and due dates', () => {
  it('move one phase forward or back to any earlier one, never into ended by a move', () => {
    expect(nextPhase('idea')).toBe('exploration');
    expect(nextPhase('agreement')).toBe('planning');
    expect(nextPhase('adjustment')).toBeNull();
    expect(nextPhase('ended')).toBeNull();
    expect(earlierPhases('idea')).toEqual([]);
    expect(earlierPhases('decision')).toEqual(['screening', 'exploration', 'idea']);
    expect(earlierPhases('ended')).toEqual([]);
  });

  it('are overdue only after the day', () => {
    expect(overdue('2026-12-04', '2026-12-05')).toBe(true);
    expect(overdue('2026-12-05', '2026-12-05')).toBe(false);
    expect(overdue(null, '2026-12-05')).toBe(false);
  });
});

describe('editing the facts of a file', () => {
  const file = {
    title: 'Festival',
    partner_ids: ['o1'],
    purpose: '',
    form: { kind: 'frame' },
    goals: ['engagement'],
    rooms: [],
    phase: 'idea',
    agreement: { version: 0, sections: {} },
    resources: [],
    evaluations: [],
    communication_plan: {},
    communications_sent: [],
    readiness: {},
    proposed_at: '2026-12-01T10:00:00Z',
  } as const satisfies PartnershipFile;

  it('sends only the fields that changed, so a colleague’s other change stands', () => {
    const draft = { ...detailsOf(file), rooms: ['meeting' as const], partner_ids: ['o1', 'o2'] };
    expect(detailsUpdate('p', file, draft)).toEqual({
      type: 'UpdatePartnership',
      partnership_id: 'p',
      partner_ids: ['o1', 'o2'],
      rooms: ['meeting'],
    });
    const activity = { ...detailsOf(file), title: ' Festival 2027 ', form: { kind: 'activity' as const, starts_on: '2027-06-26', ends_on: '2027-07-03' } };
    expect(detailsUpdate('p', file, activity)).toMatchObject({ title: 'Festival 2027', form: activity.form });
  });

  it('sends nothing when nothing changed, whatever the order of a list', () => {
    expect(detailsUpdate('p', file, detailsOf(file))).toBeNull();
    const reordered = { ...file, goals: ['engagement', 'innovation'] } as const satisfies PartnershipFile;
    expect(detailsUpdate('p', reordered, { ...detailsOf(reordered), goals: ['innovation', 'engagement'] })).toBeNull();
  });
});
