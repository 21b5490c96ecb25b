import { describe, expect, it } from 'vitest';
import { KEPT_PER_NAME, makesRoom } from './timing';

describe("the app's User Timing entries", () => {
  it('keeps at most KEPT_PER_NAME of one name: the buffer is cleared before the next', () => {
    const counts = new Map<string, number>();
    const cleared: number[] = [];
    for (let entry = 1; entry <= 2 * KEPT_PER_NAME + 1; entry += 1) if (makesRoom('partnerhub:map-drawn', counts)) cleared.push(entry);
    // Cleared before the entry after each full set, which is then the first of the next.
    expect(cleared).toEqual([KEPT_PER_NAME + 1, 2 * KEPT_PER_NAME + 1]);
    expect(counts.get('partnerhub:map-drawn')).toBe(1);
  });

  it('counts each name apart', () => {
    const counts = new Map<string, number>();
    for (let entry = 0; entry < KEPT_PER_NAME; entry += 1) makesRoom('partnerhub:event-applied', counts);
    expect(makesRoom('partnerhub:map-drawn', counts)).toBe(false);
    expect(makesRoom('partnerhub:event-applied', counts)).toBe(true);
  });
});
