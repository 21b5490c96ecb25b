import { describe, expect, it } from 'vitest';
import { parseTopics } from './RelationEditor';

describe('topics typed on one line', () => {
  it('are split on commas, trimmed, each kept once, empty ones dropped', () => {
    expect(parseTopics(' musik, gaming tent ,,musik, ')).toEqual(['musik', 'gaming tent']);
    expect(parseTopics('')).toEqual([]);
  });
});
