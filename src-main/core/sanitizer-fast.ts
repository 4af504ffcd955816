// The sanitizer's fast path (issue 3 §8): a jsdom document per article is most of a cold
// refresh's CPU, yet most feed HTML is plain, well-formed markup. For that markup only, and
// byte for byte what DOMPurify with our policy returns (tests/unit/core/sanitizer-fast.test.ts
// holds it to that over the whole corpus), the output is built here from a strict scan.
//
// Safe by construction whatever the input: only allow-listed, non-raw-text HTML elements are
// written, every text and attribute value is escaped (text that escaping would leave unchanged,
// and bare tags such as <p>, are copied from the input in spans), every element is explicitly
// closed, and attributes pass the same policy functions as on DOMPurify's path. Strict, so that the HTML
// parser's tree equals ours: anything a browser would repair or read differently (implied end
// tags, misnesting, raw text, foreign content, odd syntax) returns undefined, and DOMPurify runs.
import { decodeHTML, decodeHTMLAttribute } from 'entities';
import { ATTRS, afterAttributes, onAttribute, promoteLazySource, type AttrEvent, type AttrHost } from './sanitizer-policy';

const VOID = new Set(['br', 'hr', 'img', 'wbr']);
const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
// Elements of HTML's "special" category that can be open on our stack (they stop the li/dd/dt search).
const SPECIAL = new Set([
  'address', 'article', 'aside', 'blockquote', 'center', 'dd', 'details', 'div', 'dl', 'dt', 'figcaption',
  'figure', 'footer', 'header', 'li', 'ol', 'p', 'pre', 'section', 'summary', 'ul', ...HEADINGS,
]);
// Start tags that close an open <p> in the HTML parser ("close a p element if in button scope").
const CLOSES_P = new Set([...SPECIAL, 'hr']);
const FORMATTING = ['a', 'b', 'code', 'em', 'i', 's', 'small', 'strike', 'strong', 'tt', 'u'];
const PHRASING = ['abbr', 'bdi', 'bdo', 'cite', 'del', 'dfn', 'ins', 'kbd', 'mark', 'q', 'samp', 'span', 'sub', 'sup', 'time', 'var'];
/** The elements the fast path handles: a subset of the policy's TAGS with no parser special cases left. */
const FAST = new Set([...VOID, ...SPECIAL, ...FORMATTING, ...PHRASING]);

const MAX_DEPTH = 256;
const MAX_ATTRS = 32;

const ALLOWED_ATTR = new Set(ATTRS);
// DOMPurify 3.4's attribute checks, restated (the differential test pins them to the library).
const URI_SAFE = new Set(['alt', 'class', 'for', 'id', 'label', 'name', 'pattern', 'placeholder', 'role', 'summary', 'title', 'value', 'style', 'xmlns']);
const ATTR_WHITESPACE = /[\u0000-\u0020\u00a0\u1680\u180e\u2000-\u2029\u205f\u3000]/g;
const ALLOWED_URI = /^(?:(?:(?:f|ht)tps?|mailto|tel|callto|sms|cid|xmpp|matrix):|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i;
const VALUE_BREAKOUT = /((--!?|])>)|<\/(style|script|title|xmp|textarea|noscript|iframe|noembed|noframes)/i;

const END_TAG = /<\/([a-zA-Z][a-zA-Z0-9]*)[\t\n\f ]*>/y;

/**
 * PLAIN: text with nothing to decode or escape (no `&`, `<`, `>`, U+00A0) and nothing to collapse
 * (spaces only single ones, no other whitespace or U+200B), the most of most articles' text: it
 * is copied through unchanged. Unambiguous (a space always starts a new word), so linear.
 */
const PLAIN = /[^<&>\s\u200b\0]*(?: [^<&>\s\u200b\0]+)* ?/y;
/** BLANK: whitespace that escaping leaves alone, such as the newlines between blocks and in paragraphs. */
const BLANK = /[\t\n\f ]+/y;
// collapseText's runs, for the text chunks that have any.
const RUNS = /[\s\u200b]{2,}|[^\S ]|\u200b/g;

// The DOM's upper-case tag names, made once.
const UPPER = new Map([...FAST].map((t) => [t, t.toUpperCase()]));

