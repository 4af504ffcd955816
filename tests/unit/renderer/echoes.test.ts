import { describe, expect, it } from 'vitest';
import { Echoes } from '../../../src-renderer/src/lib/echoes';

describe('Echoes', () => {
  it('consumes one expected event per change, for the same set of feeds in any order', () => {
    const e = new Echoes(5000);
    e.expect(['b', 'a'], 0);
    expect(e.consume(['a', 'b', 'a'], 10)).toBe(true);
    expect(e.consume(['a', 'b'], 20)).toBe(false);
  });

  it('forgets dropped and expired expectations', () => {
    const e = new Echoes(1000);
    const h = e.expect(['a'], 0);
    e.drop(h);
    expect(e.consume(['a'], 1)).toBe(false);
    e.expect(['a'], 0);
    expect(e.consume(['a'], 1500)).toBe(false);
  });
});
