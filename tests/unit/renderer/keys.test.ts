import { describe, expect, it } from 'vitest';
import { commandFor, KEY_HELP } from '../../../src-renderer/src/lib/keys';

describe('commandFor', () => {
  it('maps Google Reader keys', () => {
    expect(commandFor({ key: 'j' }, false)).toBe('next');
    expect(commandFor({ key: 'k' }, false)).toBe('previous');
    expect(commandFor({ key: 'n' }, false)).toBe('move-next');
    expect(commandFor({ key: 'p' }, false)).toBe('move-previous');
    expect(commandFor({ key: 'Enter' }, false)).toBe('open');
    expect(commandFor({ key: 'm' }, false)).toBe('toggle-read');
    expect(commandFor({ key: 's' }, false)).toBe('toggle-star');
    expect(commandFor({ key: '/' }, false)).toBe('search');
    expect(commandFor({ key: '?', shiftKey: true }, false)).toBe('help');
  });

  it('needs Shift for mark all read, and ignores modified keys', () => {
    expect(commandFor({ key: 'A', shiftKey: true }, false)).toBe('mark-all-read');
    expect(commandFor({ key: 'A', shiftKey: false }, false)).toBeUndefined();
    expect(commandFor({ key: 'a' }, false)).toBeUndefined();
    expect(commandFor({ key: 'r', ctrlKey: true }, false)).toBeUndefined();
    expect(commandFor({ key: 'j', metaKey: true }, false)).toBeUndefined();
  });

  it('reads g-prefixed view keys only after g', () => {
    expect(commandFor({ key: 'g' }, false)).toBe('g');
    expect(commandFor({ key: 'a' }, true)).toBe('view-all');
    expect(commandFor({ key: 'u' }, true)).toBe('view-unread');
    expect(commandFor({ key: 's' }, true)).toBe('view-starred');
    expect(commandFor({ key: 'x' }, true)).toBeUndefined();
  });

  it('documents every key in the cheat sheet', () => {
    const text = KEY_HELP.map(([k]) => k).join(' ');
    for (const k of ['j', 'k', 'n', 'p', 'o', 'Enter', 'm', 's', 'Shift + A', 'r', '/', 'g then a', 'g then u', 'g then s', '?']) {
      expect(text).toContain(k);
    }
  });
});
