// The facilitator's timer as everyone sees it: the seconds left until the server's `ends_at`,
// counted on the server's clock (this browser's clock corrected by the offset measured at the
// websocket's `welcome`), so every phone and screen shows the same time left.
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n';
import { clockText, secondsLeft } from './model';

export function Countdown({ endsAt, serverOffsetMs }: { endsAt: string; serverOffsetMs: () => number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [endsAt]);
  const left = secondsLeft(endsAt, now, serverOffsetMs());
  return (
    <span class={`countdown${left === 0 ? ' countdown-done' : ''}`} role="timer" data-seconds={left}>
      {t('board.timer', { time: clockText(left) })}
    </span>
  );
}
