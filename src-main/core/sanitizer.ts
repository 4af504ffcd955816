// Feed HTML is written by strangers and shown inside an app that can touch the disk (issue 7).
// DOMPurify's defaults keep <style>, style=, forms and `background`, enough for a fake login
// overlay or a tracking beacon, so this is an allow-list of its own, with hooks for what a
// list cannot say: URL policy, iframe hosts, media and link attributes.
import createDOMPurify, { type Config, type UponSanitizeAttributeHookEvent, type WindowLike } from 'dompurify';
import { JSDOM } from 'jsdom';

// One window and one DOMPurify for the whole process: a JSDOM per item costs milliseconds,
// DOMPurify's own DOMParser document per call costs far less.
const { window } = new JSDOM('<!doctype html><html><body></body></html>');
const purify = createDOMPurify(window as unknown as WindowLike);

/** The prefix of every id (and in-article fragment link) so content cannot clobber the page's names. */
export const ID_PREFIX = 'user-content-';

// `body` is the root DOMPurify walks from; left out, it counts as disallowed and DOMPurify
// deep-clones the whole article to hoist it (a third of the time). Its attributes are sanitized
// like any other and never serialized: the output is its innerHTML.
const TAGS = [
  'body', 'a', 'abbr', 'address', 'article', 'aside', 'audio', 'b', 'bdi', 'bdo', 'blockquote', 'br',
  'caption', 'center', 'cite', 'code', 'col', 'colgroup', 'dd', 'del', 'details', 'dfn', 'div', 'dl',
  'dt', 'em', 'figcaption', 'figure', 'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr',
  'i', 'iframe', 'img', 'ins', 'kbd', 'li', 'mark', 'ol', 'p', 'picture', 'pre', 'q', 'rp', 'rt',
  'ruby', 's', 'samp', 'section', 'small', 'source', 'span', 'strike', 'strong', 'sub', 'summary',
  'sup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'time', 'tr', 'track', 'tt', 'u', 'ul',
  'var', 'video', 'wbr',
];
const ATTRS = [
  'href', 'src', 'srcset', 'sizes', 'media', 'alt', 'title', 'width', 'height', 'colspan', 'rowspan',
  'scope', 'headers', 'datetime', 'cite', 'lang', 'dir', 'start', 'reversed', 'type', 'controls',
  'poster', 'loop', 'muted', 'id', 'open', 'align', 'valign', 'span', 'kind', 'srclang', 'label',
  'class', 'abbr',
];
const CONFIG: Config = {
  ALLOWED_TAGS: TAGS,
  ALLOWED_ATTR: ATTRS,
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  ALLOW_UNKNOWN_PROTOCOLS: false,
  KEEP_CONTENT: true,
  SANITIZE_DOM: true,
};

/** Iframe hosts that serve video/audio players, and the path a player URL must start with. */
const EMBED_HOSTS: Record<string, string> = {
  'www.youtube.com': '/embed/', 'youtube.com': '/embed/', 'www.youtube-nocookie.com': '/embed/',
  'youtube-nocookie.com': '/embed/', 'player.vimeo.com': '/video/', 'www.dailymotion.com': '/embed/',
  'geo.dailymotion.com': '/player', 'w.soundcloud.com': '/player/', 'open.spotify.com': '/embed/',
  'bandcamp.com': '/EmbeddedPlayer/', 'player.twitch.tv': '/',
};
const EMBED_SANDBOX = 'allow-scripts allow-same-origin allow-presentation allow-popups';
const DATA_IMAGE = /^data:image\/(png|jpeg|jpg|gif|webp|avif|bmp);base64,[a-z0-9+/=\s]*$/i;
const LINK_SCHEMES = new Set(['http:', 'https:', 'mailto:']);
const FETCH_SCHEMES = new Set(['http:', 'https:']);

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
  ctx = { base: parseBase(baseUrl) };
  try {
    // A leading <embed> (removed by the allow-list) ends the parser's "frameset-ok" state, so a
    // <frameset> cannot replace the body and swallow the whole article.
    return String(purify.sanitize(`<embed>${html}`)).trim();
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

/** isPrivateHost: whether a URL's host is loopback, private, link-local or local-only (never fetched from article content). */
export function isPrivateHost(url: URL): boolean {
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal')) return true;
  const v4 = host.match(/^(\d+)\.(\d+)\.(\d+)\.(\d+)$/);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127) || a >= 224;
  }
  if (host.includes(':')) {
    if (host === '::' || host === '::1' || /^f[cd]/.test(host) || /^fe[89ab]/.test(host)) return true;
    const mapped = host.match(/^::ffff:(.+)$/);
    if (mapped) return mapped[1]!.includes('.') ? isPrivateHost(new URL(`http://${mapped[1]}/`)) : privateMappedHex(mapped[1]!);
  }
  return false;
}

