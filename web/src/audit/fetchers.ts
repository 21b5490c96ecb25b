// The audit view's calls to the server: the "as of" report (with a comparison), an entity's
// timeline (its sentences in the UI's language), the chain's verification, and the audit trail's CSV as text (for the download
// and the print page). Failures are `ApiFailure`s, said in words by `errorSentence`.
import { api, ApiFailure } from '../store/http';
import type { WorkspaceSummary } from '../store/views';
import type { ErrorBody } from '../protocol/error';
import type { AsOfReport, TimelineLine } from './model';
import { trailCsvPath } from './model';

const base = (workspaceId: string): string => `/api/workspaces/${encodeURIComponent(workspaceId)}`;

export const loadSummary = (workspaceId: string, token: string): Promise<WorkspaceSummary> =>
  api<WorkspaceSummary>(base(workspaceId), { token });

export function loadAsOf(workspaceId: string, token: string, at: string, since?: string): Promise<AsOfReport> {
  const query = new URLSearchParams({ at });
  if (since !== undefined) query.set('since', since);
  return api<AsOfReport>(`${base(workspaceId)}/as-of?${query.toString()}`, { token });
}

/** The timeline of the workspace or `entity`, its sentences in `lang`. */
export function loadTimeline(workspaceId: string, token: string, entity: string | null, lang: 'da' | 'en'): Promise<TimelineLine[]> {
  const query = new URLSearchParams({ lang });
  if (entity) query.set('entity', entity);
  return api<TimelineLine[]>(`${base(workspaceId)}/timeline?${query.toString()}`, { token });
}

/** The answer of `GET .../verify`. */
export interface Verification {
  readonly ok: boolean;
  readonly events: number;
  readonly head_hash?: string;
  readonly broken?: string;
  readonly verified_at: string;
}

export const verifyChain = (workspaceId: string, token: string): Promise<Verification> =>
  api<Verification>(`${base(workspaceId)}/verify`, { token });

/** The audit trail as CSV text. */
export async function loadTrailCsv(workspaceId: string, token: string, entity: string | null, lang: 'da' | 'en'): Promise<string> {
  let response: Response;
  try {
    response = await fetch(trailCsvPath(workspaceId, entity, lang), { headers: { authorization: `Bearer ${token}` } });
  } catch {
    throw new ApiFailure(0, { code: 'network', message: '' });
  }
  const text = await response.text();
  if (!response.ok) {
    let body: ErrorBody = { code: 'unknown', message: '' };
    try {
      body = JSON.parse(text) as ErrorBody;
    } catch {
      // not JSON: the generic sentence
    }
    throw new ApiFailure(response.status, body);
  }
  return text;
}
