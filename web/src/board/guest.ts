// A workshop guest's own credential: `POST /api/join {invite, display_name}` answers with a
// `phg_...` token of this person alone (their notes, their dots), kept in localStorage until
// the invite expires, so a reload of the phone's page keeps the person on their board.
import { signal } from '@preact/signals';
import { api } from '../store/http';

export interface GuestCredential {
  readonly token: string;
  readonly actor: string;
  readonly display_name: string;
  readonly workspace_id: string;
  readonly board_id: string;
  readonly expires_at: string | null;
}

const STORAGE_KEY = 'partnerhub.guest';

export const guest = signal<GuestCredential | null>(readStored());

function readStored(): GuestCredential | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const stored = JSON.parse(raw) as GuestCredential;
    if (stored.expires_at && Date.parse(stored.expires_at) <= Date.now()) return null;
    return stored;
  } catch {
    return null;
  }
}

/** Joins through `invite` as `displayName`; throws `ApiFailure` with the server's reason
 * (a revoked, expired or unknown invite). */
export async function join(invite: string, displayName: string): Promise<GuestCredential> {
  const credential = await api<GuestCredential>('/api/join', {
    body: { invite, display_name: displayName },
  });
  localStorage.setItem(STORAGE_KEY, JSON.stringify(credential));
  guest.value = credential;
  return credential;
}

/** Whether this person's guest access ended while they were on the board (the invite was
 * withdrawn or expired): what the page says instead of the board. */
export const guestEnded = signal(false);

/** Forgets the guest credential: the server refused it (its invite was revoked or expired). */
export function endGuest(): void {
  localStorage.removeItem(STORAGE_KEY);
  guest.value = null;
  guestEnded.value = true;
}

/** The board's address in the app. */
export function boardPath(workspaceId: string, boardId: string, page: '' | '/summary' = ''): string {
  return `/w/${encodeURIComponent(workspaceId)}/boards/${encodeURIComponent(boardId)}${page}`;
}
