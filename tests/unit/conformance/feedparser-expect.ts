// Translates feedparser's `Expect:` lines (Python expressions) into checks on our ParsedFeed, for
// the fields issue 3 §7 names: title, link, guid, dates, author, content, enclosures (+ categories).
// Anything else (bozo flags, *_detail metadata, namespaces we do not model) is not applicable.
import type { ParsedFeed } from '../../../src-main/core/model';
import { htmlToText } from '../../../src-main/core/text';

export type Field = 'title' | 'link' | 'guid' | 'date' | 'author' | 'content' | 'enclosure' | 'category';

export interface Check {
  field: Field;
  clause: string;
  run(feed: ParsedFeed): { ok: boolean; got: unknown; want: unknown };
}

type Value = string | number | number[] | null;

/** expectChecks: the checks an Expect line translates into (clauses we cannot translate are skipped). */
export function expectChecks(expect: string): Check[] {
  const body = expect.replace(/^\s*(not\s+)?bozo\s+and\s+/, '');
  const checks: Check[] = [];
  for (const raw of splitTopLevel(body, ' and ')) {
    const clause = stripParens(raw.trim());
    const m = /^((?:entries\[\d+\]|feed)(?:\[(?:'[a-z_]+'|"[a-z_]+"|\d+)\]|\.[a-z_]+)+)\s*==\s*(.+)$/s.exec(clause);
    if (!m) continue;
    const path = parsePath(m[1]!);
    const want = parseValue(m[2]!.trim());
    if (want === undefined) continue;
    const check = toCheck(path, want, clause);
    if (check) checks.push(check);
  }
  return checks;
}

function toCheck(path: (string | number)[], want: Value, clause: string): Check | undefined {
  const [head, ...rest] = path;
  const key = rest.join('.');
  if (head === 'feed') {
    if ((key === 'title' || key === 'title_detail.value') && typeof want === 'string') return textCheck('title', clause, want, (f) => f.title);
    if (key === 'link' && typeof want === 'string') return urlCheck(clause, want, (f) => f.link);
    return undefined;
  }
  const i = Number(String(head).slice(8, -1));
  const item = (f: ParsedFeed) => f.items[i];
  switch (key) {
    case 'title':
    case 'title_detail.value':
      return typeof want === 'string' ? textCheck('title', clause, want, (f) => item(f)?.title) : undefined;
    case 'link':
      return typeof want === 'string' ? urlCheck(clause, want, (f) => item(f)?.link) : undefined;
    case 'id':
      return typeof want === 'string' ? exact('guid', clause, want, (f) => item(f)?.guid) : undefined;
    case 'author':
    case 'author_detail.name':
      // feedparser's `author` is "name (email)" for display; ours is the name alone.
      return typeof want === 'string' ? textCheck('author', clause, want.replace(/\s*\(\S+@\S+\)$/, ''), (f) => item(f)?.author) : undefined;
    case 'published_parsed':
    case 'updated_parsed':
    case 'created_parsed':
    case 'date_parsed':
      return Array.isArray(want) ? exact('date', clause, tupleToIso(want), (f) => item(f)?.published) : undefined;
    case 'description':
    case 'summary':
    case 'summary_detail.value':
      return typeof want === 'string' ? textCheck('content', clause, want, (f) => item(f)?.summary ?? item(f)?.content) : undefined;
    case 'content.0.value':
      return typeof want === 'string' ? textCheck('content', clause, want, (f) => item(f)?.content) : undefined;
  }
  const enc = /^enclosures\.(\d+)\.(href|url|type|length)$/.exec(key);
  if (enc) {
    const [, j, prop] = enc;
    return {
      field: 'enclosure',
      clause,
      run: (f) => {
        const e = item(f)?.enclosures[Number(j)];
        const got = prop === 'href' || prop === 'url' ? e?.url : prop === 'type' ? e?.type : e?.length;
        const ok = prop === 'href' || prop === 'url' ? sameUrl(String(got ?? ''), String(want)) : String(got ?? '') === String(want ?? '');
        return { ok, got, want };
      },
    };
  }
  const tag = /^tags\.(\d+)\.term$/.exec(key);
  if (tag && typeof want === 'string') return exact('category', clause, want, (f) => item(f)?.categories[Number(tag[1])]);
  return undefined;
}

