import { describe, expect, it } from 'vitest';
import { readDay, writeDay } from './days';

const first = '2023-01-15';
const last = '2026-12-05';

describe('days typed in the audit view', () => {
  it('writes a day as the UI language does', () => {
    expect(writeDay('2024-06-30', 'da')).toBe('30.06.2024');
    expect(writeDay('2024-06-30', 'en')).toBe('30/06/2024');
  });

  it('reads the day back from either language, short forms and the ISO form', () => {
    for (const text of ['30.06.2024', '30/06/2024', '30-6-2024', ' 30. 6. 2024 ', '30 06 2024', '2024-06-30']) {
      expect(readDay(text, first, last), text).toEqual({ kind: 'day', day: '2024-06-30' });
    }
    expect(readDay('1.2.2024', first, last)).toEqual({ kind: 'day', day: '2024-02-01' });
  });

  it('refuses what is not a day: another order, a day that does not exist, words', () => {
    for (const text of ['', '06/30/2024', '31.02.2024', '29.02.2023', '30.06.24', 'i går', '30.13.2024', '0.06.2024']) {
      expect(readDay(text, first, last), text).toEqual({ kind: 'invalid' });
    }
    expect(readDay('29.02.2024', first, last)).toEqual({ kind: 'day', day: '2024-02-29' });
  });

  it('says when a day lies outside the history', () => {
    expect(readDay('14.01.2023', first, last)).toEqual({ kind: 'outside', day: '2023-01-14' });
    expect(readDay('15.01.2023', first, last)).toEqual({ kind: 'day', day: '2023-01-15' });
    expect(readDay('06.12.2026', first, last)).toEqual({ kind: 'outside', day: '2026-12-06' });
  });
});
