// One item → one Markdown file in the seed's Jekyll format (issue 6): front matter written by the
// yaml library (any title is safe), then the body (markdown-body.ts) and a link to the original.
import { Document, Pair, Scalar, YAMLMap, YAMLSeq, type Node as YamlNode } from 'yaml';
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

function flowList(values: string[], type?: Scalar.Type): YAMLSeq {
  const seq = new YAMLSeq();
  seq.items = values.map((v) => (type ? quoted(v, type) : new Scalar(v)));
  seq.flow = true;
  return seq;
}

const TO_STRING = { lineWidth: 0, flowCollectionPadding: false } as const;
// One document, its contents replaced per call (rendering is synchronous). Every key and value is
// a node already: a plain value would be wrapped by yaml's createNode at each toString.
const doc = new Document(new YAMLMap(), { version: '1.1' });

/** yamlPairs: top-level `key: value` lines written by the yaml library, in the given order. */
function yamlPairs(pairs: [string, YamlNode][]): string {
  const map = new YAMLMap();
  for (const [k, v] of pairs) map.items.push(new Pair(new Scalar(k), v));
  doc.contents = map;
  return doc.toString(TO_STRING);
}

// The lines a feed or a tag list gives are the same for thousands of items: yaml writes them once.
// A top-level pair is written without regard to its neighbours (no anchors, no comments), so
// these pieces pasted in key order are byte for byte the document yaml would write whole.
const LINES_CACHE_MAX = 2000;
const linesCache = new Map<string, string>();
function cachedPairs(key: string, pairs: () => [string, YamlNode][]): string {
  let lines = linesCache.get(key);
  if (lines === undefined) {
    if (linesCache.size >= LINES_CACHE_MAX) linesCache.clear();
    lines = yamlPairs(pairs());
    linesCache.set(key, lines);
  }
  return lines;
}

/** frontMatter: the seed's keys, in the seed's order, as YAML (without the `---` fences). */
export function frontMatter(item: ExportItem, opts: RenderOptions = {}): string {
  const category = folderSlug(item.feedFolder);
  const layout = opts.layout ?? 'feed_item';
  const date = new Scalar(jekyllDate(item.published));
  date.type = 'PLAIN';
  const key = (...parts: unknown[]) => JSON.stringify(parts);
  return (
    cachedPairs(key('layout', layout), () => [['layout', new Scalar(layout)]]) +
    yamlPairs([
      ['title', quoted(item.title.replace(/\s+/g, ' ').trim())],
      ['date', date],
    ]) +
    cachedPairs(key('lists', category, item.tags), () => [
      ['categories', flowList(category ? [category] : [])],
      ['tags', flowList(item.tags, 'QUOTE_SINGLE')],
    ]) +
    yamlPairs([
      ['keywords', flowList(keywordsFor(item.title, item.tags), 'QUOTE_SINGLE')],
      ['description', quoted(htmlToText(item.summary))],
      ['external_url', new Scalar(isHttpUrl(item.link) ? new URL(item.link.trim()).href : '')],
    ]) +
    cachedPairs(key('feed', item.feedTitle, category), () => [
      ['is_feed', new Scalar(true)],
      ['source_feed', quoted(item.feedTitle)],
      ['feed_category', quoted(category)],
    ])
  );
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
