// A small DOM for turndown, built by htmlparser2's tokenizer. Turndown reads a handful of node
// properties; a spec HTML parser (domino) builds far more than that and is most of an export's
// time. The two trees agree only for markup whose HTML5 tree needs none of the parser's repairs
// (implied end tags, tables, foreign content, raw text, misnesting), so anything else is refused
// and the caller falls back to the HTML5 parser. Sanitized bodies are serialized DOMs: nearly all
// of them qualify.
import { Parser } from 'htmlparser2';

/** MdText: a text node as turndown reads it. */
export class MdText {
  readonly nodeType = 3;
  readonly nodeName = '#text';
  parentNode: MdElement | null = null;
  previousSibling: MdNode | null = null;
  nextSibling: MdNode | null = null;
  constructor(public data: string) {}
  get nodeValue(): string {
    return this.data;
  }
  get textContent(): string {
    return this.data;
  }
  cloneNode(): MdText {
    return new MdText(this.data);
  }
}

/** MdElement: an element as turndown reads it (tag names upper-case, like HTML elements in a DOM). */
export class MdElement {
  readonly nodeType = 1;
  readonly nodeValue = null;
  parentNode: MdElement | null = null;
  previousSibling: MdNode | null = null;
  nextSibling: MdNode | null = null;
  readonly childNodes: MdNode[] = [];
  constructor(
    readonly nodeName: string,
    private readonly attrs: Record<string, string>,
  ) {}
  get firstChild(): MdNode | null {
    return this.childNodes[0] ?? null;
  }
  get lastChild(): MdNode | null {
    return this.childNodes[this.childNodes.length - 1] ?? null;
  }
  get children(): MdElement[] {
    const out: MdElement[] = [];
    for (const n of this.childNodes) if (n.nodeType === 1) out.push(n);
    return out;
  }
  get lastElementChild(): MdElement | null {
    for (let i = this.childNodes.length - 1; i >= 0; i--) {
      const n = this.childNodes[i]!;
      if (n.nodeType === 1) return n;
    }
    return null;
  }
  get textContent(): string {
    let s = '';
    for (const n of this.childNodes) s += n.textContent;
    return s;
  }
  getAttribute(name: string): string | null {
    return Object.hasOwn(this.attrs, name) ? this.attrs[name]! : null;
  }
  hasAttribute(name: string): boolean {
    return Object.hasOwn(this.attrs, name);
  }
  setAttribute(name: string, value: string): void {
    this.attrs[name] = value;
  }
  getElementsByTagName(tag: string, out: MdElement[] = []): MdElement[] {
    const name = tag.toUpperCase();
    for (const n of this.childNodes) {
      if (n.nodeType !== 1) continue;
      if (n.nodeName === name) out.push(n);
      n.getElementsByTagName(name, out);
    }
    return out;
  }
  appendChild(node: MdNode): MdNode {
    const last = this.lastChild;
    node.parentNode = this;
    node.previousSibling = last;
    node.nextSibling = null;
    if (last) last.nextSibling = node;
    this.childNodes.push(node);
    return node;
  }
  removeChild(node: MdNode): MdNode {
    const at = this.childNodes.indexOf(node);
    if (at < 0) throw new Error('markdown-dom: not a child');
    this.childNodes.splice(at, 1);
    if (node.previousSibling) node.previousSibling.nextSibling = node.nextSibling;
    if (node.nextSibling) node.nextSibling.previousSibling = node.previousSibling;
    node.parentNode = node.previousSibling = node.nextSibling = null;
    return node;
  }
  cloneNode(deep = false): MdElement {
    const copy = new MdElement(this.nodeName, { ...this.attrs });
    if (deep) for (const n of this.childNodes) copy.appendChild(n.cloneNode(true));
    return copy;
  }
}

export type MdNode = MdText | MdElement;

// Elements whose HTML5 parsing is plain "insert, and pop at the matching end tag" in the body
// (with the checks in onopentag): the sanitizer's allow-list minus tables, ruby and iframes.
const PLAIN = new Set(
  ('a abbr address article aside audio b bdi bdo blockquote br center cite code dd del details dfn div dl dt em ' +
    'figcaption figure footer h1 h2 h3 h4 h5 h6 header hr i img ins kbd li mark ol p picture pre q s samp ' +
    'section small source span strike strong sub summary sup time track tt u ul var video wbr').split(' '),
);
const VOID = new Set(['br', 'hr', 'img', 'source', 'track', 'wbr']);
// Start tags that close an open <p> (HTML5 "close a p element" in body).
const CLOSES_P = new Set(
  ('address article aside blockquote center details dir div dl fieldset figcaption figure footer header hgroup ' +
    'main menu nav ol p search section summary ul h1 h2 h3 h4 h5 h6 pre listing form li dd dt plaintext table hr xmp').split(' '),
);
const HEADING = /^h[1-6]$/;

