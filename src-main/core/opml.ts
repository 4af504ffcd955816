// OPML in (issue 6): a tolerant reader for OPML 1.0/2.0 as real files are — a BOM or none, legacy
// encodings, unescaped `&`, `url` for `xmlUrl`, no `type` — that refuses bad entries one by one
// and imports the rest. htmlparser2 never reads a DTD, so no entity is ever expanded.
import { Parser } from 'htmlparser2';
import { decodeBody } from './encoding';
import { checkFeedUrl } from './opml-url';

export { buildOpml, type OpmlFeed } from './opml-build';
export { planImport, type ImportPlan } from './opml-plan';

export interface OpmlEntry {
  url: string;
  title?: string;
  /** Folder path, nested folders joined by `/`, `''` at the top level. */
  folder: string;
  /** Line of the entry's `<outline` in the file (1-based). */
  line: number;
  siteUrl?: string;
}

export interface OpmlRefusal {
  line: number;
  url: string;
  reason: string;
}

export interface ParsedOpml {
  entries: OpmlEntry[];
  refused: OpmlRefusal[];
  title?: string;
}

// Outline types that point at something other than a feed (OPML 2.0 `type` values in the wild);
// `vfolder` is Liferea's saved search, written with a fake xmlUrl.
const NOT_FEEDS = new Set(['link', 'include', 'html', 'redirect', 'song', 'audio', 'video', 'image', 'howto']);

function attr(attribs: Record<string, string>, name: string): string | undefined {
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(attribs)) if (k.toLowerCase() === want) return v;
  return undefined;
}

function clean(s: string | undefined): string | undefined {
  const t = s?.replace(/\s+/g, ' ').trim();
  return t ? t : undefined;
}

function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

/** decodeOpml: OPML bytes → text (BOM, then the prolog's encoding, then UTF-8); a string is only stripped of its BOM. */
export function decodeOpml(input: string | Buffer): string {
  const text = typeof input === 'string' ? input : decodeBody(input).text;
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

// Directories export descriptions with raw markup and unescaped quotes inside
// (`description="… <a href="…" target="_blank">…</a> …"`), which ends the attribute early and turns
// the outline into an open folder. Tidings never uses descriptions, so drop each one up to the
// quote followed by an OPML attribute or by the end of the tag — never past the next outline, so a
// surprise costs at most that description. Newlines are kept for line numbers.
const DESCRIPTION =
  /\sdescription\s*=\s*"(?:(?!<outline\b)[^])*?"(?=\s+(?:xmlUrl|htmlUrl|url|type|title|text|language|version|created|category|isComment|isBreakpoint)\s*=|\s*\/?>\s*(?:<|$))/gi;

/** readOutline: one `<outline>` → a feed entry, a refusal, or a folder name for the outlines inside it. */
function readOutline(attribs: Record<string, string>, line: number, folders: readonly string[], out: ParsedOpml): string | undefined {
  const type = clean(attr(attribs, 'type'))?.toLowerCase();
  const xmlUrl = attr(attribs, 'xmlUrl');
  const url = xmlUrl ?? attr(attribs, 'url');
  const label = clean(attr(attribs, 'title')) ?? clean(attr(attribs, 'text'));
  // A folder (or a plain text outline): its name nests what is below it; `/` separates path levels.
  if (url === undefined) return label?.replace(/\//g, '-');
  if (type === 'vfolder' || (xmlUrl === undefined && type && NOT_FEEDS.has(type))) {
    out.refused.push({ line, url: url.trim(), reason: `outline of type "${type}" is not a feed` });
    return undefined;
  }
  const checked = checkFeedUrl(url);
  if (!checked.ok) {
    out.refused.push({ line, url: url.trim(), reason: checked.reason });
    return undefined;
  }
  const entry: OpmlEntry = { url: checked.url, folder: folders.filter(Boolean).join('/'), line };
  if (label) entry.title = label;
  const site = attr(attribs, 'htmlUrl');
  const siteChecked = site ? checkFeedUrl(site) : undefined;
  if (siteChecked?.ok) entry.siteUrl = siteChecked.url;
  out.entries.push(entry);
  return undefined;
}

/** parseOpml: OPML 1.0/2.0 (text or bytes) → feed entries with folder paths, per-entry refusals, and the title; throws `opml: …` when it is not OPML at all. */
export function parseOpml(input: string | Buffer): ParsedOpml {
  const text = decodeOpml(input).replace(DESCRIPTION, (m) => m.replace(/[^\n]/g, ''));
  const lineOf = lineIndex(text);
  const out: ParsedOpml = { entries: [], refused: [] };
  // One slot per open outline: the folder name it gives its children ('' for none).
  const folders: string[] = [];
  const seen = { root: undefined as string | undefined, opml: false, outline: false, inTitle: false };
  let headTitle: string | undefined;
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        const tag = name.toLowerCase();
        seen.root ??= tag;
        if (tag === 'opml') seen.opml = true;
        if (tag === 'title' && !seen.outline && headTitle === undefined) {
          headTitle = '';
          seen.inTitle = true;
        }
        if (tag !== 'outline') return;
        seen.outline = true;
        folders.push(readOutline(attribs, lineOf(parser.startIndex), folders, out) ?? '');
      },
      ontext(data) {
        if (seen.inTitle) headTitle += data;
      },
      onclosetag(name) {
        const tag = name.toLowerCase();
        if (tag === 'title') seen.inTitle = false;
        if (tag === 'outline') folders.pop();
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  parser.write(text);
  parser.end();
  if (!seen.opml && !seen.outline) {
    throw new Error(`opml: not an OPML document (${seen.root ? `root element <${seen.root}>` : 'no XML elements'})`);
  }
  const title = clean(headTitle);
  if (title) out.title = title;
  return out;
}
