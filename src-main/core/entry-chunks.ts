// Where each entry of a feed document sits in its text, found by a scan of the markup and not by
// parsing it. A refresh of a feed that gained ten items must not pay for parsing the fifty it
// already had: parser.ts cuts the entries whose bytes it has seen before out of the document and
// parses what is left. Only plainly shaped documents are split — every entry a child of the same
// element (the RSS channel, the Atom feed, the RDF root), no DOCTYPE, tags balanced — anything
// else gets `undefined` and is parsed whole, as before.
import { createHash } from 'node:crypto';

/** EntrySplit: the entries of a document and the start tags that give them their context. */
export interface EntrySplit {
  /** The root element's start tag, as written (namespaces, xml:base). */
  rootTag: string;
  /** The start tag of the entries' parent (the root itself for Atom and RDF). */
  parentTag: string;
  /** Each entry element's [start, end) in the text, in document order. */
  chunks: [number, number][];
}

const NAME = /[^\s/>]+/y;

/** splitEntries: the item (RSS, RDF) or entry (Atom) elements of a feed document, or undefined when it is not plainly shaped. */
export function splitEntries(xml: string): EntrySplit | undefined {
  const stack: { name: string; start: number; end: number }[] = [];
  const chunks: [number, number][] = [];
  let entryName: string | undefined;
  let parent: { start: number; end: number } | undefined;
  let rootTag: string | undefined;
  let open = -1;
  let i = 0;
  for (;;) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) break;
    const c = xml.charCodeAt(lt + 1);
    if (c === 33) {
      // <! : CDATA and comments are skipped whole; a DOCTYPE or anything else ends the attempt.
      const close = xml.startsWith('<![CDATA[', lt) ? ']]>' : xml.startsWith('<!--', lt) ? '-->' : undefined;
      if (!close) return undefined;
      const e = xml.indexOf(close, lt + 4);
      if (e < 0) return undefined;
      i = e + 3;
      continue;
    }
    if (c === 63) {
      const e = xml.indexOf('?>', lt + 2);
      if (e < 0) return undefined;
      i = e + 2;
      continue;
    }
    if (c === 47) {
      NAME.lastIndex = lt + 2;
      const name = NAME.exec(xml)?.[0];
      const gt = xml.indexOf('>', lt + 2);
      if (!name || gt < 0 || stack.pop()?.name !== name) return undefined;
      // The open entry ends when the stack is back at its parent (a nested same-named element does not end it).
      if (open >= 0 && name === entryName && stack[stack.length - 1]?.start === parent?.start) {
        chunks.push([open, gt + 1]);
        open = -1;
      }
      i = gt + 1;
      continue;
    }
    NAME.lastIndex = lt + 1;
    const name = NAME.exec(xml)?.[0];
    if (!name) return undefined;
    const gt = tagEnd(xml, lt + 1 + name.length);
    if (gt < 0) return undefined;
    const selfClosing = xml.charCodeAt(gt - 1) === 47;
    if (!stack.length) {
      // A second root is trailing garbage: the lenient parse deals with it.
      if (rootTag !== undefined) return undefined;
      rootTag = xml.slice(lt, gt + 1);
      entryName = name === 'feed' ? 'entry' : name === 'rss' || name === 'rdf:RDF' ? 'item' : undefined;
      if (!entryName) return undefined;
    }
    if (open < 0 && name === entryName) {
      const at = stack[stack.length - 1];
      if (!at) return undefined;
      // Entries under two different parents: the mapper would not keep document order.
      if (parent && parent.start !== at.start) return undefined;
      parent = at;
      if (selfClosing) chunks.push([lt, gt + 1]);
      else open = lt;
    }
    if (!selfClosing) stack.push({ name, start: lt, end: gt + 1 });
    i = gt + 1;
  }
  if (stack.length || open >= 0 || rootTag === undefined) return undefined;
  return { rootTag, parentTag: parent ? xml.slice(parent.start, parent.end) : rootTag, chunks };
}

/** Index of the `>` ending a start tag whose name ends at `from` (quoted attribute values may hold `>`), or -1. */
function tagEnd(xml: string, from: number): number {
  for (let i = from; i < xml.length; i++) {
    const c = xml.charCodeAt(i);
    if (c === 62) return i;
    if (c === 34 || c === 39) {
      const q = xml.indexOf(c === 34 ? '"' : "'", i + 1);
      if (q < 0) return -1;
      i = q;
    } else if (c === 60) return -1;
  }
  return -1;
}

/** chunkHash: the fingerprint of one entry's text (a short digest: only compared within one feed). */
export function chunkHash(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}
