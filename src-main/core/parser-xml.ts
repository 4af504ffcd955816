// The element tree of a feed document, namespace-resolved, and the small readers parser-rss.ts and
// parser-atom.ts share. Elements are matched by namespace URI, not prefix (feeds rename prefixes
// freely); xml:base is tracked down the tree.
import type { Enclosure } from './model';
import type { XmlNode } from './parser-tree';
import { parseDate } from './dates';
import { htmlToText, looksLikeHtml } from './text';

const NS: Record<string, string> = {
  'http://www.w3.org/2005/atom': 'atom',
  'http://purl.org/atom/ns#': 'atom',
  'http://purl.org/rss/1.0/': 'rss',
  'http://my.netscape.com/rdf/simple/0.9/': 'rss',
  'http://channel.netscape.com/rdf/simple/0.9/': 'rss',
  'http://purl.org/net/rss1.1#': 'rss',
  'http://backend.userland.com/rss2': 'rss',
  'http://blogs.law.harvard.edu/tech/rss': 'rss',
  'http://www.w3.org/1999/02/22-rdf-syntax-ns#': 'rdf',
  'http://purl.org/dc/elements/1.1/': 'dc',
  'http://purl.org/dc/terms/': 'dcterms',
  'http://purl.org/rss/1.0/modules/content/': 'content',
  'http://search.yahoo.com/mrss/': 'media',
  'http://search.yahoo.com/mrss': 'media',
  'http://www.itunes.com/dtds/podcast-1.0.dtd': 'itunes',
  'http://www.w3.org/1999/xhtml': 'xhtml',
  'http://www.w3.org/xml/1998/namespace': 'xml',
};
const KNOWN_PREFIXES = new Set(Object.values(NS));

/** El: an element with its namespace-qualified short name (`title`, `dc:date`, `atom:link`) and base URL. */
export interface El {
  key: string;
  node: XmlNode;
  base: string;
  kids: El[];
}

/** resolveTree: an xml2js-built element tree → El tree with namespace keys and base URLs. */
export function resolveTree(root: XmlNode, feedUrl: string): El {
  return resolve(root, new Map([['xml', 'xml']]), feedUrl, undefined);
}

function resolve(node: XmlNode, scope: Map<string, string>, base: string, core: string | undefined): El {
  let ns = scope;
  for (const [k, v] of Object.entries(node.attrs)) {
    if (k === 'xmlns' || k.startsWith('xmlns:')) {
      if (ns === scope) ns = new Map(scope);
      ns.set(k === 'xmlns' ? '' : k.slice(6), NS[v.trim().toLowerCase()] ?? `{${v.trim()}}`);
    }
  }
  const xmlBase = node.attrs['xml:base'];
  const here = xmlBase ? absolute(xmlBase, base) ?? base : base;
  const colon = node.name.indexOf(':');
  const prefix = colon > 0 ? node.name.slice(0, colon) : '';
  const local = (colon > 0 ? node.name.slice(colon + 1) : node.name).toLowerCase();
  // An undeclared prefix that names a well-known module is taken at its word (lenient parse).
  const space = ns.get(prefix) ?? (KNOWN_PREFIXES.has(prefix.toLowerCase()) ? prefix.toLowerCase() : prefix ? `{${prefix}}` : '');
  let key: string;
  let childCore: string;
  if (core === undefined) {
    key = local === 'rdf' ? 'rdf:rdf' : local;
    childCore = local === 'rdf' ? 'rss' : space;
  } else {
    key = space === '' || space === core || space === 'rss' ? local : space.startsWith('{') ? `${prefix}:${local}` : `${space}:${local}`;
    childCore = core;
  }
  const el: El = { key, node, base: here, kids: [] };
  for (const c of node.children) if (typeof c !== 'string') el.kids.push(resolve(c, ns, here, childCore));
  return el;
}

/** child: the first child element with one of the keys, tried in order. */
export function child(el: El | undefined, ...keys: string[]): El | undefined {
  if (!el) return undefined;
  for (const k of keys) {
    const found = el.kids.find((c) => c.key === k);
    if (found) return found;
  }
  return undefined;
}

