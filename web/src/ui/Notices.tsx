// The live region that shows (and reads out) notices: saved, refused and why.
import { dismiss, notices } from './notices';

export function Notices() {
  return (
    <div class="notices" role="status" aria-live="polite">
      {notices.value.map((notice) => (
        <p key={notice.id} class={`notice notice-${notice.tone}`} onClick={() => dismiss(notice.id)}>
          {notice.text()}
        </p>
      ))}
    </div>
  );
}