class Refused extends Error {}
const refuse = (): never => {
  throw new Refused();
};

let root = new MdElement('DIV', {});
let stack: MdElement[] = [];
let textOpen = false; // whether the next text joins the last text node (no comment in between)
let dropNewline = false; // HTML5 drops a newline right after <pre>
let endTags = 0;

function isOpen(nodeName: string): boolean {
  for (const el of stack) if (el.nodeName === nodeName) return true;
  return false;
}

const parser = new Parser(
  {
    onopentag(name, attribs, isImplied) {
      const current = stack[stack.length - 1]!;
      const cur = current.nodeName.toLowerCase();
      if (isImplied || !PLAIN.has(name)) refuse();
      if (CLOSES_P.has(name) && isOpen('P')) refuse();
      if (HEADING.test(name) && HEADING.test(cur)) refuse();
      if (name === 'li' && cur !== 'ul' && cur !== 'ol') refuse();
      if ((name === 'dd' || name === 'dt') && cur !== 'dl') refuse();
      if (name === 'a' && isOpen('A')) refuse();
      const el = new MdElement(name.toUpperCase(), attribs);
      current.appendChild(el);
      textOpen = false;
      dropNewline = name === 'pre';
      if (!VOID.has(name)) stack.push(el);
    },
    onclosetag(name, isImplied) {
      if (VOID.has(name)) {
        if (!isImplied) refuse(); // `</br>` and the like
        return;
      }
      if (isImplied || stack.length < 2 || stack[stack.length - 1]!.nodeName !== name.toUpperCase()) refuse();
      stack.pop();
      endTags++;
      textOpen = false;
      dropNewline = false;
    },
    ontext(text) {
      let data = text;
      if (dropNewline) {
        dropNewline = false;
        if (data.startsWith('\n')) data = data.slice(1);
        if (!data) return;
      }
      const parent = stack[stack.length - 1]!;
      const last = parent.lastChild;
      if (textOpen && last?.nodeType === 3) last.data += data;
      else parent.appendChild(new MdText(data));
      textOpen = true;
    },
    oncomment() {
      textOpen = false;
      dropNewline = false;
    },
    oncdatastart: refuse,
    onprocessinginstruction: refuse,
  },
  { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: false },
);

/** parseSimpleHtml: an HTML fragment as a turndown-ready tree inside a DIV, or undefined when only a full HTML5 parser builds its tree faithfully. */
export function parseSimpleHtml(html: string): MdElement | undefined {
  if (html.includes('\0') || (html.includes('<!') && !plainComments(html))) return undefined;
  // HTML5 turns CR LF and lone CR into LF before tokenizing; htmlparser2 does not.
  const input = html.includes('\r') ? html.replace(/\r\n?/g, '\n') : html;
  root = new MdElement('DIV', {});
  stack = [root];
  textOpen = false;
  dropNewline = false;
  endTags = 0;
  try {
    parser.parseComplete(input);
  } catch (err) {
    if (err instanceof Refused) return undefined;
    throw err;
  }
  // htmlparser2 ignores an end tag that matches no open element without a word; HTML5 does not
  // always (`<h1>…</h2>` closes the h1). Every `</` must have been a matched end tag.
  if (stack.length !== 1 || endTags !== countEndTags(input)) return undefined;
  return root;
}

// HTML5 ends `<!x>` and `<![CDATA[…]]>` at the first `>` and has its own endings for `<!-->`;
// htmlparser2 differs on each. Plain `<!-- … -->` comments are read alike.
function plainComments(html: string): boolean {
  for (let i = html.indexOf('<!'); i >= 0; i = html.indexOf('<!', i + 2)) {
    if (!html.startsWith('<!--', i) || html.startsWith('<!-->', i) || html.startsWith('<!--->', i)) return false;
  }
  return !html.includes('--!>');
}

function countEndTags(html: string): number {
  let n = 0;
  for (let i = html.indexOf('</'); i >= 0; i = html.indexOf('</', i + 2)) n++;
  return n;
}
