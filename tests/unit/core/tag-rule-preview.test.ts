// The rule editor's live preview counts what applying the rule will tag: the article's whole text
// is searched, not only the summary line kept in memory.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openReader } from '../../../src-main/core/service';
import type { TagRule } from '../../../src-main/core/model';
import { startServer, type TestServer } from '../../helpers/http';

const FILLER = 'The council met on Tuesday to discuss the budget, the roads and the new library opening hours. '.repeat(12);
const ITEMS = [
  { guid: 'title', title: 'Geothermal plant opens', body: `<p>${FILLER}</p>` },
  { guid: 'deep', title: 'Council notes', body: `<p>${FILLER}</p><p>Finally, a geothermal survey was approved.</p>` },
  { guid: 'none', title: 'Weather', body: `<p>${FILLER}</p>` },
];
let server: TestServer;

beforeAll(async () => {
  server = await startServer((_req, res) => {
    const items = ITEMS.map((i) => `<item><title>${i.title}</title><guid>${i.guid}</guid><description><![CDATA[${i.body}]]></description></item>`).join('');
    res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Town</title><link>${server.origin}/</link>${items}</channel></rss>`);
  });
});
afterAll(() => server.close());

describe('previewTagRule', () => {
  it('counts a word deep in the article, honours "title only", and agrees with applying the rule', async () => {
    const reader = await openReader({ dataDir: join(await mkdtemp(join(tmpdir(), 'tidings-preview-')), 'data') });
    try {
      await reader.api.addFeed(`${server.origin}/feed.xml`);
      const rule: TagRule = { tag: 'geothermal', any: ['geothermal'] };
      // The summary line stops long before the last paragraph.
      const deep = (await reader.api.listItems({})).items.find((i) => i.title === 'Council notes')!;
      expect(deep.summary).not.toMatch(/geothermal/i);
      expect(await reader.api.previewTagRule(rule)).toBe(2);
      expect(await reader.api.previewTagRule({ ...rule, in: ['title'] })).toBe(1);
      expect(await reader.api.previewTagRule({ ...rule, feeds: ['https://elsewhere.example/feed'] })).toBe(0);

      await reader.api.setTagRules([rule]);
      await reader.api.applyTagRules();
      expect((await reader.api.listTags()).find((t) => t.tag === 'geothermal')?.total).toBe(2);
    } finally {
      await reader.close();
    }
  });
});
