// Every code the server can put into an error body has a sentence in Danish and English in
// the app. The codes come from the server's own list (ERROR_CODES in src/app_state/error.rs,
// checked into protocol/schemas/error-code.schema.json), so a code added to the server
// without texts here fails this test instead of reaching people as the server's English.
import { describe, expect, it } from 'vitest';
import schema from '../../../protocol/schemas/error-code.schema.json';
import type { ErrorCode } from '../protocol/error-code';
import { catalogues, LANGUAGES } from './index';

const codes = schema.enum as ErrorCode[];

/** The keys that say `code` in words: `error.<code>`, or for a refused row of an
 * organisation import (shown by map/importProblems.ts) `import.problem.<code>`. */
const keysOf = (code: ErrorCode): string[] => [`error.${code}`, `import.problem.${code}`];

describe('server error codes', () => {
  it('are read from the protocol', () => {
    expect(codes.length).toBeGreaterThan(50);
    expect(codes).toContain('version_conflict');
  });

  it('each have a text in every language', () => {
    const missing: string[] = [];
    for (const lang of LANGUAGES) {
      const catalogue: Readonly<Record<string, string>> = catalogues[lang];
      for (const code of codes) {
        const text = keysOf(code)
          .map((key) => catalogue[key])
          .find((found) => found !== undefined && found.trim() !== '');
        if (text === undefined) missing.push(`${lang}: ${code}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
