// The sanitizer's fast path (issue 3 §8): a jsdom document per article is most of a cold
// refresh's CPU, yet most feed HTML is plain, well-formed markup. For that markup only, and
// byte for byte what DOMPurify with our policy returns (tests/unit/core/sanitizer-fast.test.ts
// holds it to that over the whole corpus), the output is built here from a strict scan.
//
// Safe by construction whatever the input: only allow-listed, non-raw-text HTML elements are
// written, every text and attribute value is escaped, every element is explicitly closed, and
// attributes pass the same policy functions as on DOMPurify's path. Strict, so that the HTML
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

const START_TAG = /<([a-zA-Z][a-zA-Z0-9]*)(?=[\t\n\f />])/y;
const ATTRIBUTE = /[\t\n\f ]+([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:[\t\n\f ]*=[\t\n\f ]*(?:"([^"]*)"|'([^']*)'|([^\t\n\f "'<=>`]+)))?(?=[\t\n\f />])/y;
const TAG_END = /[\t\n\f ]*(\/?)>/y;
const END_TAG = /<\/([a-zA-Z][a-zA-Z0-9]*)[\t\n\f ]*>/y;

class FastElement implements AttrHost {
  readonly tag: string;
  constructor(readonly name: string, readonly attrs: [string, string][]) {
    this.tag = name.toUpperCase();
  }
  get(name: string): string | null {
    return this.attrs.find((a) => a[0] === name)?.[1] ?? null;
  }
  set(name: string, value: string): void {
    const a = this.attrs.find((x) => x[0] === name);
    if (a) a[1] = value;
    else this.attrs.push([name, value]);
  }
  remove(name: string): void {
    const k = this.attrs.findIndex((a) => a[0] === name);
    if (k >= 0) this.attrs.splice(k, 1);
  }
}

/** fastSanitize: sanitized HTML for plain well-formed markup (equal to the DOMPurify path's), or undefined when the input needs the real parser; `textOut`, when given, receives the input's text (a space for each tag or comment). */
export function fastSanitize(html: string, base: URL | undefined, clobbers: (id: string) => boolean, textOut?: string[]): string | undefined {
  // The parser rewrites CR and drops NUL: not worth modelling.
  if (html.includes('\r') || html.includes('\0')) return undefined;
  const out: string[] = [];
  const stack: string[] = [];
  const n = html.length;
  let i = 0;
  while (i < n) {
    const lt = html.indexOf('<', i);
    const stop = lt === -1 ? n : lt;
    if (stop > i) {
      const text = html.slice(i, stop);
      const decoded = text.includes('&') ? decodeHTML(text) : text;
      // Escaped markup in text makes DOMPurify's mXSS probes look at the element (and remove it).
      if (decoded.includes('<')) return undefined;
      out.push(escapeText(decoded));
      textOut?.push(decoded);
    }
    if (lt === -1) break;
    const next = html.charCodeAt(lt + 1);
    if (next === 47 /* / */) {
      END_TAG.lastIndex = lt;
      const m = END_TAG.exec(html);
      const name = m?.[1]!.toLowerCase();
      if (!m || !name || VOID.has(name) || stack[stack.length - 1] !== name) return undefined;
      stack.pop();
      out.push(`</${name}>`);
      textOut?.push(' ');
      i = END_TAG.lastIndex;
      continue;
    }
    if (next === 33 /* ! */) {
      // A comment, dropped (DOMPurify removes every comment); its odd endings go to the parser.
      const body = lt + 4;
      if (!html.startsWith('<!--', lt) || html.startsWith('>', body) || html.startsWith('->', body)) return undefined;
      const close = html.indexOf('-->', body);
      if (close === -1) return undefined;
      if (html.slice(body, close).includes('--!>')) return undefined;
      textOut?.push(' ');
      i = close + 3;
      continue;
    }
    START_TAG.lastIndex = lt;
    const m = START_TAG.exec(html);
    if (!m) return undefined;
    const name = m[1]!.toLowerCase();
    // Bounded depth keeps the checks below linear; deeper documents are the parser's.
    if (!FAST.has(name) || stack.length >= MAX_DEPTH || !nestsPlainly(name, stack)) return undefined;
    let pos = START_TAG.lastIndex;
    const attrs: [string, string][] = [];
    for (;;) {
      ATTRIBUTE.lastIndex = pos;
      const a = ATTRIBUTE.exec(html);
      if (!a) break;
      const attr = a[1]!.toLowerCase();
      // A repeated attribute keeps its first value in HTML; `is` is re-added empty by DOMPurify.
      if (attr === 'is' || attrs.length >= MAX_ATTRS || attrs.some((x) => x[0] === attr)) return undefined;
      const raw = a[2] ?? a[3] ?? a[4] ?? '';
      attrs.push([attr, raw.includes('&') ? decodeHTMLAttribute(raw) : raw]);
      pos = ATTRIBUTE.lastIndex;
    }
    TAG_END.lastIndex = pos;
    const end = TAG_END.exec(html);
    if (!end || (end[1] && !VOID.has(name))) return undefined;
    i = TAG_END.lastIndex;
    // The parser drops a newline right after <pre>.
    if (name === 'pre' && html.charCodeAt(i) === 10) return undefined;
    textOut?.push(' ');
    const el = new FastElement(name, attrs);
    if (!sanitizeAttributes(el, base, clobbers)) {
      // Only void elements (img) are ever dropped by the policy here.
      if (!VOID.has(name)) return undefined;
      continue;
    }
    out.push(startTag(el));
    if (!VOID.has(name)) stack.push(name);
  }
  return stack.length ? undefined : out.join('').trim();
}

/** Whether the HTML parser would insert `name` right where it stands (no implied end tags, no reparenting). */
function nestsPlainly(name: string, stack: readonly string[]): boolean {
  if (CLOSES_P.has(name) && stack.includes('p')) return false;
  const top = stack[stack.length - 1];
  if (HEADINGS.has(name) && top !== undefined && HEADINGS.has(top)) return false;
  if (name === 'a' && stack.includes('a')) return false;
  if (name === 'li' || name === 'dd' || name === 'dt') {
    for (let k = stack.length - 1; k >= 0; k--) {
      const open = stack[k]!;
      if (name === 'li' ? open === 'li' : open === 'dd' || open === 'dt') return false;
      if (SPECIAL.has(open) && open !== 'address' && open !== 'div' && open !== 'p') break;
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
    const event: AttrEvent = { attrName: name, attrValue: name === 'value' ? initial : initial.trim(), keepAttr: true };
    onAttribute(el, event);
    const value = event.attrValue;
    const unsafe = VALUE_BREAKOUT.test(value) || (name === 'attributename' && value.includes('href'));
    if (unsafe || !event.keepAttr || !validAttribute(el.name, name, value, clobbers)) {
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
  if (ALLOWED_URI.test(value.replace(ATTR_WHITESPACE, ''))) return true;
  if ((name === 'src' || name === 'href') && value.startsWith('data:') && tag === 'img') return true;
  return !value;
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
