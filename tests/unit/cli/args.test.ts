import { describe, expect, it } from 'vitest';
import { parseArgs, flag, flagList, only } from '../../../src-main/cli/args';
import { UsageError } from '../../../src-main/cli/types';
import { resolveDataDir } from '../../../src-main/core/paths';

describe('cli args', () => {
  it('separates positionals, repeatable flags and booleans', () => {
    const a = parseArgs(['out', '--tag', 'a', '--tag=b', '--unread', '--since', '2025-01-01', '--', '--not-a-flag']);
    expect(a.positionals).toEqual(['out', '--not-a-flag']);
    expect(flagList(a, 'tag')).toEqual(['a', 'b']);
    expect(flag(a, 'since')).toBe('2025-01-01');
    expect(a.flags.unread).toBe(true);
  });

  it('rejects a valued flag without its value and a value on a boolean', () => {
    expect(() => parseArgs(['--feed'])).toThrow(UsageError);
    expect(() => parseArgs(['--json=yes'])).toThrow(/takes no value/);
  });

  it('rejects options a command does not know', () => {
    expect(() => only(parseArgs(['--unred', 'x']), ['unread'])).toThrow(/unknown option --unred/);
    expect(() => only(parseArgs(['--unread', '--data-dir', 'x']), ['unread'])).not.toThrow();
  });
});

describe('data dir', () => {
  it('prefers --data-dir, then TIDINGS_DATA_DIR, then XDG_CONFIG_HOME, then ~/.config', () => {
    expect(resolveDataDir(['--data-dir', '/a'], { TIDINGS_DATA_DIR: '/b' })).toBe('/a');
    expect(resolveDataDir(['--data-dir=/a2'], {})).toBe('/a2');
    expect(resolveDataDir([], { TIDINGS_DATA_DIR: '/b', XDG_CONFIG_HOME: '/c' })).toBe('/b');
    expect(resolveDataDir([], { XDG_CONFIG_HOME: '/c' })).toBe('/c/Tidings');
    expect(resolveDataDir([], {})).toMatch(/\.config\/Tidings$/);
  });
});
