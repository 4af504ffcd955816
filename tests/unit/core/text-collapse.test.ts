// collapseText skips the single spaces for speed; it must still equal the plain definition.
import { describe, expect, it } from 'vitest';
import { collapseText, htmlToText } from '../../../src-main/core/text';

const plain = (s: string) => s.replace(/[\s\u00a0\u200b]+/g, ' ').trim();

describe('collapseText', () => {
  it('equals "every run of whitespace becomes one space, trimmed" on every short mix of spacing characters', () => {
    const chars = [' ', ' ', '\n', '\t', '\r', '\f', '\v', '\u00a0', '\u200b', '\u2028', '\ufeff', '\u3000', 'a', 'é', '.'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let k = 0; k < 50_000; k++) {
      let s = '';
      for (let n = Math.floor(next() * 10); n > 0; n--) s += chars[Math.floor(next() * chars.length)];
      expect(collapseText(s), JSON.stringify(s)).toBe(plain(s));
    }
  });

  it('is what htmlToText ends with', () => {
    expect(htmlToText('<p> a \u200b\u00a0 b</p>\n\n<p>c&nbsp;&nbsp;d </p>')).toBe('a b c d');
  });
});
