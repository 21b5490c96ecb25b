// Who is logged in: the session token from `POST /api/login`, kept in localStorage until it
// expires or the user logs out, and a guest invite token taken from a `/join#<token>` link.
import { signal } from '@preact/signals';
import { api } from '../store/http';

export interface Session {
  readonly token: string;
  readonly account: string;
  readonly expiresAt: string | null;
}

const STORAGE_KEY = 'partnerhub.session';

export const session = signal<Session | null>(readStored());

function readStored(): Session | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const stored = JSON.parse(raw) as Session;
    if (stored.expiresAt && Date.parse(stored.expiresAt) <= Date.now()) return null;
    return stored;
  } catch {
    return null;
  }
}

/** Logs in; throws `ApiFailure` with the server's reason. */
export async function logIn(name: string, password: string): Promise<Session> {
  const answer = await api<{ token: string; expires_at: string; account: string }>('/api/login', {
    body: { name, password },
  });
  const next = { token: answer.token, account: answer.account, expiresAt: answer.expires_at };
  localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
  session.value = next;
  return next;
}

/** Forgets the session on this device. */
export function logOut(): void {
  localStorage.removeItem(STORAGE_KEY);
  session.value = null;
}
