import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportItems, MANIFEST, type ExportItem } from '../../../src-main/core/export';

const item = (id: string, extra: Partial<ExportItem> = {}): ExportItem => ({
  id,
  title: 'Same title',
  link: `https://example.org/${id}`,
  published: '2025-01-02T03:04:05Z',
  summary: `Summary of ${id}`,
  html: `<p>Body of ${id}</p>`,
  tags: ['x'],
  feedTitle: 'Feed',
  feedFolder: 'News',
  ...extra,
});
const made: string[] = [];
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), 'tidings-export-'));
  made.push(d);
  return d;
};
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});
const NAME = '2025-01-02-same-title.md';

describe('exportItems', () => {
  it('is idempotent: same item, same file; a changed item rewrites its own file', async () => {
    const dir = fresh();
    const first = await exportItems([item('a')], dir);
    expect(first.written).toEqual([join(dir, NAME)]);
    const again = await exportItems([item('a')], dir);
    expect(again).toEqual({ written: [], unchanged: [join(dir, NAME)], skipped: [] });
    // A retitled item keeps its file rather than leaving a stale copy behind.
    const retitled = await exportItems([item('a', { title: 'New title', summary: 'changed' })], dir);
    expect(retitled.written).toEqual([join(dir, NAME)]);
    expect(readFileSync(join(dir, NAME), 'utf8')).toContain('title: "New title"');
    expect(readdirSync(dir).sort()).toEqual([MANIFEST, NAME].sort());
  });

  it('gives different items with the same name a short suffix, stable across runs', async () => {
    const dir = fresh();
    const r1 = await exportItems([item('a'), item('b')], dir);
    expect(r1.written).toHaveLength(2);
    expect(r1.written[0]).toBe(join(dir, NAME));
    expect(r1.written[1]).toMatch(/2025-01-02-same-title-[0-9a-f]{6}\.md$/);
    const r2 = await exportItems([item('b'), item('a')], dir);
    expect(r2.unchanged.sort()).toEqual([...r1.written].sort());
  });

  it('never clobbers a file Tidings did not write, unless overwrite', async () => {
    const dir = fresh();
    writeFileSync(join(dir, NAME), 'my own notes');
    const r = await exportItems([item('a')], dir);
    expect(r.written).toEqual([]);
    expect(r.skipped).toEqual([{ file: join(dir, NAME), reason: 'export: file exists and was not written by Tidings (use overwrite)' }]);
    expect(readFileSync(join(dir, NAME), 'utf8')).toBe('my own notes');
    const forced = await exportItems([item('a')], dir, { overwrite: true });
    expect(forced.written).toEqual([join(dir, NAME)]);
    expect(readFileSync(join(dir, NAME), 'utf8')).toContain('Body of a');
  });

  it('keeps a file the user edited after export, unless overwrite', async () => {
    const dir = fresh();
    await exportItems([item('a')], dir);
    writeFileSync(join(dir, NAME), `${readFileSync(join(dir, NAME), 'utf8')}\nMy annotation\n`);
    const r = await exportItems([item('a', { summary: 'new' })], dir);
    expect(r.skipped[0]!.reason).toBe('export: file was edited since Tidings wrote it (use overwrite)');
    expect(readFileSync(join(dir, NAME), 'utf8')).toContain('My annotation');
  });

  it('notices an edit to an unchanged item\'s file too (the no-render path)', async () => {
    const dir = fresh();
    await exportItems([item('a')], dir);
    writeFileSync(join(dir, NAME), 'rewritten by hand');
    const r = await exportItems([item('a')], dir);
    expect(r.skipped).toEqual([{ file: join(dir, NAME), reason: 'export: file was edited since Tidings wrote it (use overwrite)' }]);
    expect(readFileSync(join(dir, NAME), 'utf8')).toBe('rewritten by hand');
    // A deleted file is simply written again.
    rmSync(join(dir, NAME));
    expect((await exportItems([item('a')], dir)).written).toEqual([join(dir, NAME)]);
  });

  it('reports a folder it cannot create clearly', async () => {
    const file = join(fresh(), 'a-file');
    writeFileSync(file, 'x');
    await expect(exportItems([item('a')], join(file, 'sub'))).rejects.toThrow(/^export: cannot create the folder .*a-file\/sub: ENOTDIR$/);
  });

  it('does not follow a link planted where a file would go', async () => {
    const dir = fresh();
    const outside = join(fresh(), 'victim.txt');
    writeFileSync(outside, 'precious');
    symlinkSync(outside, join(dir, NAME));
    const r = await exportItems([item('a')], dir, { overwrite: true });
    expect(r.skipped[0]!.reason).toMatch(/not a regular file/);
    expect(readFileSync(outside, 'utf8')).toBe('precious');
  });

  it('writes nothing outside the folder, whatever the title, folder or a tampered manifest say', async () => {
    const dir = fresh();
    writeFileSync(join(dir, MANIFEST), JSON.stringify({ version: 1, files: { '../escape.md': { id: 'a', sha256: 'x' }, '/tmp/abs.md': { id: 'b', sha256: 'y' } } }));
    const r = await exportItems(
      [item('a', { title: '../../escape' }), item('b', { title: '/tmp/abs', feedFolder: '../../..' })],
      join(dir, 'out', '..'),
    );
    expect(r.written.map((p) => p.slice(dir.length + 1)).sort()).toEqual(['2025-01-02-escape.md', '2025-01-02-tmp-abs.md']);
    expect(existsSync(join(dir, '..', 'escape.md'))).toBe(false);
  });

  it('skips an item with an unusable date with a reason, and exports the rest', async () => {
    const dir = fresh();
    const r = await exportItems([item('bad', { published: 'yesterday-ish' }), item('good', { title: 'Good' })], dir);
    expect(r.written).toEqual([join(dir, '2025-01-02-good.md')]);
    expect(r.skipped).toEqual([{ file: join(dir, '(item bad)'), reason: 'export: unusable date "yesterday-ish"' }]);
  });

  it('lets timers run during a long export (the app stays responsive)', async () => {
    const dir = fresh();
    const many = Array.from({ length: 600 }, (_, i) => item(`m${i}`, { title: `Item ${i}`, html: '<p>Some text</p>'.repeat(40) }));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const t0 = performance.now();
    const r = await exportItems(many, dir);
    const elapsed = performance.now() - t0;
    clearInterval(timer);
    expect(r.written).toHaveLength(600);
    // One tick per ~15 ms slice at least, whatever the machine's speed.
    expect(ticks).toBeGreaterThanOrEqual(Math.floor(elapsed / 60));
  });

  it('treats a corrupt manifest as "nothing is ours": no clobbering', async () => {
    const dir = fresh();
    await exportItems([item('a')], dir);
    writeFileSync(join(dir, MANIFEST), '{ broken');
    writeFileSync(join(dir, NAME), 'edited');
    const r = await exportItems([item('a')], dir);
    expect(r.skipped).toHaveLength(1);
    expect(readFileSync(join(dir, NAME), 'utf8')).toBe('edited');
  });
  it('reports files in item order and records each in the manifest, past the background writer\'s limit', async () => {
    const dir = fresh();
    const many = Array.from({ length: 100 }, (_, i) => item(`o${i}`, { title: `Ordered ${i}` }));
    const r = await exportItems(many, dir);
    expect(r.written).toEqual(many.map((_, i) => join(dir, `2025-01-02-ordered-${i}.md`)));
    const files = (JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as { files: Record<string, { id: string; sha256: string }> }).files;
    for (const [i, path] of r.written.entries()) {
      const name = path.slice(dir.length + 1);
      expect(files[name]?.id).toBe(`o${i}`);
      expect(files[name]?.sha256).toBe(createHash('sha256').update(readFileSync(path, 'utf8')).digest('hex'));
    }
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    const again = await exportItems(many, dir);
    expect(again.unchanged).toEqual(r.written);
  });

  it('reports a background write that fails, does not record it, and writes the rest', async () => {
    const dir = fresh();
    const many = Array.from({ length: 600 }, (_, i) => item(`w${i}`, { title: `Item ${i}`, html: '<p>Some text</p>'.repeat(40) }));
    const last = join(dir, '2025-01-02-item-599.md');
    // Once the export has listed the folder and begun writing, a directory takes the last item's name.
    const timer = setInterval(() => {
      if (readdirSync(dir).some((n) => n.endsWith('.md'))) {
        mkdirSync(last);
        writeFileSync(join(last, 'keep.txt'), 'user data');
        clearInterval(timer);
      }
    }, 1);
    const r = await exportItems(many, dir);
    clearInterval(timer);
    expect(r.written).toHaveLength(599);
    expect(r.skipped).toEqual([{ file: last, reason: 'export: cannot write 2025-01-02-item-599.md: EISDIR' }]);
    const files = (JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as { files: Record<string, unknown> }).files;
    expect(Object.keys(files)).toHaveLength(599);
    expect(files['2025-01-02-item-599.md']).toBeUndefined();
    expect(readFileSync(join(last, 'keep.txt'), 'utf8')).toBe('user data');
  });
});
