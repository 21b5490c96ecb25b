// A rejected row of an import preview in words, in the UI language: the server's problem
// code and details (`src/api/organisation_import.rs`) to a sentence; a code without a text
// of its own is said as any server error is (`errorSentence`).
import type { ErrorBody } from '../protocol/error';
import { detailParams, errorSentence, isMessageKey, t } from '../i18n';

export function problemSentence(problem: ErrorBody | undefined): string {
  if (!problem) return '';
  const key = `import.problem.${problem.code}`;
  if (!isMessageKey(key)) return errorSentence(problem);
  const params = detailParams(problem);
  for (const name of ['from', 'to'] as const) {
    const level = `level.${params[name] ?? ''}`;
    if (isMessageKey(level)) params[name] = t(level);
  }
  return t(key, params);
}
