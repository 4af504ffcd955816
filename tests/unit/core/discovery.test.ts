import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../src-main/core/model';
import { discoverFeeds } from '../../../src-main/core/discovery';
import { normalizeFeedInput, resolveSubscription } from '../../../src-main/core/subscription';
import { CORPUS } from '../../helpers/paths';
import { startServer, type TestServer } from '../../helpers/http';

const RSS = readFileSync(join(CORPUS, 'feeds/real-world/rss-parser/giantbomb-podcast.rss'));
const ATOM = readFileSync(join(CORPUS, 'feeds/real-world/feedjira/FeedBurnerXHTML.xml'));
const page = (links: string) => `<!doctype html><html><head><title>My &amp; Site</title>${links}</head><body><p>Hello</p></body></html>`;

let server: TestServer;
beforeAll(async () => {
  server = await startServer((req, res) => {
    const html = (body: string) => void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
    switch (req.url) {
      case '/rss.xml':
        return void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(RSS);
      case '/atom':
        return void res.writeHead(200, { 'content-type': 'application/atom+xml' }).end(ATOM);
      case '/one':
        return html(page('<link rel="alternate" type="application/rss+xml" href="/rss.xml">'));
      case '/two':
        return html(page('<link rel="alternate" type="application/rss+xml" title="Posts" href="/rss.xml"><link rel="alternate" type="application/atom+xml" title="Comments" href="atom">'));
      case '/blog/':
        return html(page(''));
      case '/feed':
        return void res.writeHead(200, { 'content-type': 'text/xml' }).end(ATOM);
      default:
        return void res.writeHead(404).end();
    }
  });
});
afterAll(() => server.close());

describe('discoverFeeds', () => {
  it('finds RSS, Atom and JSON alternates, absolute, deduplicated, titled', () => {
    const html = page(
      '<base href="https://cdn.example/base/"><link rel="alternate" type="application/rss+xml" href="rss.xml" title="R"><link rel="Alternate" type="application/atom+xml" href="/atom"><link rel="alternate" type="application/feed+json" href="feed.json"><link rel="alternate" type="application/rss+xml" href="rss.xml"><link rel="stylesheet" href="x.css"><link rel="alternate" type="application/json" href="/wp-json/wp/v2/pages/1">',
    );
    expect(discoverFeeds(html, 'https://site.example/page')).toEqual([
      { url: 'https://cdn.example/base/rss.xml', title: 'R', type: 'rss' },
      { url: 'https://cdn.example/atom', title: 'My & Site', type: 'atom' },
      { url: 'https://cdn.example/base/feed.json', title: 'My & Site', type: 'json' },
    ]);
  });

  it('ignores javascript: and data: hrefs', () => {
    expect(discoverFeeds(page('<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">'), 'https://s.example/')).toEqual([]);
  });
});

describe('resolveSubscription', () => {
  it('accepts feed: forms and bare host names', () => {
    expect(normalizeFeedInput('feed://example.org/rss')).toBe('http://example.org/rss');
    expect(normalizeFeedInput('feed:https://example.org/rss')).toBe('https://example.org/rss');
    expect(normalizeFeedInput('example.org')).toBe('https://example.org/');
    expect(() => normalizeFeedInput('javascript:alert(1)')).toThrow(/only http and https/);
  });

  it('subscribes to a feed address directly', async () => {
    const r = await resolveSubscription(`${server.origin}/rss.xml`, DEFAULT_SETTINGS);
    expect(r.kind).toBe('feed');
    if (r.kind !== 'feed') return;
    expect(r.url).toBe(`${server.origin}/rss.xml`);
    expect(r.parsed.title).toBe('Giant Bombcast');
    expect(r.fetched).toMatchObject({ status: 200, encoding: 'utf-8', finalUrl: `${server.origin}/rss.xml` });
  });

  it('follows the single feed a page declares, and offers a choice when there are several', async () => {
    const one = await resolveSubscription(`feed:${server.origin}/one`, DEFAULT_SETTINGS);
    expect(one.kind === 'feed' && one.url).toBe(`${server.origin}/rss.xml`);
    const two = await resolveSubscription(`${server.origin}/two`, DEFAULT_SETTINGS);
    expect(two).toEqual({ kind: 'choose', candidates: [{ url: `${server.origin}/rss.xml`, title: 'Posts', type: 'rss' }, { url: `${server.origin}/atom`, title: 'Comments', type: 'atom' }] });
  });

  it('probes the usual paths when a page declares nothing', async () => {
    const r = await resolveSubscription(`${server.origin}/blog/`, DEFAULT_SETTINGS);
    expect(r.kind === 'feed' && r.url).toBe(`${server.origin}/feed`);
    expect(r.kind === 'feed' && r.parsed.format).toBe('atom');
  });

  it('reports a missing page as a fetch error', async () => {
    await expect(resolveSubscription(`${server.origin}/missing`, DEFAULT_SETTINGS)).rejects.toThrow(`fetcher: status 404 for ${server.origin}/missing`);
  });
});
