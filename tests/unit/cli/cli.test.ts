// The CLI as a user runs it: the real bin, a temp data dir, feeds from the corpus on a loopback server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CORPUS, REPO } from '../../helpers/paths';
import { startServer, type TestServer } from '../../helpers/http';

const run = promisify(execFile);
let feeds: TestServer;
let broken = false;

async function tidings(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(REPO, 'bin/tidings.js'), ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  feeds = await startServer(async (req, res) => {
    if (req.url === '/heise.atom' && !broken) {
      res.writeHead(200, { 'Content-Type': 'application/atom+xml' });
      res.end(await readFile(join(CORPUS, 'feeds/real-world/rss-parser/heise.atom')));
    } else if (req.url === '/guardian.rss') {
      res.writeHead(200, { 'Content-Type': 'application/rss+xml' });
      res.end(await readFile(join(CORPUS, 'feeds/real-world/rss-parser/guardian.rss')));
    } else {
      res.writeHead(404).end('gone');
    }
  });
});
afterAll(() => feeds.close());

describe('tidings CLI', () => {
  it('adds, lists, marks read and keeps state across refreshes; exit codes 0/1/2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tidings-cli-'));
    const add = await tidings('add', `${feeds.origin}/heise.atom`, '--data-dir', dir);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toMatch(/^added .+ \(\w+\): \d+ items/);
    expect((await tidings('add', `${feeds.origin}/guardian.rss`, '--folder', 'News/World', '--data-dir', dir)).code).toBe(0);

    const list = JSON.parse((await tidings('list', '--json', '--data-dir', dir)).stdout) as Record<string, unknown>[];
    expect(list.length).toBeGreaterThan(50);
    expect(Object.keys(list[0]!).sort()).toEqual(['feedId', 'feedTitle', 'id', 'link', 'published', 'read', 'starred', 'tags', 'title'].sort());
    const dates = list.map((r) => String(r.published));
    expect([...dates].sort().reverse()).toEqual(dates);

    const target = list[3]!;
    const read = await tidings('read', String(target.id), '--data-dir', dir);
    expect(read.code).toBe(0);
    expect(read.stdout).toContain('marked 1 item read');

    const refresh = await tidings('refresh', '--data-dir', dir);
    expect(refresh.code, refresh.stderr).toBe(0);
    const after = JSON.parse((await tidings('list', '--json', '--data-dir', dir)).stdout) as { id: string; read: boolean }[];
    expect(after.length).toBe(list.length);
    expect(after.find((r) => r.id === target.id)?.read).toBe(true);
    const unread = JSON.parse((await tidings('list', '--unread', '--json', '--data-dir', dir)).stdout) as unknown[];
    expect(unread.length).toBe(list.length - 1);

    // A feed that starts failing: one line for it, exit 1, and its items stay.
    broken = true;
    const failing = await tidings('refresh', '--data-dir', dir);
    broken = false;
    expect(failing.code).toBe(1);
    expect(failing.stderr).toMatch(/fetcher: .*404/);
    const kept = JSON.parse((await tidings('list', '--json', '--data-dir', dir)).stdout) as unknown[];
    expect(kept.length).toBe(list.length);

    const feedsJson = JSON.parse((await tidings('feeds', '--json', '--data-dir', dir)).stdout) as { folder: string; health: { lastError?: string } }[];
    expect(feedsJson.map((f) => f.folder).sort()).toEqual(['', 'News/World']);
    expect(feedsJson.some((f) => /404/.test(f.health.lastError ?? ''))).toBe(true);
  }, 180_000);

  it('exits 2 with a usage message on bad usage', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tidings-cli-'));
    for (const args of [['frobnicate'], ['add'], ['list', '--unred'], ['list', '--limit', 'many'], ['serve', '--port', '99999'], []]) {
      const r = await tidings(...args, '--data-dir', dir);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr + r.stdout).toMatch(/usage: tidings/);
    }
  }, 60_000);

  it('says so when it finds a damaged library file, and keeps the damaged copy', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tidings-cli-'));
    expect((await tidings('feeds', '--data-dir', dir)).code).toBe(0);
    const { writeFile, readdir } = await import('node:fs/promises');
    await writeFile(join(dir, 'library.json'), '{"schemaVersion": 1, "feeds": [');
    const r = await tidings('feeds', '--data-dir', dir);
    expect(r.stderr).toMatch(/library\.json is damaged.*moved aside.*starting with an empty feed list/);
    const kept = (await readdir(dir)).filter((f) => f.startsWith('library.json.corrupt-'));
    expect(kept).toHaveLength(1);
  }, 60_000);

  it('restores the feed list from the last clean open when library.json is damaged', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tidings-cli-'));
    expect((await tidings('add', `${feeds.origin}/guardian.rss`, '--folder', 'News', '--data-dir', dir)).code).toBe(0);
    expect((await tidings('feeds', '--data-dir', dir)).code).toBe(0);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dir, 'library.json'), Buffer.alloc(4096));
    const r = await tidings('feeds', '--json', '--data-dir', dir);
    expect(r.stderr).toMatch(/only NUL bytes.*restored the feed list from library\.json\.bak/);
    const listed = JSON.parse(r.stdout) as { folder: string; total: number }[];
    expect(listed.map((f) => f.folder)).toEqual(['News']);
    expect(listed[0]!.total).toBeGreaterThan(50);
  }, 60_000);

  it('refuses a non-http feed address with a clear message', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tidings-cli-'));
    const r = await tidings('add', 'file:///etc/passwd', '--data-dir', dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/http/);
  });
});
