import { describe, expect, it } from 'vitest';
import { catalogues, errorSentence, format, language, LANGUAGES } from './index';
import { da } from './da';

describe('catalogues', () => {
  it('give a non-empty text for every key in every language', () => {
    for (const lang of LANGUAGES) {
      const catalogue = catalogues[lang];
      expect(Object.keys(catalogue).sort()).toEqual(Object.keys(da).sort());
      for (const [key, text] of Object.entries(catalogue)) {
        expect(text.trim(), `${lang}: ${key}`).not.toBe('');
      }
    }
  });

  it('use the same parameters in every language', () => {
    const params = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [key, text] of Object.entries(da)) {
      expect(params(catalogues.en[key as keyof typeof da]), key).toEqual(params(text));
    }
  });

  it('use the domain words of DOMAIN.md', () => {
    expect(da['level.network']).toBe('Netværk');
    expect(da['level.collaboration']).toBe('Samarbejde');
    expect(da['level.partnership']).toBe('Partnerskab');
    expect(da['sector.civil_society']).toBe('Civilsamfund');
  });
});

describe('errorSentence', () => {
  it('turns a known code into a sentence in the UI language', () => {
    language.value = 'da';
    expect(errorSentence({ code: 'unauthenticated', message: 'wrong name or password' })).toBe(
      da['error.unauthenticated'],
    );
    language.value = 'en';
    expect(errorSentence({ code: 'unauthenticated', message: 'x' })).toMatch(/^Wrong user name/);
  });

  it('never shows parser output for a malformed body', () => {
    language.value = 'en';
    const sentence = errorSentence({
      code: 'invalid_body',
      message: 'Failed to deserialize the JSON body into the target type: missing field `password`',
    });
    expect(sentence).not.toMatch(/deserialize/i);
  });

  it("falls back to the server's message for a code without a text", () => {
    expect(errorSentence({ code: 'a_code_without_text', message: 'answer every question' })).toBe('answer every question');
  });
});

describe('format', () => {
  it('fills parameters and leaves unknown ones visible', () => {
    expect(format('{a} and {b}', { a: 1 })).toBe('1 and {b}');
  });
});
