// The layout off the main thread: receives a numbered layout request, answers with the
// relaxed positions under the same number (the canvas keeps only the latest answer).
import { relaxedPositions, type LayoutInput, type Positions } from './layout';

export interface LayoutRequest {
  readonly run: number;
  readonly input: LayoutInput;
}

export interface LayoutAnswer {
  readonly run: number;
  readonly positions: Positions;
}

/** The worker's side of the channel (the DOM library types `self` as a window). */
const scope = self as unknown as {
  onmessage: ((message: MessageEvent<LayoutRequest>) => void) | null;
  postMessage(answer: LayoutAnswer): void;
};

scope.onmessage = (message) => {
  const { run, input } = message.data;
  scope.postMessage({ run, positions: relaxedPositions(input) });
};
