// Who is logged in: the session token from `POST /api/login` (or from accepting a member
// invite, or a password change), kept in localStorage until it expires or the user logs out;
// logging out ends the session on the server too.
import { signal } from '@preact/signals';
import { api } from '../store/http';
import type { LoginSession } from '../protocol/api';

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

/** Keeps a session the server handed out (login, accepted invite, changed password). */
export function adoptSession(token: string, account: string, expiresAt: string | null): Session {
  const next = { token, account, expiresAt };
  localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
  session.value = next;
  return next;
}

/** Logs in; throws `ApiFailure` with the server's reason. */
export async function logIn(name: string, password: string): Promise<Session> {
  const answer = await api<LoginSession>('/api/login', {
    body: { name, password },
  });
  return adoptSession(answer.token, answer.account, answer.expires_at);
}

/** Changes the password; the server ends every session of the account and hands out a new
 * one, which replaces this one. Throws `ApiFailure` with the server's reason. */
export async function changePassword(current: string, next: string): Promise<Session> {
  const token = session.value?.token ?? null;
  const answer = await api<LoginSession>('/api/me/password', {
    token,
    body: { current, new: next },
  });
  return adoptSession(answer.token, answer.account, answer.expires_at);
}

/** Forgets the session on this device (when the server has ended it already). */
export function logOut(): void {
  localStorage.removeItem(STORAGE_KEY);
  session.value = null;
}

/** Ends the session on the server (`POST /api/logout`), then forgets it here; it is
 * forgotten here even when the server cannot be reached. */
export async function logOutEverywhere(): Promise<void> {
  const token = session.value?.token ?? null;
  logOut();
  if (!token) return;
  try {
    await api('/api/logout', { token, method: 'POST' });
  } catch {
    // Expired or unreachable: nothing more to end.
  }
}