function privateMappedHex(tail: string): boolean {
  // `new URL` writes ::ffff:127.0.0.1 as ::ffff:7f00:1.
  const [hi = '', lo = ''] = tail.split(':');
  const n = (parseInt(hi, 16) << 16) | parseInt(lo, 16);
  const dotted = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
  return isPrivateHost(new URL(`http://${dotted}/`));
}

function parseBase(baseUrl?: string): URL | undefined {
  if (!baseUrl) return undefined;
  try {
    const u = new URL(baseUrl);
    return FETCH_SCHEMES.has(u.protocol) ? u : undefined;
  } catch {
    return undefined;
  }
}

function resolve(raw: string): URL | undefined {
  // An empty reference would resolve to the page itself.
  if (raw.trim() === '') return undefined;
  try {
    return new URL(raw.trim(), ctx.base);
  } catch {
    return undefined;
  }
}

/** A URL the reader would fetch by itself (img, media, iframe): http(s), and not a private host unless the feed itself lives there. */
function fetchable(raw: string): string | undefined {
  const u = resolve(raw);
  if (!u || !FETCH_SCHEMES.has(u.protocol)) return undefined;
  if (isPrivateHost(u) && u.origin !== ctx.base?.origin) return undefined;
  return u.href;
}

function linkTarget(raw: string): string | undefined {
  const trimmed = raw.trim();
  if (trimmed.startsWith('#')) return fragment(trimmed.slice(1));
  const u = resolve(trimmed);
  if (!u || !LINK_SCHEMES.has(u.protocol)) return undefined;
  // `https://bank.example@evil.test/` shows one host and goes to another: drop the user part.
  u.username = '';
  u.password = '';
  return u.href;
}

function fragment(name: string): string {
  return `#${name.startsWith(ID_PREFIX) ? name : ID_PREFIX + name}`;
}

/** Rebuilds a srcset from its http(s) candidates only; descriptors kept when well-formed. */
function cleanSrcset(value: string): string {
  const out: string[] = [];
  let i = 0;
  while (i < value.length) {
    while (i < value.length && /[\s,]/.test(value[i]!)) i++;
    let j = i;
    while (j < value.length && !/\s/.test(value[j]!)) j++;
    let url = value.slice(i, j);
    let descriptor = '';
    if (url.endsWith(',')) {
      url = url.replace(/,+$/, '');
      i = j;
    } else {
      const comma = value.indexOf(',', j);
      const end = comma === -1 ? value.length : comma;
      descriptor = value.slice(j, end).trim();
      i = end + 1;
    }
    const abs = url && !url.startsWith('data:') ? fetchable(url) : undefined;
    if (abs) out.push(/^\d+(\.\d+)?[wx]$/.test(descriptor) ? `${abs} ${descriptor}` : abs);
  }
  return out.join(', ');
}

const LAZY_SRC = ['data-src', 'data-lazy-src', 'data-original', 'data-orig-file'];
const LAZY_SRCSET = ['data-srcset', 'data-lazy-srcset'];

/** Lazy-loading themes put the real image in data-src and a placeholder in src; data-* is dropped, so promote it first. */
function promoteLazySource(node: Element): void {
  if (node.nodeName !== 'IMG' && node.nodeName !== 'SOURCE') return;
  const src = node.getAttribute('src');
  if (!src || src.trim().startsWith('data:')) {
    const lazy = LAZY_SRC.map((a) => node.getAttribute(a)).find((v) => v && v.trim());
    if (lazy) node.setAttribute('src', lazy);
  }
  if (!node.getAttribute('srcset')) {
    const lazySet = LAZY_SRCSET.map((a) => node.getAttribute(a)).find((v) => v && v.trim());
    if (lazySet) node.setAttribute('srcset', lazySet);
  }
}