class FastElement implements AttrHost {
  readonly tag: string;
  constructor(readonly name: string, readonly attrs: [string, string][]) {
    this.tag = UPPER.get(name) ?? name.toUpperCase();
  }
  get(name: string): string | null {
    const attrs = this.attrs;
    for (let k = 0; k < attrs.length; k++) if (attrs[k]![0] === name) return attrs[k]![1];
    return null;
  }
  set(name: string, value: string): void {
    const attrs = this.attrs;
    for (let k = 0; k < attrs.length; k++) {
      if (attrs[k]![0] === name) {
        attrs[k]![1] = value;
        return;
      }
    }
    attrs.push([name, value]);
  }
  remove(name: string): void {
    const attrs = this.attrs;
    for (let k = 0; k < attrs.length; k++) {
      if (attrs[k]![0] === name) {
        attrs.splice(k, 1);
        return;
      }
    }
  }
}

/**
 * The text read on the scan, as collapseText would leave it: every run of whitespace one space,
 * none at either end. Built as it comes, so the article's text is never joined and scanned again.
 */
class TextSink {
  text = '';
  /** Whitespace seen since the last word (written only when another word follows). */
  gap = false;

  space(): void {
    this.gap = true;
  }

  /** Adds text whose whitespace is already single spaces only. */
  add(s: string): void {
    let from = 0;
    let to = s.length;
    if (to === 0) return;
    if (s.charCodeAt(0) === 32) {
      this.gap = true;
      from = 1;
    }
    const trailing = to > from && s.charCodeAt(to - 1) === 32;
    if (trailing) to--;
    if (to <= from) return;
    if (this.gap && this.text !== '') this.text += ' ';
    this.text += from === 0 && to === s.length ? s : s.slice(from, to);
    this.gap = trailing;
  }
}

// The elements whose policy (afterAttributes) reads URLs, and so depends on the base.
const URL_POLICY = new Set(['a', 'img', 'blockquote', 'q', 'del', 'ins']);
const MAX_CACHED_TAG = 512;
const MAX_CACHED_TAGS = 2048;
let cachedTags = new Map<string, string>();
let cachedFor: ((id: string) => boolean) | undefined;

/** The remembered start tags (text → sanitized form), valid for one clobbers check. */
function startTags(clobbers: (id: string) => boolean): Map<string, string> {
  if (cachedFor !== clobbers) {
    cachedTags = new Map();
    cachedFor = clobbers;
  }
  return cachedTags;
}

function remember(key: string, sanitized: string): void {
  // Bounded: a feed's repeated tags come back soon; emptied rather than tracked for age.
  if (cachedTags.size >= MAX_CACHED_TAGS) cachedTags.clear();
  // Stored as copies: slices of the article (in the key, and in values copied into the tag) would
  // keep the whole article alive. A JSON round trip is a portable way to get a fresh flat string.
  const [text, tag] = JSON.parse(JSON.stringify([key, sanitized])) as [string, string];
  cachedTags.set(text, tag);
}

/** Names by length and first character, so that a name in the input is matched without slicing it. */
function byHead(names: Iterable<string>): Map<number, string[]> {
  const map = new Map<number, string[]>();
  for (const name of names) {
    const head = name.length * 128 + name.charCodeAt(0);
    map.set(head, [...(map.get(head) ?? []), name]);
  }
  return map;
}
const TAG_NAMES = byHead(FAST);
// The allowed attributes and the usual others (dropped, but read all the same).
const ATTR_NAMES = byHead([...ATTRS, 'style', 'rel', 'target', 'name', 'data-src', 'data-srcset', 'loading', 'decoding', 'role', 'itemprop', 'aria-hidden']);

/** The name among `names` that html[from, to) spells exactly, if any. */
function known(names: Map<number, string[]>, html: string, from: number, to: number): string | undefined {
  const candidates = names.get((to - from) * 128 + html.charCodeAt(from));
  if (candidates) for (const name of candidates) if (html.startsWith(name, from)) return name;
  return undefined;
}

