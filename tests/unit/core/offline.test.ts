// keepOffline through the real reader: a changed article reuses the copies of its images made by
// the refresh before, a lost copy is fetched again, and a refresh with images gone still succeeds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openReader } from '../../../src-main/core/service';
import { cachedSources } from '../../../src-main/core/media';
import { startServer, type TestServer } from '../../helpers/http';
import { png } from '../../helpers/png';

const PIC = png(7, 7, [9, 99, 199]);
const hash = createHash('sha256').update(PIC).digest('hex');
const LOCAL = `/media/${hash.slice(0, 2)}/${hash}.png`;
let server: TestServer;
let version = 1;
let imageUp = true;
let hits = 0;

beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.url === '/pic.png') {
      hits++;
      if (!imageUp) return void res.writeHead(503).end();
      return void res.writeHead(200, { 'content-type': 'image/png' }).end(PIC);
    }
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.end(`<?xml version="1.0"?><rss version="2.0"><channel><title>One</title><link>${server.origin}/</link><item><title>Pic</title><guid>pic</guid><link>${server.origin}/pic</link><description>&lt;p&gt;Version ${version} &lt;img src="/pic.png" alt="p"&gt;&lt;/p&gt;</description></item></channel></rss>`);
  });
});
afterAll(() => server.close());

describe('keepOffline in a refresh', () => {
  it('reuses cached copies for a changed article and fetches a lost copy again', async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'tidings-offline-')), 'data');
    const reader = await openReader({ dataDir });
    try {
      await reader.api.addFeed(`${server.origin}/feed.xml`);
      const id = (await reader.api.listItems({})).items[0]!.id;
      const html = async () => (await reader.api.getItem(id))!.html;
      expect(await html()).toContain(`src="${LOCAL}"`);
      expect(cachedSources(await html())).toEqual(new Map([[`${server.origin}/pic.png`, LOCAL]]));
      expect(hits).toBe(1);
      const record = async () => (await reader.api.listFeeds())[0]!.health.offline;
      expect(await record()).toEqual({ imagesStored: 1, imagesFailed: 0, fullTextStored: 0, fullTextFailed: 0, errors: [] });

      version = 2;
      expect(await reader.api.refresh()).toMatchObject({ updated: 1, failed: [] });
      expect(await html()).toContain('Version 2');
      expect(await html()).toContain(`src="${LOCAL}"`);
      expect(hits).toBe(1);

      await rm(join(dataDir, 'media'), { recursive: true });
      version = 3;
      await reader.api.refresh();
      expect(hits).toBe(2);
      expect(await html()).toContain(`src="${LOCAL}"`);

      // The image server failing never fails the feed: the article keeps its remote image.
      imageUp = false;
      await rm(join(dataDir, 'media'), { recursive: true });
      version = 4;
      expect(await reader.api.refresh()).toMatchObject({ updated: 1, failed: [] });
      expect(await html()).toContain('Version 4');
      expect(await html()).toContain(`src="${server.origin}/pic.png"`);
      expect(await record()).toMatchObject({ imagesStored: 0, imagesFailed: 1, errors: [`media: status 503 for ${server.origin}/pic.png`] });
    } finally {
      await reader.close();
    }
  });
});
