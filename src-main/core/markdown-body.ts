// Article bodies for the Markdown export: sanitized HTML → Markdown by turndown, with Liquid
// neutralized for Jekyll and only http(s) (and mailto) link targets kept.
import { createRequire } from 'node:module';
import TurndownService from 'turndown';
import { LOCAL_SRC, originalImages } from './media';
import { parseSimpleHtml, type MdElement } from './markdown-dom';

const turndown = new TurndownService({ headingStyle: 'atx', codeBlockStyle: 'fenced', bulletListMarker: '-', emDelimiter: '_' });
turndown.remove(['script', 'style', 'noscript', 'template']);
// turndown's own escape runs thirteen regexes over every text node, the largest cost of an export;
// this does the same escapes (Markdown syntax characters anywhere, block markers at the start) in
// one pass plus a rare second one.
// `<` is escaped too: text that reads `<script>` must stay text when Jekyll renders the Markdown.
turndown.escape = (text: string): string => {
  const s = text.replace(/[\\*`[\]_<]/g, '\\$&');
  if (!/^(?:[-+=#>~]|\d+\. )/.test(s)) return s;
  return s
    .replace(/^-/, '\\-')
    .replace(/^\+ /, '\\+ ')
    .replace(/^(=+)/, '\\$1')
    .replace(/^(#{1,6}) /, '\\$1 ')
    .replace(/^~~~/, '\\~~~')
    .replace(/^>/, '\\>')
    .replace(/^(\d+)\. /, '$1\\. ');
};
// Defense in depth behind the sanitizer: a published page must never link to javascript:, data:
// or file: URLs, so such links keep only their text and such images only their description.
turndown.addRule('unsafeLink', {
  filter: (node) => node.nodeName === 'A' && !!node.getAttribute('href') && !isSafeHref(node.getAttribute('href')!),
  replacement: (content) => content,
});
turndown.addRule('unsafeImage', {
  filter: (node) => node.nodeName === 'IMG' && !isHttpUrl(node.getAttribute('src') ?? ''),
  replacement: (_content, node) => turndown.escape((node as HTMLElement).getAttribute('alt') ?? ''),
});
// Allowed video iframes would vanish silently; keep them as a link to the player.
turndown.addRule('iframe', {
  filter: 'iframe',
  replacement: (_content, node) => {
    const src = (node as HTMLElement).getAttribute('src') ?? '';
    return isHttpUrl(src) ? `\n\n[Embedded media](${linkTarget(src)})\n\n` : '';
  },
});

/** isHttpUrl: whether a string is an absolute http(s) URL (the only kind an export may link to). */
export function isHttpUrl(s: string | undefined): s is string {
  if (!s) return false;
  try {
    const u = new URL(s.trim());
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

function isSafeHref(href: string): boolean {
  const trimmed = href.trim();
  return /^mailto:[^\s:]+@/i.test(trimmed) || isHttpUrl(trimmed);
}

// Spaces and parentheses would end a Markdown link target early.
const LINK_ESCAPES: Record<string, string> = { ' ': '%20', '(': '%28', ')': '%29', '<': '%3C', '>': '%3E' };
/** linkTarget: an http(s) URL as a Markdown link target (spaces and parentheses percent-encoded). */
export function linkTarget(url: string): string {
  return new URL(url.trim()).href.replace(/[ ()<>]/g, (c) => LINK_ESCAPES[c] ?? c);
}

/** escapeLiquid: Markdown with Liquid-looking text (`{{`, `{%`) wrapped in a raw block so Jekyll prints it instead of running it. */
export function escapeLiquid(md: string): string {
  if (!/\{[{%]/.test(md)) return md;
  // Only `{% endraw %}` can end a raw block early: break it with an entity, which Markdown renders as `{`.
  const safe = md.replace(/\{%(-?\s*endraw)/g, '&#123;%$1');
  return `{% raw %}\n${safe}\n{% endraw %}`;
}

/** htmlToMarkdown: sanitized HTML → Markdown (paragraphs, headings, links, lists, images; entities decoded); `html5` forces the full HTML5 parser, the reference the fast tree is checked against. */
export function htmlToMarkdown(html: string, opts: { html5?: boolean } = {}): string {
  if (!html.trim()) return '';
  const fast = opts.html5 ? undefined : parseSimpleHtml(html);
  if (fast && html.includes('data-original-src')) imagesToOriginals(fast);
  // Images cached for offline reading point at /media/…, which means nothing in a Jekyll site.
  const body = fast ? '' : originalImages(html);
  // turndown's types know only the DOM's HTMLElement; it reads no more of it than MdElement has.
  const input = (fast as unknown as HTMLElement | undefined) ?? (fragmentParser ? fragmentParser(body) : body);
  return turndown.turndown(input).replace(/\n{3,}/g, '\n\n').trim();
}

// media.ts's rule for a cached image, applied to the fast tree: originalImages would parse the
// article once more with jsdom, ten times the cost of the whole conversion. Only an <img>'s src
// reaches the Markdown; <source> srcsets do not.
function imagesToOriginals(root: MdElement): void {
  for (const img of root.getElementsByTagName('IMG')) {
    const original = img.getAttribute('data-original-src') ?? '';
    if (LOCAL_SRC.test(img.getAttribute('src')?.trim() ?? '') && /^https?:/i.test(original)) img.setAttribute('src', original);
  }
}

// turndown parses a string as a whole new document (domino, its own dependency); parsing into a
// <div> of one reused document instead costs about a third less per item and gives the same
// Markdown (checked on every sanitized article of the corpus). domino is reached through
// turndown's own dependency, so it is always the copy turndown uses; without it, strings it is.
interface DominoLike {
  createDocument(html: string): { createElement(tag: string): HTMLElement };
}
const fragmentParser = ((): ((html: string) => HTMLElement) | undefined => {
  try {
    const fromTurndown = createRequire(createRequire(import.meta.url).resolve('turndown'));
    const doc = (fromTurndown('@mixmark-io/domino') as DominoLike).createDocument('');
    return (html) => {
      const div = doc.createElement('div');
      div.innerHTML = html;
      return div;
    };
  } catch {
    return undefined;
  }
})();
