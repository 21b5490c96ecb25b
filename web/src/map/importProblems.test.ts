import { afterEach, describe, expect, it } from 'vitest';
import { language } from '../i18n';
import { problemSentence } from './importProblems';

describe('problemSentence', () => {
  afterEach(() => {
    language.value = 'da';
  });

  it('says a known problem in Danish with its details, levels in words', () => {
    language.value = 'da';
    expect(problemSentence({ code: 'unknown_value', message: 'x', details: { column: 'level', value: 'måske' } })).toBe(
      'Kolonnen level siger "måske", som ikke er et ord, kortet kender.',
    );
    expect(
      problemSentence({ code: 'level_move_needs_reason', message: 'x', details: { from: 'network', to: 'partnership' } }),
    ).toBe('Organisationen er på niveau Netværk; at flytte den til Partnerskab kræver en begrundelse i kolonnen begrundelse.');
  });

  it('says it in English when the UI is English', () => {
    language.value = 'en';
    expect(problemSentence({ code: 'duplicate_name', message: 'x', details: { first_line: 2 } })).toBe(
      'The same name is on line 2 already.',
    );
  });

  it('falls back to the server error sentence for a code without a text of its own', () => {
    language.value = 'da';
    expect(problemSentence({ code: 'already_exists', message: 'x' })).toBe('Det findes allerede.');
    expect(problemSentence({ code: 'something_new', message: 'The server says why.' })).toBe('The server says why.');
  });
});
