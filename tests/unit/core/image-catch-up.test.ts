// Pictures a refresh could not take (here: the image host was failing then) are fetched after a
// later refresh by the reader's background catch-up, even though the feed itself did not change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openReader } from '../../../src-main/core/service';
import { startServer, type TestServer } from '../../helpers/http';
import { png } from '../../helpers/png';

const PICS: Record<string, Buffer> = { '/p1.png': png(3, 3, [1, 2, 3]), '/p2.png': png(4, 4, [3, 2, 1]) };
let imagesDown = true;
let server: TestServer;

beforeAll(async () => {
  server = await startServer((req, res) => {
    const pic = PICS[req.url ?? ''];
    if (pic) return void (imagesDown ? res.writeHead(503).end() : res.writeHead(200, { 'content-type': 'image/png' }).end(pic));
    const items = ['p1', 'p2'].map((p) => `<item><title>Story ${p}</title><guid>${p}</guid><description>&lt;p&gt;Look &lt;img src="/${p}.png" alt="${p}"&gt;&lt;/p&gt;</description></item>`);
    res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Pics</title><link>${server.origin}/</link>${items.join('')}</channel></rss>`);
  });
});
afterAll(() => server.close());

describe('the image catch-up', () => {
  it('caches the pictures of stored articles after a refresh that found the feed unchanged', async () => {
    const reader = await openReader({ dataDir: join(await mkdtemp(join(tmpdir(), 'tidings-catch-up-')), 'data'), background: true });
    try {
      await reader.api.updateSettings({ refreshOnStart: false });
      await reader.api.addFeed(`${server.origin}/feed.xml`);
      const ids = (await reader.api.listItems({})).items.map((i) => i.id);
      expect(ids).toHaveLength(2);
      for (const id of ids) expect((await reader.api.getItem(id))!.html).toContain(`src="${server.origin}/p`);

      imagesDown = false;
      const summary = await reader.api.refresh();
      expect(summary.newItems).toBe(0);
      for (const id of ids) {
        await expect.poll(async () => (await reader.api.getItem(id))!.html, { timeout: 10_000 }).toMatch(/src="\/media\/[0-9a-f]{2}\/[0-9a-f]{64}\.png"/);
      }
    } finally {
      imagesDown = true;
      await reader.close();
    }
  });
});
