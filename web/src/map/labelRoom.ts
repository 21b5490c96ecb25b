// Labels that do not overlap: sigma.js picks the labels to draw by a grid of cells (one per
// cell), which keeps a label out of a crowded cell but not out of its neighbour's, and a
// label runs far to the right of its node, across other nodes' dots. The map draws a label
// only where it has room: each frame starts empty, every drawn node's dot takes its place,
// the labels that must show (flagged organisations, the focus, the selection) take theirs,
// and every other label tries the right of its dot, then the left, above and below
// (`placeAround`), and is left out only when all four would touch a label already placed or
// another node's dot (hovering a node still shows its name). A label is drawn whole or not
// at all: a side the map's edge would cut is never taken (a cut label left a stray letter or
// two at the edge, the rest of a name whose node was panned off the map); a label that must
// show takes the first side inside the map, free or not (`forceAround`). The boxes are kept in a grid of screen
// cells, so a label is checked against what is near it only (a frame places some hundred
// labels among a few thousand dots). The highlight of a hovered or selected node (a white
// card with a shadow around its disc and its name) is drawn around the side its label took
// (`drawHighlight`), so the name is not written twice. Pure boxes, tested without a browser.

/** A label's or a dot's box on the screen, in CSS pixels. */
export interface LabelBox {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

/** The map's size, in CSS pixels. */
export interface Bounds {
  readonly width: number;
  readonly height: number;
}

/** Space kept between two labels, and between a label and a dot, in CSS pixels. */
export const LABEL_GAP = 2;

/** The side of a grid cell, in CSS pixels. */
const CELL = 64;

/** The sides of its dot a label may take, in the order they are tried. */
export const LABEL_SIDES = ['right', 'left', 'above', 'below'] as const;
export type LabelSide = (typeof LABEL_SIDES)[number];

/** How far a label's text reaches above its baseline and below it, in font sizes. */
const ASCENT = 0.85;
const DESCENT = 0.3;

/** A label's box on one side of a node's disc at (x, y): on the right where sigma.js draws it
 * (its baseline a third of the font size below the centre), on the left ending as far from
 * the disc, above and below centred on it. */
export function labelBox(
  x: number,
  y: number,
  nodeSize: number,
  labelSize: number,
  textWidth: number,
  side: LabelSide = 'right',
): LabelBox {
  const height = (ASCENT + DESCENT) * labelSize;
  const baseline = y + labelSize / 3;
  switch (side) {
    case 'right': {
      const left = x + nodeSize + 3;
      return { left, top: baseline - ASCENT * labelSize, right: left + textWidth, bottom: baseline + DESCENT * labelSize };
    }
    case 'left': {
      const right = x - nodeSize - 3;
      return { left: right - textWidth, top: baseline - ASCENT * labelSize, right, bottom: baseline + DESCENT * labelSize };
    }
    case 'above': {
      const bottom = y - nodeSize - 1;
      return { left: x - textWidth / 2, top: bottom - height, right: x + textWidth / 2, bottom };
    }
    case 'below': {
      const top = y + nodeSize + 1;
      return { left: x - textWidth / 2, top, right: x + textWidth / 2, bottom: top + height };
    }
  }
}

/** Where to write a label so that its text fills `box`: the left end of its baseline. */
export function textOrigin(box: LabelBox, labelSize: number): { x: number; y: number } {
  return { x: box.left, y: box.bottom - DESCENT * labelSize };
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

  /** Places a node's label on the first side of its dot (right, left, above, below) where it
   * has room and, given `bounds` (the map's size), lies wholly inside the map; the box it
   * took, or null when no side has (the label is left out: never drawn cut by the edge). */
  placeAround(
    x: number,
    y: number,
    nodeSize: number,
    labelSize: number,
    textWidth: number,
    node: string | null = null,
    bounds: Bounds | null = null,
  ): LabelBox | null {
    for (const box of sidesInside(x, y, nodeSize, labelSize, textWidth, bounds)) {
      if (this.place(box, node)) return box;
    }
    return null;
  }

  /** Places a label that must show (a flagged, focused or selected node's): the first side
   * with room (`placeAround`), else the first side inside the map though it overlaps, forced;
   * null only when no side lies inside the map (the node is at or beyond its edge: a cut
   * label would show a stray letter or two, not the name). */
  forceAround(
    x: number,
    y: number,
    nodeSize: number,
    labelSize: number,
    textWidth: number,
    node: string | null = null,
    bounds: Bounds | null = null,
  ): LabelBox | null {
    const free = this.placeAround(x, y, nodeSize, labelSize, textWidth, node, bounds);
    if (free) return free;
    const [first] = sidesInside(x, y, nodeSize, labelSize, textWidth, bounds);
    if (!first) return null;
    this.force(first, node);
    return first;
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

/** A label's boxes on each side of its dot, in the order they are tried, those wholly inside
 * `bounds` only (every side without bounds). */
function sidesInside(x: number, y: number, nodeSize: number, labelSize: number, textWidth: number, bounds: Bounds | null): LabelBox[] {
  const boxes = LABEL_SIDES.map((side) => labelBox(x, y, nodeSize, labelSize, textWidth, side));
  if (bounds === null) return boxes;
  return boxes.filter((box) => box.left >= 0 && box.top >= 0 && box.right <= bounds.width && box.bottom <= bounds.height);
}

function overlaps(first: LabelBox, second: LabelBox): boolean {
  return (
    first.left < second.right + LABEL_GAP &&
    second.left < first.right + LABEL_GAP &&
    first.top < second.bottom + LABEL_GAP &&
    second.top < first.bottom + LABEL_GAP
  );
}

/** The part of a 2D canvas context a highlight is drawn with. */
export type HighlightContext = Pick<
  CanvasRenderingContext2D,
  'beginPath' | 'arc' | 'rect' | 'fill' | 'fillText' | 'fillStyle' | 'font' | 'shadowBlur' | 'shadowColor' | 'shadowOffsetX' | 'shadowOffsetY'
>;

/** Padding of a highlight's card around the disc and the label, in CSS pixels. */
const HIGHLIGHT_PADDING = 2;

/**
 * A hovered or selected node's highlight, as sigma.js draws it (a white card with a shadow
 * around the disc at (x, y) and the label), but around the side the label took (`box`, from
 * the label room; the right when none), with the label written in it once.
 */
export function drawHighlight(
  context: HighlightContext,
  at: { readonly x: number; readonly y: number; readonly radius: number },
  label: string | null,
  box: LabelBox | null,
  text: { readonly font: string; readonly size: number; readonly color: string; readonly width: number },
): void {
  context.font = text.font;
  context.fillStyle = '#FFF';
  context.shadowOffsetX = 0;
  context.shadowOffsetY = 0;
  context.shadowBlur = 8;
  context.shadowColor = '#000';
  context.beginPath();
  context.arc(at.x, at.y, Math.max(at.radius, text.size / 2) + HIGHLIGHT_PADDING, 0, 2 * Math.PI);
  const labelAt = label ? (box ?? labelBox(at.x, at.y, at.radius, text.size, text.width)) : null;
  if (labelAt) {
    context.rect(
      labelAt.left - HIGHLIGHT_PADDING,
      labelAt.top - HIGHLIGHT_PADDING,
      labelAt.right - labelAt.left + 2 * HIGHLIGHT_PADDING,
      labelAt.bottom - labelAt.top + 2 * HIGHLIGHT_PADDING,
    );
  }
  context.fill();
  context.shadowBlur = 0;
  if (!label || !labelAt) return;
  const origin = textOrigin(labelAt, text.size);
  context.fillStyle = text.color;
  context.fillText(label, origin.x, origin.y);
}
