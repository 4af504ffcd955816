// The media limit on a real cache folder: oldest-read images go first, starred ones never, and
// files that are not cached images are never touched.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evictMedia } from '../../../src-main/core/media-budget';
import { repairMissingImages } from '../../../src-main/core/media';

async function cacheWith(sizes: number[]): Promise<{ dir: string; locals: string[] }> {
  const dir = join(await mkdtemp(join(tmpdir(), 'tidings-budget-')), 'media');
  const locals: string[] = [];
  for (const [i, size] of sizes.entries()) {
    const body = Buffer.alloc(size, i + 1);
    const h = createHash('sha256').update(body).digest('hex');
    await mkdir(join(dir, h.slice(0, 2)), { recursive: true });
    const file = join(dir, h.slice(0, 2), `${h}.png`);
    await writeFile(file, body);
    // Read i days ago: the first file is the most recently read.
    const t = new Date(Date.UTC(2026, 0, 30 - i));
    await utimes(file, t, t);
    locals.push(`/media/${h.slice(0, 2)}/${h}.png`);
  }
  return { dir, locals };
}

const remaining = async (dir: string) => (await Promise.all((await readdir(dir)).map(async (p) => (await readdir(join(dir, p))).map((n) => `/media/${p}/${n}`)))).flat().sort();

describe('evictMedia', () => {
  it('removes the least recently read images until the cache fits, keeping starred ones', async () => {
    const { dir, locals } = await cacheWith([100, 100, 100, 100]);
    // The oldest (index 3) is starred: the next oldest go instead.
    const r = await evictMedia(dir, 250, new Set([locals[3]!]));
    expect(r).toEqual({ total: 400, removed: 2, freed: 200 });
    expect(await remaining(dir)).toEqual([locals[0]!, locals[3]!].sort());
  });

  it('does nothing under the limit, and leaves foreign files and a missing folder alone', async () => {
    const { dir, locals } = await cacheWith([50, 50]);
    await writeFile(join(dir, locals[0]!.split('/')[2]!, 'notes.txt'), 'x'.repeat(1000));
    expect(await evictMedia(dir, 1000, new Set())).toEqual({ total: 100, removed: 0, freed: 0 });
    expect(await evictMedia(dir, 0, new Set())).toMatchObject({ removed: 2 });
    expect((await remaining(dir)).filter((p) => p.endsWith('notes.txt'))).toHaveLength(1);
    expect(await evictMedia(join(dir, 'nowhere'), 0, new Set())).toEqual({ total: 0, removed: 0, freed: 0 });
  });

  it('counts an article opened (repairMissingImages) as a read', async () => {
    const { dir, locals } = await cacheWith([100, 100]);
    // Opening the article that shows the older image makes it the newer one.
    await repairMissingImages(`<img src="${locals[1]}" data-original-src="https://e.example/a.png">`, dir, new Date(Date.UTC(2026, 1, 1)));
    await evictMedia(dir, 150, new Set());
    expect(await remaining(dir)).toEqual([locals[1]!]);
  });
});
