// A hostile feed can nest tens of thousands of elements: a browser DOM (jsdom, under DOMPurify and
// Readability) then takes seconds per item or overflows its stack, and htmlparser2's own tree
// building slows down quadratically. Before such markup reaches a DOM, the tags below a sane depth
// are dropped (their text stays) in one linear scan. The result still goes through the sanitizer:
// this pass only bounds cost and decides nothing about safety.

/** MAX_DEPTH: far deeper than any real article (those stay under about 30 levels). */
export const MAX_DEPTH = 128;

const VOID = new Set('area base br col embed hr img input keygen link meta param source track wbr'.split(' '));
const RAW_TEXT = new Set('script style textarea title xmp iframe noembed noframes noscript plaintext'.split(' '));
// What the HTML parser closes when an element opens, so the tree it builds is flat there: steps in
// order, each closing the innermost open element of `names` unless a `scope` element is nearer.
interface Step {
  names: string[];
  scope: string[];
}
const CLOSED_BY: Record<string, Step[]> = {};
const BUTTON_SCOPE = 'button table td th caption marquee object applet html template'.split(' ');
const TABLE_SCOPE = ['table', 'html', 'template'];
const CLOSE_P: Step = { names: ['p'], scope: BUTTON_SCOPE };
const BLOCKS = 'address article aside blockquote center details dialog dir div dl fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr main menu nav ol p pre section summary table ul'.split(' ');
for (const b of BLOCKS) CLOSED_BY[b] = [CLOSE_P];
CLOSED_BY.li = [CLOSE_P, { names: ['li'], scope: [...BUTTON_SCOPE, 'ul', 'ol'] }];
for (const t of ['dd', 'dt']) CLOSED_BY[t] = [CLOSE_P, { names: ['dd', 'dt'], scope: [...BUTTON_SCOPE, 'dl'] }];
for (const t of ['td', 'th']) CLOSED_BY[t] = [{ names: ['td', 'th'], scope: ['tr', ...TABLE_SCOPE] }];
CLOSED_BY.tr = [{ names: ['tr'], scope: TABLE_SCOPE }];
for (const t of ['tbody', 'thead', 'tfoot']) CLOSED_BY[t] = [{ names: ['tbody', 'thead', 'tfoot'], scope: TABLE_SCOPE }, { names: ['tr'], scope: TABLE_SCOPE }];
CLOSED_BY.option = [{ names: ['option'], scope: ['select', 'html'] }];
CLOSED_BY.optgroup = [CLOSED_BY.option[0]!, { names: ['optgroup'], scope: ['select', 'html'] }];
for (const t of ['a', 'button', 'nobr']) CLOSED_BY[t] = [{ names: [t], scope: ['table', 'td', 'th', 'html', 'template'] }];
for (const t of ['rb', 'rt', 'rp', 'rtc']) CLOSED_BY[t] = [{ names: ['rb', 'rt', 'rp'], scope: ['ruby', 'html'] }];

/** The open elements, with where each name sits, so that finding one is not a walk down the stack. */
class OpenElements {
  private readonly names: string[] = [];
  readonly dropped: boolean[] = [];
  private readonly at = new Map<string, number[]>();

  get depth(): number {
    return this.names.length;
  }

  push(name: string, dropped: boolean): void {
    let list = this.at.get(name);
    if (!list) this.at.set(name, (list = []));
    list.push(this.names.length);
    this.names.push(name);
    this.dropped.push(dropped);
  }

  /** last: the index of the innermost open element of that name, or -1. */
  last(name: string): number {
    const list = this.at.get(name);
    return list?.length ? list[list.length - 1]! : -1;
  }

  /** popTo: close elements down to (and including) index i; whether the one at i was dropped. */
  popTo(i: number): boolean {
    let dropped = false;
    while (this.names.length > i) {
      const name = this.names.pop()!;
      dropped = this.dropped.pop()!;
      this.at.get(name)!.pop();
    }
    return dropped;
  }
}