/** fastSanitize: sanitized HTML for plain well-formed markup (equal to the DOMPurify path's), or undefined when the input needs the real parser; `textOut`, when given, receives the input's text, collapsed as collapseText does (tags and comments count as spaces). */
export function fastSanitize(html: string, base: URL | undefined, clobbers: (id: string) => boolean, textOut?: string[]): string | undefined {
  // The parser rewrites CR and drops NUL: not worth modelling. Rather than a scan of its own,
  // each part of the input (text, tag, attribute value, comment) declines them where it is read.
  // Most of the output is the input itself (plain text, bare tags such as <p> and </p>): it is
  // copied in spans from html[copied] up to the next piece written differently.
  let out = '';
  let copied = 0;
  const sink = textOut ? new TextSink() : undefined;
  const stack: string[] = [];
  // Open <p> and <a> elements, for nestsPlainly.
  const open = { p: 0, a: 0 };
  const n = html.length;
  let i = 0;
  while (i < n) {
    // Text up to the next '<', in runs: PLAIN text and blanks (tabs, newlines, spaces) are copied
    // as they stand; a word with anything else (an entity, `>`, another kind of space) is
    // decoded, escaped and collapsed on its own, which is exact because a character reference
    // never spans whitespace.
    let stop = i;
    for (;;) {
      PLAIN.lastIndex = stop;
      PLAIN.test(html);
      const plain = PLAIN.lastIndex;
      if (plain > stop && sink) sink.add(html.slice(stop, plain));
      stop = plain;
      if (stop >= n) break;
      let c = html.charCodeAt(stop);
      if (c === 60 /* < */) break;
      if (c === 32 || c === 10 || c === 9 || c === 12) {
        BLANK.lastIndex = stop;
        BLANK.test(html);
        stop = BLANK.lastIndex;
        sink?.space();
        continue;
      }
      let end = stop + 1;
      while (end < n && (c = html.charCodeAt(end)) !== 60 && c !== 32 && c !== 10 && c !== 9 && c !== 12) end++;
      const word = html.slice(stop, end);
      if (word.includes('\r') || word.includes('\0')) return undefined;
      const decoded = word.includes('&') ? decodeHTML(word) : word;
      // Escaped markup in text makes DOMPurify's mXSS probes look at the element (and remove it).
      if (decoded.includes('<')) return undefined;
      const escaped = escapeText(decoded);
      if (escaped !== word) {
        out += html.slice(copied, stop) + escaped;
        copied = end;
      }
      sink?.add(decoded.replace(RUNS, ' '));
      stop = end;
    }
    if (stop === n) break;
    const lt = stop;
    const next = html.charCodeAt(lt + 1);
    if (next === 47 /* / */) {
      const top = stack[stack.length - 1];
      // `</name>` exactly as opened (the usual case) is copied as it stands.
      if (top !== undefined && html.startsWith(top, lt + 2) && html.charCodeAt(lt + 2 + top.length) === 62 /* > */) {
        i = lt + 3 + top.length;
      } else {
        END_TAG.lastIndex = lt;
        const m = END_TAG.exec(html);
        const name = m?.[1]!.toLowerCase();
        if (!m || !name || VOID.has(name) || top !== name) return undefined;
        i = END_TAG.lastIndex;
        out += `${html.slice(copied, lt)}</${top}>`;
        copied = i;
      }
      stack.pop();
      if (top === 'p') open.p--;
      else if (top === 'a') open.a--;
      sink?.space();
      continue;
    }
    if (next === 33 /* ! */) {
      // A comment, dropped (DOMPurify removes every comment); its odd endings go to the parser.
      const body = lt + 4;
      if (!html.startsWith('<!--', lt) || html.startsWith('>', body) || html.startsWith('->', body)) return undefined;
      const close = html.indexOf('-->', body);
      if (close === -1) return undefined;
      const comment = html.slice(body, close);
      if (comment.includes('--!>') || comment.includes('\r') || comment.includes('\0')) return undefined;
      sink?.space();
      out += html.slice(copied, lt);
      i = copied = close + 3;
      continue;
    }
    // The tag name: a letter, then letters and digits, then whitespace, / or >.
    let pos = lt + 1;
    let c = html.charCodeAt(pos);
    if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90))) return undefined;
    do c = html.charCodeAt(++pos);
    while ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57));
    if (c !== 62 /* > */ && c !== 32 && c !== 47 && c !== 9 && c !== 10 && c !== 12) return undefined;
    // Written in lower case (as nearly always), the name is one of ours without a slice.
    let name = known(TAG_NAMES, html, lt + 1, pos);
    const lower = name !== undefined;
    if (name === undefined) {
      name = html.slice(lt + 1, pos).toLowerCase();
      if (!FAST.has(name)) return undefined;
    }
    // Bounded depth keeps the checks below linear; deeper documents are the parser's.
    if (stack.length >= MAX_DEPTH || !nestsPlainly(name, stack, open)) return undefined;
    const isVoid = VOID.has(name);
    sink?.space();
    if (c === 62 && name !== 'img') {
      // No attributes: nothing for the policy to do (only an img without any is dropped).
      i = pos + 1;
      // The parser drops a newline right after <pre>.
      if (name === 'pre' && html.charCodeAt(i) === 10) return undefined;
      if (!lower) {
        out += `${html.slice(copied, lt)}<${name}>`;
        copied = i;
      }
    } else {
      // An element whose policy reads no URL gets the same start tag wherever it stands: those
      // seen before are looked up by their exact text (up to the first '>') instead of read again.
      let key: string | undefined;
      let sanitized: string | undefined;
      if (!URL_POLICY.has(name)) {
        const gt = html.indexOf('>', pos);
        if (gt !== -1 && gt - lt <= MAX_CACHED_TAG) {
          key = html.slice(lt, gt + 1);
          sanitized = startTags(clobbers).get(key);
        }
      }
      if (sanitized !== undefined) {
        i = lt + key!.length;
      } else {
        const attrs: [string, string][] = [];
        // Attributes, read as the HTML tokenizer does for plain syntax; anything less plain
        // (a value running into the next name, a stray quote or `=`) declines.
        let e = html.charCodeAt(pos);
        for (;;) {
          const spaced = pos;
          while (e === 32 || e === 10 || e === 9 || e === 12) e = html.charCodeAt(++pos);
          if (e === 62 /* > */ || e === 47 /* / */) break;
          if (pos === spaced || !nameStart(e)) return undefined;
          const at = pos;
          do e = html.charCodeAt(++pos);
          while (nameChar(e));
          const attr = known(ATTR_NAMES, html, at, pos) ?? html.slice(at, pos).toLowerCase();
          // A repeated attribute keeps its first value in HTML; `is` is re-added empty by DOMPurify.
          if (attr === 'is' || attrs.length >= MAX_ATTRS || attrs.some((x) => x[0] === attr)) return undefined;
          let j = pos;
          let f = e;
          while (f === 32 || f === 10 || f === 9 || f === 12) f = html.charCodeAt(++j);
          let raw = '';
          if (f === 61 /* = */) {
            do f = html.charCodeAt(++j);
            while (f === 32 || f === 10 || f === 9 || f === 12);
            if (f === 34 /* " */ || f === 39 /* ' */) {
              const close = html.indexOf(f === 34 ? '"' : "'", j + 1);
              if (close === -1) return undefined;
              raw = html.slice(j + 1, close);
              if (raw.includes('\r') || raw.includes('\0')) return undefined;
              pos = close + 1;
            } else {
              const from = j;
              while (unquoted(f)) f = html.charCodeAt(++j);
              if (j === from) return undefined;
              raw = html.slice(from, j);
              pos = j;
            }
            e = html.charCodeAt(pos);
          }
          if (!(e === 32 || e === 10 || e === 9 || e === 12 || e === 47 || e === 62)) return undefined;
          attrs.push([attr, raw.includes('&') ? decodeHTMLAttribute(raw) : raw]);
        }
        // The tag's end: `>`, or (void elements only) `/>`.
        if (e === 47 /* / */) {
          if (!isVoid) return undefined;
          e = html.charCodeAt(++pos);
        }
        if (e !== 62) return undefined;
        i = pos + 1;
        const el = new FastElement(name, attrs);
        const kept = sanitizeAttributes(el, base, clobbers);
        // Only void elements (img) are ever dropped by the policy here.
        if (!kept && !isVoid) return undefined;
        sanitized = kept ? startTag(el) : '';
        if (key !== undefined && i === lt + key.length) remember(key, sanitized);
      }
      // The parser drops a newline right after <pre>.
      if (name === 'pre' && html.charCodeAt(i) === 10) return undefined;
      out += html.slice(copied, lt) + sanitized;
      copied = i;
    }
    if (!isVoid) {
      stack.push(name);
      if (name === 'p') open.p++;
      else if (name === 'a') open.a++;
    }
  }
  if (stack.length) return undefined;
  // trim() trims nothing here but flattens the text, so it holds no slices of the input.
  if (sink) textOut!.push(sink.text.trim());
  return (copied === 0 ? html : out + html.slice(copied)).trim();
}

