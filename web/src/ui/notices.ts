// Short messages for the person at the screen (a change was saved, was refused and why),
// read out by screen readers through a live region (see Notices.tsx). A notice keeps how to
// say it rather than the words, so it follows a language switch while it is shown.
import { signal } from '@preact/signals';

export interface Notice {
  readonly id: number;
  readonly text: () => string;
  readonly tone: 'info' | 'error';
}

export const notices = signal<readonly Notice[]>([]);
let nextId = 1;

export function notify(text: () => string, tone: Notice['tone'] = 'info'): void {
  const notice = { id: nextId++, text, tone };
  notices.value = [...notices.value, notice].slice(-4);
  setTimeout(() => dismiss(notice.id), tone === 'error' ? 12_000 : 6_000);
}

export function dismiss(id: number): void {
  notices.value = notices.value.filter((notice) => notice.id !== id);
}
