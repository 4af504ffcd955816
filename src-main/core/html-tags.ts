// Finding and rewriting a few tags (images and their sources) in HTML the sanitizer produced, with
// htmlparser2 in one pass instead of a DOM: a jsdom parse and serialization costs milliseconds per
// article, and a refresh with offline copies on did one per article (most of its time and memory).
// Only the tags asked for are rebuilt; every other byte of the article is kept as it was.
import { Parser } from 'htmlparser2';

/** TagSpan: one open tag in the source, with its attributes (decoded) to read or change. */
export interface TagSpan {
  name: string;
  /** The enclosing element's name (`picture` for a `<source>` of a picture). */
  parent: string | undefined;
  attrs: Map<string, string>;
  start: number;
  end: number;
  selfClosing: boolean;
}

/** findTags: the open tags of the given (lower-case) names, in document order. */
export function findTags(html: string, names: ReadonlySet<string>): TagSpan[] {
  const out: TagSpan[] = [];
  const stack: string[] = [];
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (names.has(name)) {
          out.push({
            name, parent: stack[stack.length - 1], attrs: new Map(Object.entries(attribs)),
            start: parser.startIndex, end: parser.endIndex, selfClosing: html.charCodeAt(parser.endIndex - 1) === 47,
          });
        }
        stack.push(name);
      },
      onclosetag() {
        stack.pop();
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: false },
  );
  parser.end(html);
  return out;
}

/** replaceTags: the html with each given tag rebuilt from its (changed) attributes. */
export function replaceTags(html: string, changed: readonly TagSpan[]): string {
  if (!changed.length) return html;
  let out = '';
  let at = 0;
  for (const t of [...changed].sort((a, b) => a.start - b.start)) {
    let tag = `<${t.name}`;
    for (const [k, v] of t.attrs) tag += ` ${k}="${escapeAttr(v)}"`;
    out += html.slice(at, t.start) + tag + (t.selfClosing ? ' />' : '>');
    at = t.end + 1;
  }
  return out + html.slice(at);
}

function escapeAttr(v: string): string {
  return v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/\u00a0/g, '&nbsp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