// An attribute's name: [a-zA-Z_:][-a-zA-Z0-9_:.]*, the names the fast path accepts.
function nameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58;
}

function nameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 58) || c === 95 || c === 45 || c === 46;
}

/** Whether c may be in an unquoted attribute value: [^\t\n\f "'<=>`], CR and NUL aside (false past the end, where c is NaN). */
function unquoted(c: number): boolean {
  return c > 32 ? c !== 34 && c !== 39 && c !== 60 && c !== 61 && c !== 62 && c !== 96 : c > 0 && c !== 9 && c !== 10 && c !== 12 && c !== 13 && c !== 32;
}

/** Whether the HTML parser would insert `name` right where it stands (no implied end tags, no reparenting). */
function nestsPlainly(name: string, stack: readonly string[], open: { p: number; a: number }): boolean {
  if (open.p > 0 && CLOSES_P.has(name)) return false;
  const top = stack[stack.length - 1];
  if (top !== undefined && HEADINGS.has(name) && HEADINGS.has(top)) return false;
  if (name === 'a' && open.a > 0) return false;
  if (name === 'li' || name === 'dd' || name === 'dt') {
    for (let k = stack.length - 1; k >= 0; k--) {
      const o = stack[k]!;
      if (name === 'li' ? o === 'li' : o === 'dd' || o === 'dt') return false;
      if (SPECIAL.has(o) && o !== 'address' && o !== 'div' && o !== 'p') break;
    }
  }
  return true;
}

