// Feed documents for the reader's browser tests, built from a few fields so each test states
// exactly what it reads (dates relative to now, categories that become tags).

export interface FeedEntry {
  title: string;
  /** How long ago the entry was published. */
  ageMs: number;
  categories: string[];
  /** HTML body. */
  body: string;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** rssFeed: an RSS 2.0 document with the given entries (guid, date, categories, content). */
export function rssFeed(title: string, site: string, entries: FeedEntry[], now = Date.now()): string {
  const items = entries.map((e, i) => `
    <item>
      <title>${esc(e.title)}</title>
      <link>${esc(site)}posts/${i + 1}</link>
      <guid isPermaLink="false">${esc(title)}-${i + 1}</guid>
      <pubDate>${new Date(now - e.ageMs).toUTCString()}</pubDate>
      ${e.categories.map((c) => `<category>${esc(c)}</category>`).join('')}
      <description>${esc(e.body.replace(/<[^>]+>/g, ''))}</description>
      <content:encoded><![CDATA[${e.body}]]></content:encoded>
    </item>`);
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
  <channel>
    <title>${esc(title)}</title>
    <link>${esc(site)}</link>
    <description>Test feed</description>${items.join('')}
  </channel>
</rss>`;
}
