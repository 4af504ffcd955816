// Feed URLs from OPML files: what may be subscribed to (http and https only) and the one
// normal form used to merge duplicates.

export type UrlCheck = { ok: true; url: string } | { ok: false; reason: string };

/** checkFeedUrl: an OPML feed URL → its normal form, or why it is refused (anything but absolute http(s)). */
export function checkFeedUrl(raw: string): UrlCheck {
  // Wrapped attributes and pasted URLs carry stray whitespace and control characters; browsers drop them too.
  let s = raw.replace(/[\u0000-\u001f\u007f]+/g, '').trim();
  if (s === '') return { ok: false, reason: 'empty URL' };
  // feed://host/x, feed:https://host/x and the podcast apps' itpc:// and pcast:// are "subscribe"
  // links for plain http(s) feeds.
  const alias = /^(?:feed|itpc|pcast|podcast):(\/\/)?/i.exec(s);
  if (alias) {
    const rest = s.slice(alias[0].length);
    s = !alias[1] && /^https?:/i.test(rest) ? rest : `http://${rest}`;
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(s)?.[1]?.toLowerCase();
  if (!scheme) return { ok: false, reason: 'not an absolute URL (relative or a command)' };
  if (scheme !== 'http' && scheme !== 'https') return { ok: false, reason: `scheme ${scheme}: is not allowed (only http and https)` };
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return { ok: false, reason: 'malformed URL' };
  }
  if (!u.hostname) return { ok: false, reason: 'URL has no host' };
  return { ok: true, url: normalizeFeedUrl(u) };
}

/** normalizeFeedUrl: the form two URLs of one feed share — scheme and host lower-cased, default port and fragment dropped. */
export function normalizeFeedUrl(url: string | URL): string {
  const u = typeof url === 'string' ? new URL(url) : new URL(url.href);
  u.hash = '';
  return u.href;
}

/** sameFeedKey: the key duplicates are merged on (normal form, or the trimmed string when it does not parse). */
export function sameFeedKey(url: string): string {
  const checked = checkFeedUrl(url);
  return checked.ok ? checked.url : url.trim();
}
