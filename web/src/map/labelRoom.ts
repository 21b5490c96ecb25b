// Labels that do not overlap: sigma.js picks the labels to draw by a grid of cells (one per
// cell), which keeps a label out of a crowded cell but not out of its neighbour's, and a
// label runs far to the right of its node, across other nodes' dots. The map draws a label
// only where it has room: each frame starts empty, every drawn node's dot takes its place,
// the labels that must show (flagged organisations, the focus, the selection) take theirs,
// and any other label whose box would touch a label already placed or another node's dot is
// left out (hovering a node still shows its name). The boxes are kept in a grid of screen
// cells, so a label is checked against what is near it only (a frame places some hundred
// labels among a few thousand dots). Pure boxes, tested without a browser.

/** A label's or a dot's box on the screen, in CSS pixels. */
export interface LabelBox {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

/** Space kept between two labels, and between a label and a dot, in CSS pixels. */
export const LABEL_GAP = 2;

/** The side of a grid cell, in CSS pixels. */
const CELL = 64;

/** Where sigma.js draws a node's label (to the right of the disc, centred on it). */
export function labelBox(x: number, y: number, nodeSize: number, labelSize: number, textWidth: number): LabelBox {
  const left = x + nodeSize + 3;
  return { left, top: y - labelSize * 0.7, right: left + textWidth, bottom: y + labelSize * 0.45 };
}

/** A node's dot: the square around its disc. */
export function dotBox(x: number, y: number, radius: number): LabelBox {
  return { left: x - radius, top: y - radius, right: x + radius, bottom: y + radius };
}

interface Placed {
  readonly box: LabelBox;
  /** The node the box belongs to: its own label may touch its dot. */
  readonly node: string | null;
}

/** The labels and dots placed in one frame. */
export class LabelRoom {
  private cells = new Map<number, Placed[]>();

  /** A new frame: nothing placed. */
  clear(): void {
    this.cells = new Map();
  }

  /** A node's dot, which other nodes' labels keep off. */
  dot(node: string, box: LabelBox): void {
    this.add({ box, node });
  }

  /** Places a label that must show, whatever it overlaps. */
  force(box: LabelBox, node: string | null = null): void {
    this.add({ box, node });
  }

  /** Places the label if it touches no label nor other node's dot placed before; whether it was placed. */
  place(box: LabelBox, node: string | null = null): boolean {
    let free = true;
    this.forEachCell(box, (key) => {
      if (free && this.cells.get(key)?.some((other) => (node === null || other.node !== node) && overlaps(box, other.box))) free = false;
    });
    if (free) this.add({ box, node });
    return free;
  }

  private add(placed: Placed): void {
    this.forEachCell(placed.box, (key) => {
      const cell = this.cells.get(key);
      if (cell) cell.push(placed);
      else this.cells.set(key, [placed]);
    });
  }

  private forEachCell(box: LabelBox, visit: (key: number) => void): void {
    const left = Math.floor((box.left - LABEL_GAP) / CELL);
    const right = Math.floor((box.right + LABEL_GAP) / CELL);
    const top = Math.floor((box.top - LABEL_GAP) / CELL);
    const bottom = Math.floor((box.bottom + LABEL_GAP) / CELL);
    // Far outside the screen (a dot of a node panned away) is one cell: it is never checked.
    if (right - left > 64 || bottom - top > 64) return;
    for (let column = left; column <= right; column += 1) {
      for (let row = top; row <= bottom; row += 1) visit(column * 100_003 + row);
    }
  }
}

function overlaps(first: LabelBox, second: LabelBox): boolean {
  return (
    first.left < second.right + LABEL_GAP &&
    second.left < first.right + LABEL_GAP &&
    first.top < second.bottom + LABEL_GAP &&
    second.top < first.bottom + LABEL_GAP
  );
}