/** text: the text content of an element (CDATA included, markup of children flattened). */
export function text(el: El | undefined): string {
  if (!el) return '';
  let s = '';
  for (const c of el.node.children) s += typeof c === 'string' ? c : text({ key: '', node: c, base: el.base, kids: [] });
  return s;
}

/** textOf: the trimmed text of the first child with one of the keys, if non-empty. */
export function textOf(el: El | undefined, ...keys: string[]): string | undefined {
  const t = text(child(el, ...keys)).trim();
  return t || undefined;
}















/** serialize: element children back to HTML (XHTML content, Atom xml mode). */
export function serialize(children: (XmlNode | string)[]): string {
  let out = '';
  for (const c of children) {
    if (typeof c === 'string') {
      out += escapeHtml(c);
      continue;
    }
    const name = c.name.includes(':') ? c.name.slice(c.name.indexOf(':') + 1) : c.name;
    let attrs = '';
    for (const [k, v] of Object.entries(c.attrs)) if (k !== 'xmlns' && !k.startsWith('xmlns:')) attrs += ` ${k}="${escapeHtml(v)}"`;
    out += `<${name}${attrs}>${serialize(c.children)}</${name}>`;
  }
  return out;
}

/** escapeHtml: text → HTML-safe text. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}

/** alternate: the link element pointing at the HTML page (Atom rel=alternate, or an atom:link in RSS). */
export function alternate(el: El): El | undefined {
  const links = el.kids.filter((k) => (k.key === 'link' || k.key === 'atom:link') && k.node.attrs.href !== undefined);
  return links.find((l) => (l.node.attrs.rel ?? 'alternate') === 'alternate' && /html/i.test(l.node.attrs.type ?? 'text/html')) ?? links.find((l) => (l.node.attrs.rel ?? 'alternate') === 'alternate');
}

/** attr: an attribute value, trimmed, if non-empty. */
export function attr(el: El | undefined, name: string): string | undefined {
  const v = el?.node.attrs[name]?.trim();
  return v || undefined;
}

/** firstDate: the first usable date among the child elements with these keys, in key order. */
export function firstDate(el: El, ...keys: string[]): string | undefined {
  for (const k of keys) {
    for (const c of el.kids) {
      if (c.key !== k) continue;
      const d = parseDate(text(c));
      if (d) return d;
    }
  }
  return undefined;
}

/** pushEnclosure: add an enclosure (absolute URL, numeric length) unless already listed. */
export function pushEnclosure(list: Enclosure[], url: string | undefined, type: string | undefined, length: string | undefined, base: string): void {
  const abs = absolute(url?.trim(), base);
  if (!abs || list.some((e) => e.url === abs)) return;
  const n = Number(length);
  list.push({ url: abs, ...(type?.trim() && { type: type.trim() }), ...(length && Number.isFinite(n) && n > 0 && { length: n }) });
}

/** absolute: a possibly relative URL resolved against base; undefined when unusable. */
export function absolute(url: string | undefined, base: string): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url.trim(), base).href;
  } catch {
    return /^[a-z][a-z0-9+.-]*:/i.test(url.trim()) ? url.trim() : undefined;
  }
}

/** plain: feed text that may carry HTML → plain text. */
export function plain(s: string): string {
  const t = s.trim();
  return looksLikeHtml(t) ? htmlToText(t) : t.replace(/\s+/g, ' ');
}

/** plainOpt: plain() for optional values. */
export function plainOpt(s: string | undefined): string | undefined {
  return s ? plain(s) || undefined : undefined;
}

/** opt: `{ key: value }`, or `{}` when value is undefined (exactOptional-friendly spreads). */
export function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** mediaDescription: Media RSS description of an item (direct, in media:group or media:content). */
export function mediaDescription(item: El): El | undefined {
  return child(item, 'media:description') ?? child(child(item, 'media:group'), 'media:description') ?? child(child(item, 'media:content'), 'media:description');
}
