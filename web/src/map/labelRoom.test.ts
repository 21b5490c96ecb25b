import { describe, expect, it } from 'vitest';
import { LabelRoom, dotBox, labelBox } from './labelRoom';

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

describe('LabelRoom and dots', () => {
  it("keeps a label off another node's dot but not off its own", () => {
    const room = new LabelRoom();
    room.dot('a', dotBox(100, 100, 6));
    room.dot('b', dotBox(160, 102, 6));
    // "a"'s label runs to the right across "b"'s dot.
    expect(room.place(labelBox(100, 100, 6, 14, 80), 'a')).toBe(false);
    // A shorter one stops before it, and touches only its own dot.
    room.dot('c', dotBox(300, 300, 6));
    expect(room.place(labelBox(300, 300, 6, 14, 30), 'c')).toBe(true);
    // A dot far from the label does not count.
    room.dot('d', dotBox(900, 900, 6));
    expect(room.place(labelBox(500, 500, 6, 14, 60), 'e')).toBe(true);
  });
});
