// The sanitizer's policy (issue 7), written once for both of its paths: DOMPurify over jsdom
// (sanitizer.ts) and the strict fast path for plain well-formed markup (sanitizer-fast.ts).
// Everything here works on an AttrHost, so the two paths cannot drift apart.

/** The prefix of every id (and in-article fragment link) so content cannot clobber the page's names. */
export const ID_PREFIX = 'user-content-';

// `body` is the root DOMPurify walks from; left out, it counts as disallowed and DOMPurify
// deep-clones the whole article to hoist it (a third of the time). Its attributes are sanitized
// like any other and never serialized: the output is its innerHTML.
/** TAGS: the elements an article may keep. */
export const TAGS = [
  'body', 'a', 'abbr', 'address', 'article', 'aside', 'audio', 'b', 'bdi', 'bdo', 'blockquote', 'br',
  'caption', 'center', 'cite', 'code', 'col', 'colgroup', 'dd', 'del', 'details', 'dfn', 'div', 'dl',
  'dt', 'em', 'figcaption', 'figure', 'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr',
  'i', 'iframe', 'img', 'ins', 'kbd', 'li', 'mark', 'ol', 'p', 'picture', 'pre', 'q', 'rp', 'rt',
  'ruby', 's', 'samp', 'section', 'small', 'source', 'span', 'strike', 'strong', 'sub', 'summary',
  'sup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'time', 'tr', 'track', 'tt', 'u', 'ul',
  'var', 'video', 'wbr',
];
/** ATTRS: the attributes an article may keep (values checked further by the hooks below). */
export const ATTRS = [
  'href', 'src', 'srcset', 'sizes', 'media', 'alt', 'title', 'width', 'height', 'colspan', 'rowspan',
  'scope', 'headers', 'datetime', 'cite', 'lang', 'dir', 'start', 'reversed', 'type', 'controls',
  'poster', 'loop', 'muted', 'id', 'open', 'align', 'valign', 'span', 'kind', 'srclang', 'label',
  'class', 'abbr',
];

/** AttrHost: the attributes of one element, in order, and its upper-case tag name (a DOM Element or the fast path's own). */
export interface AttrHost {
  readonly tag: string;
  get(name: string): string | null;
  set(name: string, value: string): void;
  remove(name: string): void;
}

/** AttrEvent: one attribute under review (DOMPurify's uponSanitizeAttribute event, the fields we use). */
export interface AttrEvent {
  attrName: string;
  attrValue: string;
  keepAttr: boolean;
}

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

/** isPrivateHost: whether a URL's host is loopback, private, link-local or local-only (never fetched from article content). */
export function isPrivateHost(url: URL): boolean {
  return privateHostname(url.hostname);
}

