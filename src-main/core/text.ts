// HTML → plain text for summaries, titles and the export. Regex-based on purpose: it runs for
// every item of every refresh, and a DOM per item is what makes readers slow.
import { decodeHTML } from 'entities';

const DROP = /<(script|style|template|noscript|head|iframe|object|svg)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const MAYBE_DROP = /<(script|style|template|noscript|head|iframe|object|svg)\b/i;
const COMMENTS = /<!--[\s\S]*?-->/g;
const CDATA = /<!\[CDATA\[([\s\S]*?)\]\]>/g;
const TAGS = /<\/?[A-Za-z][^>]*>/g;

/** htmlToText: HTML fragment → plain text (entities decoded, whitespace collapsed), cut at maxLength on a word boundary. */
export function htmlToText(html: string, maxLength?: number): string {
  if (!html) return '';
  let s = html;
  if (s.includes('<')) {
    if (s.includes('<!--')) s = s.replace(COMMENTS, ' ');
    if (s.includes('<![')) s = s.replace(CDATA, '$1');
    // The backreferencing regex is costly; most bodies have none of these elements.
    if (MAYBE_DROP.test(s)) s = s.replace(DROP, ' ');
    s = s.replace(TAGS, ' ');
  }
  if (s.includes('&')) s = decodeHTML(s);
  s = collapseText(s);
  return maxLength !== undefined ? truncate(s, maxLength) : s;
}

/** collapseText: runs of whitespace (no-break and zero-width spaces included) → one space, trimmed. */
export function collapseText(s: string): string {
  // Same as replacing every run of [\s\u200b] by one space, without touching the single spaces
  // that are most of them (one replacement per word made this a tenth of a refresh's text work).
  return s.replace(RUNS, ' ').trim();
}
const RUNS = /[\s\u200b]{2,}|[^\S ]|\u200b/g;

/** truncate: cut text to at most max characters on a word boundary, adding an ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, Math.max(0, max - 1));
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** looksLikeHtml: whether a string carries markup or entities worth decoding. */
export function looksLikeHtml(s: string): boolean {
  return /<\/?[A-Za-z][^>]*>|&(#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);/i.test(s);
}
