// HTTP calls to the API: JSON in, JSON out, the session's bearer token, and every failure as
// an `ApiFailure` carrying the server's error body (or a network error), so the UI can say
// it as a sentence (i18n's `errorSentence`).
import type { ErrorBody } from '../protocol/error';

/** A failed API call: the server's error body, or `network` when it could not be reached. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.message);
    this.name = 'ApiFailure';
  }
}

/** Calls `path` (under /api) and returns its JSON body. */
export async function api<T>(
  path: string,
  options: { token?: string | null; method?: string; body?: unknown } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
    });
  } catch {
    throw new ApiFailure(0, { code: 'network', message: '' });
  }
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text === '' ? null : JSON.parse(text);
  } catch {
    json = null;
  }
  if (!response.ok) {
    const body = isErrorBody(json) ? json : { code: 'unknown', message: '' };
    throw new ApiFailure(response.status, body);
  }
  return json as T;
}

function isErrorBody(value: unknown): value is ErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ErrorBody).code === 'string' &&
    typeof (value as ErrorBody).message === 'string'
  );
}
