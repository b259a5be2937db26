/**
 * forEachDistinctCharacter (src/fonts/characters.ts) reads a text by char code: it must give the
 * characters `for...of` gives, each once, in order of first appearance, with their code points,
 * whatever the text holds (surrogate pairs, lone surrogates at either end, NUL, U+FFFF).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forEachDistinctCharacter } from '../../src/fonts/characters.ts';

/** The definition: for...of and a Set. */
function byIteration(text: string): Array<[string, number]> {
  const seen = new Set<string>();
  const out: Array<[string, number]> = [];
  for (const ch of text) {
    if (seen.has(ch)) continue;
    seen.add(ch);
    out.push([ch, ch.codePointAt(0)!]);
  }
  return out;
}

function byCharCode(text: string): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  forEachDistinctCharacter(text, (ch, code) => out.push([ch, code]));
  return out;
}

/** Texts of UTF-16 code units drawn to hit the edges: surrogates alone and in pairs, ASCII, NUL, U+FFFF. */
const units = fc.oneof(
  fc.integer({ min: 0, max: 0x7f }),
  fc.integer({ min: 0xd800, max: 0xdbff }),
  fc.integer({ min: 0xdc00, max: 0xdfff }),
  fc.constantFrom(0, 0xfffe, 0xffff, 0x00a0, 0x2014),
  fc.integer({ min: 0, max: 0xffff }),
);
const texts = fc.array(units, { maxLength: 60 }).map((codes) => String.fromCharCode(...codes));

describe('the distinct characters of a text', () => {
  it('are what for...of gives, each once, in order of first appearance', () => {
    fc.assert(
      fc.property(texts, (text) => {
        expect(byCharCode(text)).toEqual(byIteration(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('handles a whole report-sized text the same way', () => {
    const text = `${'Référence — 日本語 😀 '.repeat(2000)}\ud800 tail \udfff`;
    expect(byCharCode(text)).toEqual(byIteration(text));
  });
});
