import { describe, expect, it } from 'vitest';
import { LabelRoom, labelBox } from './labelRoom';

describe('LabelRoom', () => {
  it('leaves out a label that would overlap one placed before, and keeps apart ones', () => {
    const room = new LabelRoom();
    // "Ledelse" and "Jens Berg" from the demo map's screenshot: 12 px apart vertically.
    expect(room.place(labelBox(318, 279, 7, 14, 50))).toBe(true);
    expect(room.place(labelBox(300, 291, 4, 14, 66))).toBe(false);
    // A long label running into its neighbour to the right.
    expect(room.place(labelBox(452, 496, 8, 14, 175))).toBe(true);
    expect(room.place(labelBox(616, 490, 8, 14, 180))).toBe(false);
    // Far enough below: room for it.
    expect(room.place(labelBox(616, 530, 8, 14, 180))).toBe(true);
    room.clear();
    expect(room.place(labelBox(300, 291, 4, 14, 66))).toBe(true);
  });

  it('gives a label that must show its place first', () => {
    const room = new LabelRoom();
    room.force(labelBox(581, 466, 8, 14, 90));
    expect(room.place(labelBox(590, 470, 8, 14, 60))).toBe(false);
    room.force(labelBox(590, 470, 8, 14, 60));
    expect(room.place(labelBox(100, 100, 8, 14, 60))).toBe(true);
  });
});
