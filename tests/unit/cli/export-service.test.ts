// The import/export/tags commands over the real service and storage (core/service openReader) on a
// temporary data dir, with a real feed served from a loopback HTTP server.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../../../src-main/cli/args';
import { command as exportMd } from '../../../src-main/cli/commands/export-md';
import { command as exportOpml } from '../../../src-main/cli/commands/export-opml';
import { command as importOpml } from '../../../src-main/cli/commands/import-opml';
import { command as tags } from '../../../src-main/cli/commands/tags';
import { UsageError, type CliCommand } from '../../../src-main/cli/types';
import { parseOpml } from '../../../src-main/core/opml';
import type { Reader } from '../../../src-main/core/reader';
import { openReader } from '../../../src-main/core/service';
import { startServer, type TestServer } from '../../helpers/http';
import { CORPUS } from '../../helpers/paths';

let data: string;
let reader: Reader;
let server: TestServer;
const GUARDIAN = join(CORPUS, 'feeds/real-world/sample-feeds/real-world/2d055498ae801efb0bf0b6124009cac2/feed.xml');

beforeAll(async () => {
  data = mkdtempSync(join(tmpdir(), 'tidings-cli-service-'));
  reader = await openReader({ dataDir: data });
  const xml = readFileSync(GUARDIAN);
  server = await startServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.end(xml);
  });
});

afterAll(async () => {
  await reader?.close();
  await server?.close();
  rmSync(data, { recursive: true, force: true });
});

async function run(cmd: CliCommand, ...argv: string[]): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const args = parseArgs(argv);
  const ctx = { dataDir: data, json: args.flags.json === true, openReader: async () => reader, out: (l: string) => out.push(l), err: (l: string) => out.push(l) };
  try {
    return { code: await cmd.run(ctx, args), out: out.join('\n') };
  } catch (err) {
    if (err instanceof UsageError) return { code: 2, out: err.message };
    throw err;
  }
}

describe('import-opml and export-opml over the service', () => {
  it('imports a corpus OPML with nested folders, then exports the same feeds and folders', async () => {
    const file = join(CORPUS, 'opml/liferea/feedlist_en.opml');
    const expected = parseOpml(readFileSync(file));
    const first = await run(importOpml, file);
    expect(first.code).toBe(1);
    expect(first.out.split('\n')[0]).toBe(`added ${expected.entries.length}, already present 0, refused ${expected.refused.length}`);
    const again = JSON.parse((await run(importOpml, file, '--json')).out);
    expect(again.added).toEqual([]);
    expect(again.present).toHaveLength(expected.entries.length);
    const want = new Set(expected.entries.map((e) => `${e.folder}|${e.url}`));
    expect(new Set((await reader.api.listFeeds()).map((f) => `${f.folder}|${f.url}`))).toEqual(want);
    const out = join(data, 'subscriptions.opml');
    expect((await run(exportOpml, out)).code).toBe(0);
    expect(new Set(parseOpml(readFileSync(out)).entries.map((e) => `${e.folder}|${e.url}`))).toEqual(want);
  });
});

describe('tags and export-md over the service', () => {
  it('tags a real feed at refresh and exports one tag as Jekyll files, idempotently', async () => {
    const added = await reader.api.addFeed(`${server.origin}/guardian.xml`, 'World News');
    expect(added.kind).toBe('added');
    const list = JSON.parse((await run(tags, '--json')).out) as { tag: string; total: number }[];
    const climate = list.find((t) => t.tag === 'climate-change');
    expect(climate?.total).toBeGreaterThanOrEqual(1);
    const dir = join(data, '_posts');
    const first = await run(exportMd, dir, '--tag', 'climate-change', '--feed', `${server.origin}/guardian.xml`);
    expect(first).toEqual({ code: 0, out: `wrote ${climate!.total}, unchanged 0, skipped 0 in ${dir}` });
    const files = readdirSync(dir).filter((f) => f.endsWith('.md'));
    const ipcc = files.find((f) => /^\d{4}-\d{2}-\d{2}-ipcc-we-can-tackle-climate-change/.test(f));
    expect(ipcc).toBeDefined();
    const text = readFileSync(join(dir, ipcc!), 'utf8');
    expect(text).toContain('categories: [world_news]');
    expect(text).toContain('source_feed: "The Guardian"');
    expect(text).toMatch(/^tags: \[.*'climate-change'.*\]$/m);
    expect(text).toMatch(/\n\n\[Read original article\]\(https:\/\/www\.theguardian\.com\/[^)]+\)\n$/);
    const again = await run(exportMd, dir, '--tag', 'climate-change');
    expect(again.out).toBe(`wrote 0, unchanged ${climate!.total}, skipped 0 in ${dir}`);
  });
});