// feedparser keeps markup in text constructs while our titles are plain text and our content is
// HTML: the two agree when their texts agree, read either as HTML or as plain text.
function textCheck(field: Field, clause: string, want: string, get: (f: ParsedFeed) => string | undefined): Check {
  const asHtml = (s: string) => htmlToText(s).replace(/\s+/g, ' ').trim();
  const asText = (s: string) => s.replace(/\s+/g, ' ').trim();
  return {
    field,
    clause,
    run: (f) => {
      const got = get(f) ?? '';
      const wants = [asHtml(want), asText(want)];
      return { ok: wants.includes(asHtml(got)) || wants.includes(asText(got)), got, want };
    },
  };
}

function exact(field: Field, clause: string, want: string | undefined, get: (f: ParsedFeed) => string | undefined): Check {
  return { field, clause, run: (f) => { const got = get(f); return { ok: (got ?? '').trim() === (want ?? '').trim(), got, want }; } };
}

function urlCheck(clause: string, want: string, get: (f: ParsedFeed) => string | undefined): Check {
  return { field: 'link', clause, run: (f) => { const got = get(f) ?? ''; return { ok: sameUrl(got, want), got, want }; } };
}

function sameUrl(a: string, b: string): boolean {
  const norm = (s: string) => {
    try {
      return new URL(s.trim()).href;
    } catch {
      return s.trim();
    }
  };
  return norm(a) === norm(b);
}

function tupleToIso(t: number[]): string | undefined {
  const [y, mo, d, h = 0, mi = 0, s = 0] = t;
  if (y === undefined || mo === undefined || d === undefined) return undefined;
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s)).toISOString();
}

function parsePath(s: string): (string | number)[] {
  const out: (string | number)[] = [];
  const head = /^(entries\[\d+\]|feed)/.exec(s)![1]!;
  out.push(head);
  for (const m of s.slice(head.length).matchAll(/\[(?:'([a-z_]+)'|"([a-z_]+)"|(\d+))\]|\.([a-z_]+)/g)) {
    out.push(m[3] !== undefined ? Number(m[3]) : (m[1] ?? m[2] ?? m[4])!);
  }
  return out;
}

/** parseValue: a Python literal (string, concatenated strings, int tuple, int, None) → JS, or undefined. */
export function parseValue(src: string): Value | undefined {
  if (src === 'None') return null;
  if (/^-?\d+$/.test(src)) return Number(src);
  const tuple = /^\(([\d\s,]+)\)$/.exec(src);
  if (tuple) return tuple[1]!.split(',').map((x) => x.trim()).filter(Boolean).map(Number);
  let rest = src;
  let out = '';
  for (;;) {
    const m = /^u?(['"])((?:\\.|(?!\1).)*)\1\s*/s.exec(rest);
    if (!m) return undefined;
    out += unescapePy(m[2]!);
    rest = rest.slice(m[0].length);
    if (!rest) return out;
    if (!rest.startsWith('+')) return undefined;
    rest = rest.slice(1).trimStart();
  }
}

function unescapePy(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|n|t|r|\\|'|"|0)/g, (_, e: string) => {
    if (e[0] === 'x' || e[0] === 'u' || e[0] === 'U') return String.fromCodePoint(parseInt(e.slice(1), 16));
    return ({ n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' } as Record<string, string>)[e]!;
  });
}

function splitTopLevel(s: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (depth === 0 && s.startsWith(sep, i)) {
      parts.push(s.slice(start, i));
      start = i + sep.length;
      i += sep.length - 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}

function stripParens(s: string): string {
  while (s.startsWith('(') && s.endsWith(')') && splitTopLevel(s.slice(1, -1), ')(').length === 1 && balanced(s.slice(1, -1))) s = s.slice(1, -1).trim();
  return s;
}

function balanced(s: string): boolean {
  let d = 0;
  for (const c of s) {
    if (c === '(') d++;
    if (c === ')' && --d < 0) return false;
  }
  return d === 0;
}
