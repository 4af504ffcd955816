import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { command as exportMd, exportQuery } from '../../../src-main/cli/commands/export-md';
import { parseArgs } from '../../../src-main/cli/args';
import { runCommand, type FakeLibrary } from './export-fixture-reader';

function library(): FakeLibrary {
  const item = (n: number, extra: Partial<FakeLibrary['items'][number]> = {}) => ({
    id: `f:${n}`,
    feedId: 'f',
    title: `Story ${n}`,
    link: `https://e.example/${n}`,
    published: `2025-0${n}-01T00:00:00Z`,
    summary: 's',
    html: `<p>Story ${n}</p>`,
    tags: ['news'],
    feedTitle: 'Feed',
    feedFolder: 'News',
    read: false,
    starred: false,
    ...extra,
  });
  return { feeds: [], requests: [], items: [item(1, { tags: ['news', 'solar-power'], read: true }), item(2, { starred: true }), item(3)] };
}

describe('tidings export-md', () => {
  it('exports every item with no filter, then reports them unchanged', async () => {
    const lib = library();
    const dir = mkdtempSync(join(tmpdir(), 'tidings-md-cli-'));
    const r = await runCommand(exportMd, [dir], lib);
    expect(r).toMatchObject({ code: 0, out: `wrote 3, unchanged 0, skipped 0 in ${dir}` });
    expect(readdirSync(dir).filter((f) => f.endsWith('.md')).sort()).toEqual(['2025-01-01-story-1.md', '2025-02-01-story-2.md', '2025-03-01-story-3.md']);
    const again = await runCommand(exportMd, [dir, '--json'], lib);
    expect(JSON.parse(again.out).unchanged).toHaveLength(3);
  });

  it('turns flags into the query', () => {
    expect(exportQuery(parseArgs(['d', '--tag', 'a', '--tag', 'b', '--feed', 'f1', '--since', '2025-02-01', '--unread']))).toEqual({
      sort: 'oldest',
      tags: ['a', 'b'],
      tagMode: 'any',
      feedId: 'f1',
      since: '2025-02-01T00:00:00.000Z',
      status: 'unread',
    });
    expect(exportQuery(parseArgs(['d', '--tag', 'a', '--all', '--starred']))).toMatchObject({ tagMode: 'all', status: 'starred' });
  });

  it('filters by tag and starred, passes --overwrite and --layout through', async () => {
    const lib = library();
    const dir = mkdtempSync(join(tmpdir(), 'tidings-md-cli-'));
    expect((await runCommand(exportMd, [dir, '--tag', 'solar-power'], lib)).out).toMatch(/^wrote 1,/);
    expect((await runCommand(exportMd, [dir, '--starred', '--overwrite', '--layout', 'post'], lib)).out).toMatch(/^wrote 1,/);
    expect(lib.requests[1]).toMatchObject({ overwrite: true, layout: 'post', query: { status: 'starred' } });
  });

  it('finds the --feed by id, URL or title, and refuses an unknown one', async () => {
    const lib = library();
    const dir = mkdtempSync(join(tmpdir(), 'tidings-md-cli-'));
    for (const name of ['f', 'HTTPS://F.example/feed', 'feed F']) {
      expect((await runCommand(exportMd, [dir, '--feed', name], lib)).code).toBe(0);
      expect(lib.requests.at(-1)!.query!.feedId).toBe('f');
    }
    const unknown = await runCommand(exportMd, [dir, '--feed', 'nope'], lib);
    expect(unknown).toMatchObject({ code: 2, err: 'export-md: no feed "nope" (see tidings feeds)' });
  });

  it('refuses bad usage with exit 2', async () => {
    const lib = library();
    expect((await runCommand(exportMd, [], lib)).code).toBe(2);
    expect((await runCommand(exportMd, ['d', '--since', 'last week'], lib)).err).toMatch(/--since takes a date/);
    expect((await runCommand(exportMd, ['d', '--starred', '--unread'], lib)).code).toBe(2);
    expect(lib.requests).toEqual([]);
  });
});
