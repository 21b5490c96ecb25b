import { describe, expect, it } from 'vitest';
import { METRIC_SIZES, nodeScores, scaledSizes } from './metrics';
import { FIXTURE } from './testFixture';

describe('node metrics', () => {
  it('count neighbours once per linked pair', () => {
    const degree = nodeScores(FIXTURE, 'degree');
    expect(degree.get('lib')).toBe(3);
    expect(degree.get('mads')).toBe(3);
    expect(degree.get('union')).toBe(0);
  });

  it('give the bridges the highest betweenness', () => {
    const scores = nodeScores(FIXTURE, 'betweenness');
    const ranked = [...scores].sort((a, b) => b[1] - a[1]).map(([node]) => node);
    // The library links the shop's side with the rest; the festival is Anna's (and her
    // team's) only way to everyone else.
    expect(ranked.slice(0, 2).sort()).toEqual(['festival', 'lib']);
    expect(scores.get('union')).toBe(0);
    expect(scores.get('team-b')).toBe(0);
  });

  it('scale the scores between the smallest and the largest size', () => {
    const sizes = scaledSizes(new Map([['a', 0], ['b', 1], ['c', 4]]));
    expect(sizes.get('a')).toBe(METRIC_SIZES.min);
    expect(sizes.get('c')).toBe(METRIC_SIZES.max);
    expect(sizes.get('b')).toBeCloseTo(METRIC_SIZES.min + (METRIC_SIZES.max - METRIC_SIZES.min) / 2);
    expect(scaledSizes(new Map([['a', 0]])).get('a')).toBe(METRIC_SIZES.min);
  });
});
