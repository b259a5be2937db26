/** The distinct characters of a text, read fast (fonts are subset and checked against them). */
/**
 * Calls `visit` once for each distinct character of `text`, in order of first appearance, with
 * the characters `for...of` gives (a surrogate pair as one, a lone surrogate alone) and their
 * code points. Read by char code with a table of the ones seen: a report's whole HTML goes
 * through here twice, and `for...of` with a Set took ~4 ms of an audit report's CPU
 * (bench/RESULTS.md, issue 20).
 */
export function forEachDistinctCharacter(text: string, visit: (ch: string, code: number) => void): void {
  const seen = new Uint8Array(0x10000);
  let seenAstral: Set<number> | undefined;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        const code = (c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000;
        seenAstral ??= new Set();
        if (!seenAstral.has(code)) {
          seenAstral.add(code);
          visit(String.fromCharCode(c, d), code);
        }
        continue;
      }
    }
    if (seen[c] === 0) {
      seen[c] = 1;
      visit(String.fromCharCode(c), c);
    }
  }
}
