// appendLog on real files: earlier bytes stay, a torn tail of any length is cut before appending.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { appendLog } from '../../../src-main/storage/content-append';
import { tempDir } from './fixtures';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(async () => cleanup());

const opts = { header: 'H', isSound: (l: string) => l === 'H' || /^ok:/.test(l) };

describe('appendLog', () => {
  it('starts a missing log with its header and returns the size', async () => {
    const p = join(dir, 'a.log');
    expect(await appendLog(p, 'ok:1\n', opts)).toBe(7);
    expect(await appendLog(p, 'ok:2\n', { ...opts, knownSize: 7 })).toBe(12);
    expect(await readFile(p, 'utf8')).toBe('H\nok:1\nok:2\n');
  });

  it('cuts a torn tail longer than one read chunk, and an unreadable line before it', async () => {
    const p = join(dir, 'a.log');
    const long = 'ok:' + 'y'.repeat(200_000);
    await writeFile(p, `H\n${long}\nbad ${'z'.repeat(100_000)}\n${'x'.repeat(150_000)}`);
    const size = await appendLog(p, 'ok:new\n', opts);
    expect(await readFile(p, 'utf8')).toBe(`H\n${long}\nok:new\n`);
    expect(size).toBe(Buffer.byteLength(`H\n${long}\nok:new\n`));
  });

  it('keeps a sound tail whatever its size claims, and restarts a log torn down to nothing', async () => {
    const p = join(dir, 'a.log');
    await writeFile(p, 'H\nok:1\n');
    await appendLog(p, 'ok:2\n', { ...opts, knownSize: 3 });
    expect(await readFile(p, 'utf8')).toBe('H\nok:1\nok:2\n');
    await writeFile(p, 'garbage without newline');
    await appendLog(p, 'ok:3\n', opts);
    expect(await readFile(p, 'utf8')).toBe('H\nok:3\n');
  });
});
