// One item → one Markdown file in the seed's Jekyll format (issue 6): front matter written by the
// yaml library (any title is safe), then the body (markdown-body.ts) and a link to the original.
import { Document, Scalar, YAMLSeq } from 'yaml';
import { keywordsFor } from './keywords';
import { escapeLiquid, htmlToMarkdown, isHttpUrl, linkTarget } from './markdown-body';
import { folderSlug, slugify } from './slug';
import { htmlToText } from './text';

/** ExportItem: what the exporter needs of one stored item (the service assembles it). */
export interface ExportItem {
  id: string;
  title: string;
  link?: string;
  /** ISO 8601. */
  published: string;
  /** Plain text (markup is stripped again here, to be safe). */
  summary: string;
  /** Sanitized HTML body. */
  html: string;
  tags: string[];
  feedTitle: string;
  /** Folder path (`Tech/Programming`), `''` for none. */
  feedFolder: string;
}

export { escapeLiquid, htmlToMarkdown, isHttpUrl } from './markdown-body';

export interface RenderOptions {
  /** Jekyll layout; default `feed_item`. */
  layout?: string;
}

/** jekyllDate: ISO date → `YYYY-MM-DD HH:MM:SS +0000` (UTC); throws on an unusable date. */
export function jekyllDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new Error(`export: unusable date ${JSON.stringify(iso)}`);
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 19)} +0000`;
}

function quoted(value: string, type: Scalar.Type = 'QUOTE_DOUBLE'): Scalar {
  const s = new Scalar(value);
  s.type = type;
  return s;
}

function flowList(doc: Document, values: string[], type?: Scalar.Type): YAMLSeq {
  const seq = doc.createNode(values.map((v) => (type ? quoted(v, type) : v))) as YAMLSeq;
  seq.flow = true;
  return seq;
}

/** frontMatter: the seed's keys, in the seed's order, as YAML (without the `---` fences). */
export function frontMatter(item: ExportItem, opts: RenderOptions = {}): string {
  const category = folderSlug(item.feedFolder);
  const doc = new Document({}, { version: '1.1' });
  const set = (k: string, v: unknown) => doc.set(k, v);
  const date = new Scalar(jekyllDate(item.published));
  date.type = 'PLAIN';
  set('layout', opts.layout ?? 'feed_item');
  set('title', quoted(item.title.replace(/\s+/g, ' ').trim()));
  set('date', date);
  set('categories', flowList(doc, category ? [category] : []));
  set('tags', flowList(doc, item.tags, 'QUOTE_SINGLE'));
  set('keywords', flowList(doc, keywordsFor(item.title, item.tags), 'QUOTE_SINGLE'));
  set('description', quoted(htmlToText(item.summary)));
  set('external_url', isHttpUrl(item.link) ? new URL(item.link.trim()).href : '');
  set('is_feed', true);
  set('source_feed', quoted(item.feedTitle));
  set('feed_category', quoted(category));
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/** exportFileName: `YYYY-MM-DD-<slug>.md` for an item (the slug falls back to `item-<id>` when the title has no ASCII letters). */
export function exportFileName(item: Pick<ExportItem, 'id' | 'title' | 'published'>): string {
  const day = jekyllDate(item.published).slice(0, 10);
  const slug = slugify(item.title) || `item-${slugify(item.id).slice(0, 12) || 'untitled'}`;
  return `${day}-${slug}.md`;
}

/** renderMarkdown: one item → its file name and full text (front matter, body, link to the original). */
export function renderMarkdown(item: ExportItem, opts: RenderOptions = {}): { fileName: string; text: string } {
  const body = escapeLiquid(htmlToMarkdown(item.html));
  const link = isHttpUrl(item.link) ? `[Read original article](${linkTarget(item.link)})` : '';
  const parts = [`---\n${frontMatter(item, opts)}---`, body, link].filter((p) => p !== '');
  return { fileName: exportFileName(item), text: `${parts.join('\n\n')}\n` };
}
