import { describe, expect, it } from 'vitest';
import { LABEL_SIDES, LabelRoom, dotBox, drawHighlight, labelBox, textOrigin, type HighlightContext } from './labelRoom';

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

describe('LabelRoom.placeAround', () => {
  it('tries the right of the dot, then the left, above and below, and leaves the label out only when none has room', () => {
    const room = new LabelRoom();
    const size = 14;
    const width = 60;
    // A node at (200, 200) with a neighbour's dot just to its right: the label goes left.
    room.dot('a', dotBox(200, 200, 6));
    room.dot('right', dotBox(240, 202, 6));
    const left = room.placeAround(200, 200, 6, size, width, 'a');
    expect(left).toEqual(labelBox(200, 200, 6, size, width, 'left'));
    expect(left!.right).toBeLessThan(200 - 6);

    // A node with dots on both sides: above.
    room.dot('b', dotBox(600, 200, 6));
    room.dot('b-right', dotBox(640, 200, 6));
    room.dot('b-left', dotBox(560, 200, 6));
    const above = room.placeAround(600, 200, 6, size, width, 'b');
    expect(above).toEqual(labelBox(600, 200, 6, size, width, 'above'));
    expect(above!.bottom).toBeLessThan(200 - 6);

    // Right, left and above taken: below.
    room.dot('c', dotBox(600, 500, 6));
    room.dot('c-right', dotBox(640, 500, 6));
    room.dot('c-left', dotBox(560, 500, 6));
    room.dot('c-above', dotBox(600, 480, 6));
    const below = room.placeAround(600, 500, 6, size, width, 'c');
    expect(below).toEqual(labelBox(600, 500, 6, size, width, 'below'));
    expect(below!.top).toBeGreaterThan(500 + 6);

    // Hemmed in on all four sides: left out, and nothing placed for it.
    room.dot('d', dotBox(1000, 500, 6));
    const around: [number, number][] = [[40, 0], [-40, 0], [0, -20], [0, 20]];
    for (const [dx, dy] of around) room.dot(`d${dx},${dy}`, dotBox(1000 + dx, 500 + dy, 6));
    expect(room.placeAround(1000, 500, 6, size, width, 'd')).toBeNull();
    expect(room.place(labelBox(1000, 500, 6, size, width, 'left'), 'e')).toBe(false);
    // A free node keeps the right-hand side, where sigma.js draws it.
    expect(room.placeAround(1500, 900, 6, size, width, 'f')).toEqual(labelBox(1500, 900, 6, size, width));
  });

  it('keeps a placed label as an obstacle for the next one, whichever side it took', () => {
    const room = new LabelRoom();
    room.dot('a', dotBox(300, 300, 6));
    room.dot('b', dotBox(330, 300, 6));
    room.dot('c', dotBox(270, 300, 6));
    const first = room.placeAround(300, 300, 6, 14, 40, 'a');
    expect(first).toEqual(labelBox(300, 300, 6, 14, 40, 'above'));
    // Their dots hem a's label in on the right and left; b and c each keep their own free side.
    expect(room.placeAround(330, 300, 6, 14, 40, 'b')).toEqual(labelBox(330, 300, 6, 14, 40, 'right'));
    expect(room.placeAround(270, 300, 6, 14, 40, 'c')).toEqual(labelBox(270, 300, 6, 14, 40, 'left'));
  });

  it('writes the text where its box is, on every side', () => {
    for (const side of LABEL_SIDES) {
      const box = labelBox(100, 100, 5, 14, 50, side);
      const origin = textOrigin(box, 14);
      expect(origin.x).toBe(box.left);
      expect(origin.y).toBeGreaterThan(box.top);
      expect(origin.y).toBeLessThan(box.bottom);
      expect(box.right - box.left).toBe(50);
    }
    // On the right, the baseline is where sigma.js writes it: a third of the font size below the centre.
    expect(textOrigin(labelBox(100, 100, 5, 14, 50), 14).y).toBeCloseTo(100 + 14 / 3);
  });
});

