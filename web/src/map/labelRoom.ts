// Labels that do not overlap: sigma.js picks the labels to draw by a grid of cells (one per
// cell), which keeps a label out of a crowded cell but not out of its neighbour's, and a
// label runs far to the right of its node. The map draws a label only where it has room: each
// frame starts empty, the labels that must show (flagged organisations, the focus, the
// selection) take their place first, and any other label whose box would touch one already
// placed is left out (hovering a node still shows its name). Pure boxes, tested without a
// browser.

/** A label's box on the screen, in CSS pixels. */
export interface LabelBox {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

/** Space kept between two labels, in CSS pixels. */
export const LABEL_GAP = 2;

/** Where sigma.js draws a node's label (to the right of the disc, centred on it). */
export function labelBox(x: number, y: number, nodeSize: number, labelSize: number, textWidth: number): LabelBox {
  const left = x + nodeSize + 3;
  return { left, top: y - labelSize * 0.7, right: left + textWidth, bottom: y + labelSize * 0.45 };
}

/** The labels placed in one frame. */
export class LabelRoom {
  private boxes: LabelBox[] = [];

  /** A new frame: nothing placed. */
  clear(): void {
    this.boxes = [];
  }

  /** Places a label that must show, whatever it overlaps. */
  force(box: LabelBox): void {
    this.boxes.push(box);
  }

  /** Places the label if it touches none placed before; whether it was placed. */
  place(box: LabelBox): boolean {
    if (this.boxes.some((other) => overlaps(box, other))) return false;
    this.boxes.push(box);
    return true;
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