/** DOMPurify's attribute pass (hooks included) over one element; false when the element is dropped. */
function sanitizeAttributes(el: FastElement, base: URL | undefined, clobbers: (id: string) => boolean): boolean {
  promoteLazySource(el);
  // Last to first, as DOMPurify walks the live attribute list.
  for (let l = el.attrs.length; l--; ) {
    const entry = el.attrs[l]!;
    const [name, initial] = entry;
    // Outside the allow-list an attribute goes whatever its value (style, data-*, on*: most of them).
    if (!ALLOWED_ATTR.has(name)) {
      el.attrs.splice(l, 1);
      continue;
    }
    let value = name === 'value' ? initial : initial.trim();
    let keep = true;
    // onAttribute only ever rewrites ids and classes.
    if (name === 'id' || name === 'class') {
      const event: AttrEvent = { attrName: name, attrValue: value, keepAttr: true };
      onAttribute(el, event);
      value = event.attrValue;
      keep = event.keepAttr;
    }
    const unsafe = ((value.includes('>') || value.includes('<')) && VALUE_BREAKOUT.test(value)) || (name === 'attributename' && value.includes('href'));
    if (unsafe || !keep || !validAttribute(el.name, name, value, clobbers)) {
      el.attrs.splice(l, 1);
      continue;
    }
    if (value !== initial) entry[1] = value;
  }
  return afterAttributes(el, base);
}

function validAttribute(tag: string, name: string, value: string, clobbers: (id: string) => boolean): boolean {
  if (name === 'patchsrc' || (name === 'for' && tag !== 'label' && tag !== 'output')) return false;
  if ((name === 'id' || name === 'name') && clobbers(value)) return false;
  if (!ALLOWED_ATTR.has(name)) return false;
  if (URI_SAFE.has(name)) return true;
  if (plainlyAllowedUri(value) || ALLOWED_URI.test(value.replace(ATTR_WHITESPACE, ''))) return true;
  if ((name === 'src' || name === 'href') && value.startsWith('data:') && tag === 'img') return true;
  return !value;
}

/** A shortcut for the usual values ALLOWED_URI accepts at a glance: http(s) URLs, and values whose first character is neither a letter nor whitespace. */
function plainlyAllowedUri(value: string): boolean {
  const c = value.charCodeAt(0);
  if (c > 32 && c < 128 && !((c >= 65 && c <= 90) || (c >= 97 && c <= 122))) return true;
  return value.startsWith('https:') || value.startsWith('http:');
}

function startTag(el: FastElement): string {
  let s = `<${el.name}`;
  for (const [name, value] of el.attrs) s += ` ${name}="${escapeAttr(value)}"`;
  return `${s}>`;
}

function escapeText(s: string): string {
  return /[&<>\u00a0]/.test(s) ? s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\u00a0/g, '&nbsp;') : s;
}

function escapeAttr(s: string): string {
  return /[&"<>\u00a0]/.test(s)
    ? s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\u00a0/g, '&nbsp;')
    : s;
}