/** capNesting: the markup with every tag nested deeper than `max` removed (text kept); unchanged when nothing is that deep. */
export function capNesting(html: string, max = MAX_DEPTH): string {
  // Fewer tags than the limit cannot nest beyond it: the common case costs one scan for '<'.
  if (!mayExceed(html, max)) return html;
  const open = new OpenElements();
  const drop: [number, number][] = [];
  const n = html.length;
  let i = html.indexOf('<');
  while (i !== -1 && i < n) {
    const next = html.charCodeAt(i + 1);
    if (html.startsWith('<!--', i)) {
      const end = html.indexOf('-->', i + 4);
      i = end === -1 ? n : html.indexOf('<', end + 3);
      continue;
    }
    if (next === 33 /* ! */ || next === 63 /* ? */) {
      const end = html.indexOf('>', i + 2);
      i = end === -1 ? n : html.indexOf('<', end + 1);
      continue;
    }
    const closing = next === 47; /* / */
    const nameStart = closing ? i + 2 : i + 1;
    if (!isLetter(html.charCodeAt(nameStart))) {
      i = html.indexOf('<', i + 1);
      continue;
    }
    let nameEnd = nameStart;
    while (nameEnd < n && !isNameEnd(html.charCodeAt(nameEnd))) nameEnd++;
    const name = html.slice(nameStart, nameEnd).toLowerCase();
    const end = tagEnd(html, nameEnd);
    if (closing) {
      const at = open.last(name);
      if (at !== -1 && open.popTo(at)) drop.push([i, end]);
    } else {
      for (const step of CLOSED_BY[name] ?? []) closeImplied(open, step);
      if (!VOID.has(name)) {
        const deep = open.depth >= max;
        open.push(name, deep);
        if (deep) drop.push([i, end]);
      } else if (open.depth >= max) drop.push([i, end]);
      if (RAW_TEXT.has(name)) {
        // Its text is not markup: skip to its end tag, which the next turn reads as a closing tag.
        const close = indexOfCI(html, `</${name}`, end + 1);
        i = close === -1 ? n : close;
        continue;
      }
    }
    i = html.indexOf('<', end + 1);
  }
  if (!drop.length) return html;
  let out = '';
  let at = 0;
  for (const [from, to] of drop) {
    out += html.slice(at, from);
    at = to + 1;
  }
  return out + html.slice(at);
}

function closeImplied(open: OpenElements, rule: Step): void {
  let target = -1;
  for (const c of rule.names) target = Math.max(target, open.last(c));
  if (target === -1) return;
  for (const s of rule.scope) if (open.last(s) > target) return;
  open.popTo(target);
}

/** The index of the '>' ending a tag whose name ends at `from` (quoted attribute values may hold '>'). */
function tagEnd(html: string, from: number): number {
  for (let j = from; j < html.length; j++) {
    const c = html.charCodeAt(j);
    if (c === 62 /* > */) return j;
    if (c === 61 /* = */) {
      let k = j + 1;
      while (k < html.length && isSpace(html.charCodeAt(k))) k++;
      const q = html.charCodeAt(k);
      if (q === 34 || q === 39) {
        const close = html.indexOf(q === 34 ? '"' : "'", k + 1);
        if (close === -1) return html.length - 1;
        j = close;
      }
    }
  }
  return html.length - 1;
}

function indexOfCI(html: string, needle: string, from: number): number {
  const re = new RegExp(needle.replace('/', '\\/'), 'ig');
  re.lastIndex = from;
  return re.exec(html)?.index ?? -1;
}

function mayExceed(html: string, max: number): boolean {
  let tags = 0;
  for (let i = html.indexOf('<'); i !== -1; i = html.indexOf('<', i + 1)) if (++tags > max) return true;
  return false;
}

const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 12 || c === 13;
const isNameEnd = (c: number) => isSpace(c) || c === 47 || c === 62;
