// Feed HTML is written by strangers and shown inside an app that can touch the disk (issue 7).
// DOMPurify's defaults keep <style>, style=, forms and `background`, enough for a fake login
// overlay or a tracking beacon, so this is an allow-list of its own, with hooks for what a
// list cannot say: URL policy, iframe hosts, media and link attributes (sanitizer-policy.ts).
// Plain well-formed markup, most of what feeds send, takes sanitizer-fast.ts's path instead:
// the same output byte for byte, without a DOM (tests/unit/core/sanitizer-fast.test.ts).
import { capNesting } from './html-depth';
import createDOMPurify, { type Config, type DOMPurify, type UponSanitizeAttributeHookEvent, type WindowLike } from 'dompurify';
import { clobbers } from './dom-names';
import { jsdom } from './jsdom-lazy';
import { fastSanitize } from './sanitizer-fast';
import { ATTRS, TAGS, afterAttributes, onAttribute, parseBase, promoteLazySource, type AttrHost } from './sanitizer-policy';

// One window and one DOMPurify for the whole process: a JSDOM per item costs milliseconds,
// DOMPurify's own DOMParser document per call costs far less. Made on the first markup the fast
// path declines: jsdom costs ~90 MB, and plain feeds never need it.
let purifier: DOMPurify | undefined;

export { ID_PREFIX, isPrivateHost } from './sanitizer-policy';

const CONFIG: Config = {
  ALLOWED_TAGS: TAGS,
  ALLOWED_ATTR: ATTRS,
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  ALLOW_UNKNOWN_PROTOCOLS: false,
  KEEP_CONTENT: true,
  SANITIZE_DOM: true,
};

interface Context {
  base?: URL;
  /** The body DOMPurify parsed into, emptied after each call (see sanitizeHtml). */
  root?: Node;
}
// DOMPurify hooks are per instance, not per call; sanitize is synchronous so one slot is enough.
let ctx: Context = {};

/** sanitizeHtml: untrusted feed HTML → HTML safe to store and show; relative URLs resolved against baseUrl. */
export function sanitizeHtml(html: string, baseUrl?: string): string {
  if (typeof html !== 'string' || html.trim() === '') return '';
  // Without '<' there is no markup: entities stay entities, i.e. text (most summaries, at no cost).
  if (!html.includes('<')) return html.trim();
  const base = parseBase(baseUrl);
  return fastSanitize(html, base, clobbers) ?? runPurify(html, base);
}

/** sanitizeWithText: sanitizeHtml plus, when the fast path took the input, its plain text (htmlToText's form) from the same scan. */
export function sanitizeWithText(html: string, baseUrl?: string): { html: string; text?: string } {
  if (typeof html !== 'string' || html.trim() === '' || !html.includes('<')) return { html: sanitizeHtml(html, baseUrl) };
  const base = parseBase(baseUrl);
  const parts: string[] = [];
  const fast = fastSanitize(html, base, clobbers, parts);
  if (fast === undefined) return { html: runPurify(html, base) };
  // The fast path hands back the text already collapsed (collapseText's form).
  return { html: fast, text: parts.join('') };
}

/** fastPathHtml: the fast path alone (undefined when it declines), for the differential test. */
export function fastPathHtml(html: string, baseUrl?: string): string | undefined {
  return fastSanitize(html, parseBase(baseUrl), clobbers);
}

/** purifyHtml: the DOMPurify path alone, what the fast path must equal byte for byte. */
export function purifyHtml(html: string, baseUrl?: string): string {
  if (typeof html !== 'string' || html.trim() === '') return '';
  if (!html.includes('<')) return html.trim();
  return runPurify(html, parseBase(baseUrl));
}

function runPurify(html: string, base: URL | undefined): string {
  ctx = { base };
  try {
    // A leading <embed> (removed by the allow-list) ends the parser's "frameset-ok" state, so a
    // <frameset> cannot replace the body and swallow the whole article.
    // capNesting: thousands of nested elements would stall jsdom or overflow its stack (html-depth.ts).
    return String((purifier ??= makePurifier()).sanitize(`<embed>${capNesting(html)}`)).trim();
  } finally {
    // jsdom keeps each NodeIterator in a WeakRef, which V8 holds until the current macrotask ends:
    // a refresh that sanitizes thousands of items in one loop would keep every parsed document.
    // Emptying the document leaves a few KB per call instead of a whole DOM.
    if (ctx.root) ctx.root.textContent = '';
    const top = ctx.root?.ownerDocument?.documentElement;
    if (top) top.textContent = '';
    ctx = {};
  }
}

/** sanitizeText: metadata text (title, author, category) without control or bidi-override characters, whitespace collapsed. */
export function sanitizeText(s: string): string {
  if (typeof s !== 'string') return '';
  // Bidi overrides (U+202E and kin) let a title display as something else; C0/C1 controls break terminals and YAML.
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufeff]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function host(node: Element): AttrHost {
  return {
    tag: node.nodeName,
    get: (name) => node.getAttribute(name),
    set: (name, value) => node.setAttribute(name, value),
    remove: (name) => node.removeAttribute(name),
  };
}

function makePurifier(): DOMPurify {
  const { window } = new (jsdom().JSDOM)('<!doctype html><html><body></body></html>');
  const purify = createDOMPurify(window as unknown as WindowLike);
  // Parsed once: passing the config to every sanitize() call rebuilds its sets each time.
  purify.setConfig(CONFIG);
  purify.addHook('beforeSanitizeElements', (node) => {
    ctx.root ??= node;
  });
  purify.addHook('beforeSanitizeAttributes', (node) => promoteLazySource(host(node)));
  purify.addHook('uponSanitizeAttribute', (node, data: UponSanitizeAttributeHookEvent) => onAttribute(host(node), data));
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (!afterAttributes(host(node), ctx.base)) node.parentNode?.removeChild(node);
  });
  return purify;
}