function privateHostname(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (privateName(host)) return true;
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

/** The local-only DNS names; for plainURL's lower-case DNS hosts, the whole of privateHostname. */
function privateName(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal');
}

function privateMappedHex(tail: string): boolean {
  // `new URL` writes ::ffff:127.0.0.1 as ::ffff:7f00:1.
  const [hi = '', lo = ''] = tail.split(':');
  const n = (parseInt(hi, 16) << 16) | parseInt(lo, 16);
  const dotted = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
  return isPrivateHost(new URL(`http://${dotted}/`));
}

/** parseBase: the article's base URL when it is http(s), else undefined (relative URLs then resolve to nothing). */
export function parseBase(baseUrl?: string): URL | undefined {
  if (!baseUrl) return undefined;
  try {
    const u = new URL(baseUrl);
    return FETCH_SCHEMES.has(u.protocol) ? u : undefined;
  } catch {
    return undefined;
  }
}

/** The parts of a resolved URL the policy reads: a URL, or plainURL's result where `new URL` would only copy its input. */
type Resolved = Pick<URL, 'href' | 'protocol' | 'hostname' | 'origin' | 'username' | 'password'> & {
  /** Set by plainURL when the host is a lower-case DNS name (no IP address, no brackets). */
  dns?: boolean;
};

function resolve(raw: string, base: URL | undefined): Resolved | undefined {
  const trimmed = raw.trim();
  // An empty reference would resolve to the page itself.
  if (trimmed === '') return undefined;
  const plain = plainURL(trimmed, base);
  if (plain) return plain;
  try {
    return new URL(trimmed, base);
  } catch {
    return undefined;
  }
}

// `new URL` is a third of the fast path's time, yet most article URLs are already in the form it
// would write. plainURL takes only references whose resolution is provably a concatenation:
// lower-case http(s) scheme, a lower-case DNS name (no IP address, IDN or punycode), no
// user part, a non-default port without leading zeros, and path, query and fragment made only of
// characters that are never percent-encoded, with no dot segments. Anything else goes to `new URL`
// (tests/unit/core/sanitizer-url.test.ts compares the two over thousands of references).
// A tail (path, ?query, #fragment) of characters the URL parser writes unchanged: `'`, `^`, `|`,
// backslash, spaces, controls and non-ASCII are left out, `?` only after the path, `#` once.
// Regexes rather than loops: the references are slices of the article, and a regex reads those
// in one go where charCodeAt would unwrap the slice for every character.
const TAIL = /[A-Za-z0-9\-._~!$&()*+,;=:@/%]*(?:\?[A-Za-z0-9\-._~!$&()*+,;=:@/%?]*)?(?:#[A-Za-z0-9\-._~!$&()*+,;=:@/%?]*)?$/y;
// Dot segments (`.`, `..`, and %2e for a dot) are resolved by the parser. Looked for in the whole
// reference, query included: that only sends a few more URLs to `new URL`.
const DOTS = /(?:^|\/)\.\.?(?:[/?#]|$)/;
const PERCENT_DOT = /%2e/i;
// host[:port]: lower-case DNS labels of letters, digits and inner hyphens, no "--" (punycode-like),
// the last label starting with a letter (so neither an IPv4 address nor a number the parser reads
// as one); a port without leading zeros; then the tail or the end.
const AUTHORITY = /(?![^/?#:]*--)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?(?::[1-9][0-9]{0,4})?(?=[/?#]|$)/y;

interface PlainBase {
  url: URL;
  /** The base's own parts, read once (URL getters are not free). */
  protocol: string;
  hostname: string;
  origin: string;
  /** scheme://host[:port] of the base, without a user part (else undefined: no shortcut). */
  prefix: string | undefined;
  /** prefix and the base's path up to its last slash: what a relative path is appended to. */
  dir: string;
}
let lastBase: PlainBase | undefined;

function plainBase(base: URL): PlainBase {
  if (lastBase?.url === base) return lastBase;
  const prefix = base.username || base.password ? undefined : `${base.protocol}//${base.host}`;
  lastBase = { url: base, protocol: base.protocol, hostname: base.hostname, origin: base.origin, prefix, dir: `${prefix}${base.pathname.slice(0, base.pathname.lastIndexOf('/') + 1)}` };
  return lastBase;
}

/** plainURL: what `new URL(ref, base)` gives for a trimmed reference, computed without it when that is a plain concatenation; undefined when unsure. */
export function plainURL(ref: string, base: URL | undefined): Resolved | undefined {
  const c0 = ref.charCodeAt(0);
  if (c0 === 104 /* h */) {
    if (ref.startsWith('https://')) return plainAbsolute('https:', '', ref, 8);
    if (ref.startsWith('http://')) return plainAbsolute('http:', '', ref, 7);
  }
  if (!base) return undefined;
  const b = plainBase(base);
  if (b.prefix === undefined) return undefined;
  if (c0 === 47 /* / */) {
    if (ref.charCodeAt(1) === 47) return plainAbsolute(b.protocol, b.protocol, ref, 2);
    return plainRelative(b, ref, b.prefix);
  }
  // A query or fragment alone keeps the base's path (and query): not a concatenation.
  if (c0 === 63 /* ? */ || c0 === 35 /* # */) return undefined;
  // A relative path: not a scheme (no colon before the first slash, ? or #).
  const colon = ref.indexOf(':');
  if (colon !== -1 && !/[/?#]/.test(ref.slice(0, colon))) return undefined;
  return plainRelative(b, ref, b.dir);
}

function plainRelative(b: PlainBase, ref: string, prefix: string): Resolved | undefined {
  if (!plainTail(ref, 0)) return undefined;
  return { href: prefix + ref, protocol: b.protocol, hostname: b.hostname, origin: b.origin, username: '', password: '' };
}

/** ref from `from` on is host[:port] then a plain tail; `scheme` is what ref lacks of `protocol//` at its start. */
function plainAbsolute(protocol: string, scheme: string, ref: string, from: number): Resolved | undefined {
  AUTHORITY.lastIndex = from;
  if (!AUTHORITY.test(ref)) return undefined;
  const authEnd = AUTHORITY.lastIndex;
  const colon = ref.indexOf(':', from);
  const hostEnd = colon !== -1 && colon < authEnd ? colon : authEnd;
  if (hostEnd - from > 253) return undefined;
  if (hostEnd < authEnd) {
    const port = ref.slice(hostEnd + 1, authEnd);
    if (Number(port) > 65535 || port === (protocol === 'https:' ? '443' : '80')) return undefined;
  }
  if (!plainTail(ref, authEnd)) return undefined;
  const origin = scheme + ref.slice(0, authEnd);
  // An empty path is written as "/".
  const href = authEnd === ref.length || ref.charCodeAt(authEnd) !== 47 ? `${origin}/${ref.slice(authEnd)}` : scheme + ref;
  return { href, protocol, hostname: ref.slice(from, hostEnd), origin, username: '', password: '', dns: true };
}

/** Whether ref from `from` on (a path, then maybe ?query and #fragment) is written unchanged by the URL parser. */
function plainTail(ref: string, from: number): boolean {
  TAIL.lastIndex = from;
  if (!TAIL.test(ref)) return false;
  return !((ref.includes('/.') || ref.charCodeAt(0) === 46) && DOTS.test(ref)) && !(ref.includes('%') && PERCENT_DOT.test(ref));
}

/** A URL the reader would fetch by itself (img, media, iframe): http(s), and not a private host unless the feed itself lives there. */
function fetchable(raw: string, base: URL | undefined): string | undefined {
  const u = resolve(raw, base);
  if (!u || !FETCH_SCHEMES.has(u.protocol)) return undefined;
  if (u.origin !== (base ? plainBase(base).origin : undefined) && (u.dns ? privateName(u.hostname) : privateHostname(u.hostname))) return undefined;
  return u.href;
}

function linkTarget(raw: string, base: URL | undefined): string | undefined {
  const trimmed = raw.trim();
  if (trimmed.startsWith('#')) return fragment(trimmed.slice(1));
  const u = resolve(trimmed, base);
  if (!u || !LINK_SCHEMES.has(u.protocol)) return undefined;
  // `https://bank.example@evil.test/` shows one host and goes to another: drop the user part.
  if (u.username || u.password) {
    u.username = '';
    u.password = '';
  }
  return u.href;
}

function fragment(name: string): string {
  return `#${name.startsWith(ID_PREFIX) ? name : ID_PREFIX + name}`;
}

/** Rebuilds a srcset from its http(s) candidates only; descriptors kept when well-formed. */
function cleanSrcset(value: string, base: URL | undefined): string {
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
    const abs = url && !url.startsWith('data:') ? fetchable(url, base) : undefined;
    if (abs) out.push(/^\d+(\.\d+)?[wx]$/.test(descriptor) ? `${abs} ${descriptor}` : abs);
  }
  return out.join(', ');
}

const LAZY_SRC = ['data-src', 'data-lazy-src', 'data-original', 'data-orig-file'];
const LAZY_SRCSET = ['data-srcset', 'data-lazy-srcset'];

/** promoteLazySource: lazy-loading themes put the real image in data-src and a placeholder in src; data-* is dropped, so promote it first. */
export function promoteLazySource(node: AttrHost): void {
  if (node.tag !== 'IMG' && node.tag !== 'SOURCE') return;
  const src = node.get('src');
  if (!src || src.trim().startsWith('data:')) {
    const lazy = firstFilled(node, LAZY_SRC);
    if (lazy) node.set('src', lazy);
  }
  if (!node.get('srcset')) {
    const lazySet = firstFilled(node, LAZY_SRCSET);
    if (lazySet) node.set('srcset', lazySet);
  }
}

/** The first of the attributes with a value that is not blank. */
function firstFilled(node: AttrHost, names: readonly string[]): string | undefined {
  for (const name of names) {
    const v = node.get(name);
    if (v && v.trim()) return v;
  }
  return undefined;
}

/** onAttribute: ids prefixed; classes kept only as code-language hints on code/pre. */
export function onAttribute(node: AttrHost, data: AttrEvent): void {
  if (data.attrName === 'id') {
    data.attrValue = data.attrValue.startsWith(ID_PREFIX) ? data.attrValue : ID_PREFIX + data.attrValue;
  } else if (data.attrName === 'class') {
    // Only code-highlighting hints survive (turndown reads them); any other class could hit the reader's own CSS.
    const tag = node.tag;
    const kept = tag === 'CODE' || tag === 'PRE' ? data.attrValue.split(/\s+/).filter((c) => /^lang(uage)?-[\w+#.-]{1,30}$/.test(c)) : [];
    data.attrValue = kept.join(' ');
    data.keepAttr = kept.length > 0;
  }
}

function setOrDrop(node: AttrHost, attr: string, value: string | undefined): void {
  if (value) node.set(attr, value);
  else node.remove(attr);
}

/** afterAttributes: URL policy per element (links, images, media, iframes, citations); false when the element must go. */
export function afterAttributes(node: AttrHost, base: URL | undefined): boolean {
  switch (node.tag) {
    case 'A': fixLink(node, base); return true;
    case 'IMG': return fixImage(node, base);
    case 'SOURCE': case 'TRACK': {
      const src = node.get('src');
      if (src !== null) setOrDrop(node, 'src', fetchable(src, base));
      const srcset = node.get('srcset');
      if (srcset !== null) setOrDrop(node, 'srcset', cleanSrcset(srcset, base));
      return true;
    }
    case 'VIDEO': case 'AUDIO': fixMedia(node, base); return true;
    case 'IFRAME': return fixIframe(node, base);
    case 'BLOCKQUOTE': case 'Q': case 'DEL': case 'INS': {
      const cite = node.get('cite');
      if (cite !== null) setOrDrop(node, 'cite', linkTarget(cite, base));
      return true;
    }
  }
  return true;
}

function fixLink(node: AttrHost, base: URL | undefined): void {
  const href = node.get('href');
  if (href === null) return;
  const target = linkTarget(href, base);
  setOrDrop(node, 'href', target);
  if (target && !target.startsWith('#')) {
    node.set('rel', 'noopener noreferrer');
    node.set('target', '_blank');
  }
}

function fixImage(node: AttrHost, base: URL | undefined): boolean {
  const raw = node.get('src') ?? '';
  const src = DATA_IMAGE.test(raw.trim()) ? raw.trim() : fetchable(raw, base);
  const rawSet = node.get('srcset');
  const srcset = rawSet !== null ? cleanSrcset(rawSet, base) : '';
  // A 1×1 image is a tracking beacon, not content.
  const w = node.get('width');
  const h = node.get('height');
  const pixel = w !== null && h !== null && Number(w) <= 1 && Number(h) <= 1;
  if ((!src && !srcset) || pixel) return false;
  setOrDrop(node, 'src', src);
  setOrDrop(node, 'srcset', srcset);
  node.set('loading', 'lazy');
  node.set('decoding', 'async');
  node.set('referrerpolicy', 'no-referrer');
  return true;
}

function fixMedia(node: AttrHost, base: URL | undefined): void {
  const src = node.get('src');
  if (src !== null) setOrDrop(node, 'src', fetchable(src, base));
  const poster = node.get('poster');
  if (poster !== null) setOrDrop(node, 'poster', fetchable(poster, base));
  node.set('controls', '');
  // Nothing downloads until the reader presses play.
  node.set('preload', 'none');
}

function fixIframe(node: AttrHost, base: URL | undefined): boolean {
  const src = embedUrl(node.get('src') ?? '', base);
  if (!src) return false;
  node.set('src', src);
  node.set('sandbox', EMBED_SANDBOX);
  node.set('allow', 'fullscreen; picture-in-picture; encrypted-media');
  node.set('allowfullscreen', '');
  node.set('loading', 'lazy');
  node.set('referrerpolicy', 'strict-origin-when-cross-origin');
  return true;
}

function embedUrl(raw: string, base: URL | undefined): string | undefined {
  let u: URL;
  try {
    if (raw.trim() === '') return undefined;
    u = new URL(raw.trim(), base);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'https:' || u.username || u.password || u.port) return undefined;
  const prefix = EMBED_HOSTS[u.hostname.toLowerCase()];
  if (prefix === undefined || !u.pathname.startsWith(prefix)) return undefined;
  if (u.hostname.endsWith('youtube.com')) u.hostname = 'www.youtube-nocookie.com';
  return u.href;
}
