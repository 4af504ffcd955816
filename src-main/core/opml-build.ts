// OPML out (issue 6): OPML 2.0 with one nested outline per folder level, so that
// parseOpml(buildOpml(feeds)) gives back the same URLs, titles and folders.

export interface OpmlFeed {
  url: string;
  title?: string;
  /** Folder path, `''` for none, levels joined by `/`. */
  folder: string;
  siteUrl?: string;
}

interface Folder {
  name: string;
  feeds: OpmlFeed[];
  children: Map<string, Folder>;
}

// XML 1.0 forbids most control characters even as references; drop them rather than write a broken file.
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** escapeAttr: a string as a double-quoted XML attribute value (whitespace kept as references so it survives attribute normalization). */
export function escapeAttr(s: string): string {
  return s
    .replace(INVALID_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

function tree(feeds: readonly OpmlFeed[]): Folder {
  const top: Folder = { name: '', feeds: [], children: new Map() };
  for (const f of feeds) {
    let node = top;
    for (const part of f.folder.split('/').map((p) => p.trim()).filter(Boolean)) {
      let next = node.children.get(part);
      if (!next) node.children.set(part, (next = { name: part, feeds: [], children: new Map() }));
      node = next;
    }
    node.feeds.push(f);
  }
  return top;
}

function feedLine(f: OpmlFeed, indent: string): string {
  const title = escapeAttr(f.title ?? '');
  const site = f.siteUrl ? ` htmlUrl="${escapeAttr(f.siteUrl)}"` : '';
  return `${indent}<outline type="rss" text="${title}" title="${title}" xmlUrl="${escapeAttr(f.url)}"${site}/>`;
}

function folderLines(node: Folder, depth: number, out: string[]): void {
  const indent = '  '.repeat(depth);
  for (const f of node.feeds) out.push(feedLine(f, indent));
  for (const child of node.children.values()) {
    const name = escapeAttr(child.name);
    out.push(`${indent}<outline text="${name}" title="${name}">`);
    folderLines(child, depth + 1, out);
    out.push(`${indent}</outline>`);
  }
}

/** buildOpml: feeds → an OPML 2.0 document (UTF-8), folders as nested outlines. */
export function buildOpml(feeds: readonly OpmlFeed[], title = 'Tidings subscriptions'): string {
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<opml version="2.0">',
    '  <head>',
    `    <title>${escapeAttr(title)}</title>`,
    '  </head>',
    '  <body>',
  ];
  folderLines(tree(feeds), 2, out);
  out.push('  </body>', '</opml>', '');
  return out.join('\n');
}
