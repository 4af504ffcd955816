// Google Reader's keys, as a pure mapping from key presses to commands.

export type Command =
  | 'next' | 'previous' | 'move-next' | 'move-previous' | 'open' | 'toggle-read' | 'toggle-star'
  | 'mark-all-read' | 'refresh' | 'search' | 'view-all' | 'view-unread' | 'view-starred' | 'help'
  | 'open-original';

export interface KeyPress {
  key: string;
  shiftKey?: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
}

/** KEY_HELP: the cheat sheet, in the order it is shown. */
export const KEY_HELP: [string, string][] = [
  ['j / k', 'Next / previous item, and open it'],
  ['n / p', 'Move to next / previous item without opening'],
  ['o / Enter', 'Open the selected item'],
  ['v', 'Open the original page'],
  ['m', 'Toggle read / unread'],
  ['s', 'Star / unstar'],
  ['Shift + A', 'Mark all as read'],
  ['r', 'Refresh all feeds'],
  ['/', 'Search'],
  ['g then a', 'Go to All items'],
  ['g then u', 'Go to Unread'],
  ['g then s', 'Go to Starred'],
  ['?', 'This cheat sheet'],
];

const SINGLE: Record<string, Command> = {
  j: 'next', k: 'previous', n: 'move-next', p: 'move-previous', o: 'open', Enter: 'open',
  m: 'toggle-read', s: 'toggle-star', A: 'mark-all-read', r: 'refresh', '/': 'search', '?': 'help',
  v: 'open-original',
};
const AFTER_G: Record<string, Command> = { a: 'view-all', u: 'view-unread', s: 'view-starred' };

/** commandFor: the command a key press means; `pendingG` is true right after a lone `g`. */
export function commandFor(e: KeyPress, pendingG: boolean): Command | 'g' | undefined {
  if (e.ctrlKey || e.metaKey || e.altKey) return undefined;
  if (pendingG) return AFTER_G[e.key];
  if (e.key === 'g') return 'g';
  // Shift+A only: a plain `a` does nothing, so a stray caps-lock cannot mark everything read.
  if (e.key === 'A' && !e.shiftKey) return undefined;
  return SINGLE[e.key];
}

/** isTyping: whether a key event target is a text field (where keys must type, not command). */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (target as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'file'].includes(type);
}