function onAttribute(node: Element, data: UponSanitizeAttributeHookEvent): void {
  if (data.attrName === 'id') {
    data.attrValue = data.attrValue.startsWith(ID_PREFIX) ? data.attrValue : ID_PREFIX + data.attrValue;
  } else if (data.attrName === 'class') {
    // Only code-highlighting hints survive (turndown reads them); any other class could hit the reader's own CSS.
    const tag = node.nodeName;
    const kept = tag === 'CODE' || tag === 'PRE' ? data.attrValue.split(/\s+/).filter((c) => /^lang(uage)?-[\w+#.-]{1,30}$/.test(c)) : [];
    data.attrValue = kept.join(' ');
    data.keepAttr = kept.length > 0;
  }
}

function setOrDrop(node: Element, attr: string, value: string | undefined): void {
  if (value) node.setAttribute(attr, value);
  else node.removeAttribute(attr);
}

function afterAttributes(node: Element): void {
  switch (node.nodeName) {
    case 'A': return fixLink(node);
    case 'IMG': return fixImage(node);
    case 'SOURCE': case 'TRACK':
      if (node.hasAttribute('src')) setOrDrop(node, 'src', fetchable(node.getAttribute('src')!));
      if (node.hasAttribute('srcset')) setOrDrop(node, 'srcset', cleanSrcset(node.getAttribute('srcset')!));
      return;
    case 'VIDEO': case 'AUDIO': return fixMedia(node);
    case 'IFRAME': return fixIframe(node);
    case 'BLOCKQUOTE': case 'Q': case 'DEL': case 'INS':
      if (node.hasAttribute('cite')) setOrDrop(node, 'cite', linkTarget(node.getAttribute('cite')!));
      return;
  }
}

function fixLink(node: Element): void {
  const href = node.getAttribute('href');
  if (href === null) return;
  const target = linkTarget(href);
  setOrDrop(node, 'href', target);
  if (target && !target.startsWith('#')) {
    node.setAttribute('rel', 'noopener noreferrer');
    node.setAttribute('target', '_blank');
  }
}

function fixImage(node: Element): void {
  const raw = node.getAttribute('src') ?? '';
  const src = DATA_IMAGE.test(raw.trim()) ? raw.trim() : fetchable(raw);
  const srcset = node.hasAttribute('srcset') ? cleanSrcset(node.getAttribute('srcset')!) : '';
  // A 1×1 image is a tracking beacon, not content.
  const w = node.getAttribute('width');
  const h = node.getAttribute('height');
  const pixel = w !== null && h !== null && Number(w) <= 1 && Number(h) <= 1;
  if ((!src && !srcset) || pixel) {
    node.parentNode?.removeChild(node);
    return;
  }
  setOrDrop(node, 'src', src);
  setOrDrop(node, 'srcset', srcset);
  node.setAttribute('loading', 'lazy');
  node.setAttribute('decoding', 'async');
  node.setAttribute('referrerpolicy', 'no-referrer');
}

function fixMedia(node: Element): void {
  if (node.hasAttribute('src')) setOrDrop(node, 'src', fetchable(node.getAttribute('src')!));
  if (node.hasAttribute('poster')) setOrDrop(node, 'poster', fetchable(node.getAttribute('poster')!));
  node.setAttribute('controls', '');
  // Nothing downloads until the reader presses play.
  node.setAttribute('preload', 'none');
}

function fixIframe(node: Element): void {
  const src = embedUrl(node.getAttribute('src') ?? '');
  if (!src) {
    node.parentNode?.removeChild(node);
    return;
  }
  node.setAttribute('src', src);
  node.setAttribute('sandbox', EMBED_SANDBOX);
  node.setAttribute('allow', 'fullscreen; picture-in-picture; encrypted-media');
  node.setAttribute('allowfullscreen', '');
  node.setAttribute('loading', 'lazy');
  node.setAttribute('referrerpolicy', 'strict-origin-when-cross-origin');
}

function embedUrl(raw: string): string | undefined {
  const u = resolve(raw);
  if (!u || u.protocol !== 'https:' || u.username || u.password || u.port) return undefined;
  const prefix = EMBED_HOSTS[u.hostname.toLowerCase()];
  if (prefix === undefined || !u.pathname.startsWith(prefix)) return undefined;
  if (u.hostname.endsWith('youtube.com')) u.hostname = 'www.youtube-nocookie.com';
  return u.href;
}

// Parsed once: passing the config to every sanitize() call rebuilds its sets each time.
purify.setConfig(CONFIG);
purify.addHook('beforeSanitizeElements', (node) => {
  ctx.root ??= node;
});
purify.addHook('beforeSanitizeAttributes', promoteLazySource);
purify.addHook('uponSanitizeAttribute', onAttribute);
purify.addHook('afterSanitizeAttributes', afterAttributes);