describe("labels at the map's edge", () => {
  it('takes another side for a label the edge would cut, and leaves it out when every side would be cut', () => {
    const room = new LabelRoom();
    const bounds = { width: 800, height: 500 };
    // Near the right edge: the right would run out of the map, so the left.
    expect(room.placeAround(780, 200, 6, 14, 80, 'a', bounds)).toEqual(labelBox(780, 200, 6, 14, 80, 'left'));
    // Near the top right corner with the left taken by another's dot: below, not above (cut by
    // the top), nor the right (cut by the right edge).
    room.dot('b', dotBox(712, 8, 4));
    expect(room.placeAround(750, 10, 6, 14, 60, 'c', bounds)).toEqual(labelBox(750, 10, 6, 14, 60, 'below'));
    // Near the bottom edge, only above is inside, and another label is there: left out, not
    // drawn cut by the edge (a stray letter or two at the map's edge).
    const hemmed = new LabelRoom();
    hemmed.force({ left: 380, top: 470, right: 420, bottom: 480 });
    expect(hemmed.placeAround(400, 495, 6, 14, 80, 'd', bounds)).toBeNull();
    // A node panned just off the left edge: its label on the right would show its last
    // letters only; left out, and its room stays free.
    const panned = new LabelRoom();
    expect(panned.placeAround(-60, 200, 6, 14, 80, 'e', bounds)).toBeNull();
    expect(panned.place(labelBox(0, 200, 0, 14, 40))).toBe(true);
  });

  it('shows a label that must show on the first side inside the map, over another if need be', () => {
    const bounds = { width: 800, height: 500 };
    // Free on the left: taken as any label.
    expect(new LabelRoom().forceAround(780, 200, 6, 14, 80, 'a', bounds)).toEqual(labelBox(780, 200, 6, 14, 80, 'left'));
    // Hemmed in at the bottom (only above is inside, and taken): above all the same, placed.
    const hemmed = new LabelRoom();
    hemmed.force({ left: 380, top: 470, right: 420, bottom: 480 });
    const above = labelBox(400, 495, 6, 14, 80, 'above');
    expect(hemmed.forceAround(400, 495, 6, 14, 80, 'd', bounds)).toEqual(above);
    expect(hemmed.place({ left: above.left + 5, top: above.top, right: above.left + 10, bottom: above.bottom })).toBe(false);
    // Beyond the edge, no side is inside: not drawn at all. Without bounds, the right.
    expect(new LabelRoom().forceAround(-60, 200, 6, 14, 80, 'e', bounds)).toBeNull();
    expect(new LabelRoom().forceAround(-60, 200, 6, 14, 80, 'e')).toEqual(labelBox(-60, 200, 6, 14, 80, 'right'));
  });
});

describe('the highlight of a hovered or selected node', () => {
  const recorder = () => {
    const calls: string[] = [];
    const context = {
      fillStyle: '',
      font: '',
      shadowBlur: 0,
      shadowColor: '',
      shadowOffsetX: 0,
      shadowOffsetY: 0,
      beginPath: () => calls.push('begin'),
      arc: (x: number, y: number, radius: number) => calls.push(`disc ${x},${y} r${radius}`),
      rect: (x: number, y: number, width: number, height: number) => calls.push(`card ${x},${y} ${width}x${height}`),
      fill: () => calls.push(`fill ${context.fillStyle} shadow ${context.shadowBlur}`),
      fillText: (text: string, x: number, y: number) => calls.push(`text "${text}" ${context.fillStyle} at ${x},${y}`),
    };
    return { context: context as unknown as HighlightContext, calls };
  };
  const text = { font: 'normal 14px sans-serif', size: 14, color: '#000', width: 60 };

  it("is drawn around the side the label took, with the name written once, there", () => {
    const { context, calls } = recorder();
    const left = labelBox(300, 200, 9, 14, 60, 'left');
    drawHighlight(context, { x: 300, y: 200, radius: 9 }, 'Eplehuset', left, text);
    const origin = textOrigin(left, 14);
    expect(calls).toEqual([
      'begin',
      'disc 300,200 r11',
      `card ${left.left - 2},${left.top - 2} ${left.right - left.left + 4}x${left.bottom - left.top + 4}`,
      'fill #FFF shadow 8',
      `text "Eplehuset" #000 at ${origin.x},${origin.y}`,
    ]);
    // The card reaches the disc: no gap between them.
    expect(left.right + 2).toBeGreaterThanOrEqual(300 - 11);
  });

  it("takes the right, as sigma.js does, when the label room had no side for it; a node without a label gets the disc alone", () => {
    const { context, calls } = recorder();
    drawHighlight(context, { x: 300, y: 200, radius: 9 }, 'Eplehuset', null, text);
    expect(calls.at(-1)).toBe(`text "Eplehuset" #000 at ${textOrigin(labelBox(300, 200, 9, 14, 60), 14).x},${textOrigin(labelBox(300, 200, 9, 14, 60), 14).y}`);
    const bare = recorder();
    drawHighlight(bare.context, { x: 300, y: 200, radius: 3 }, null, null, text);
    expect(bare.calls).toEqual(['begin', 'disc 300,200 r9', 'fill #FFF shadow 8']);
  });
});
