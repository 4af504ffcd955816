// Subscribing (issue 3 §5): feed://, feed:https://, a feed address, or a web page whose feeds we
// discover (declared alternates first, then the usual paths).
import type { ParsedFeed, Settings } from './model';
import { decodeBody } from './encoding';
import { fetchFeed, FetchError, type FetchOptions } from './fetcher';
import { hash } from './identity';
import { parseFeed, ParseError } from './parser';
import { discoverFeeds, USUAL_FEED_PATHS, type FeedCandidate } from './discovery';

/** What the fetch of a freshly subscribed feed told us (to seed its health and validators). */
export interface FetchedMeta {
  finalUrl: string;
  status: number;
  encoding: string;
  bodyHash: string;
  contentType?: string;
  etag?: string;
  lastModified?: string;
  permanentRedirect?: string;
}

export type Subscription =
  | { kind: 'feed'; url: string; parsed: ParsedFeed; fetched: FetchedMeta }
  | { kind: 'choose'; candidates: FeedCandidate[] };

/** SubscriptionError: the input leads to no feed; the message is a sentence for the user. */
export class SubscriptionError extends Error {
  override name = 'SubscriptionError';
}

/** normalizeFeedInput: user input → an http(s) URL (`feed:`, `feed://`, bare host names accepted); throws SubscriptionError. */
export function normalizeFeedInput(input: string): string {
  let s = input.trim();
  if (/^feed:\/\//i.test(s)) s = `http://${s.slice(7)}`;
  else if (/^feed:/i.test(s)) s = s.slice(5);
  if (!/^[a-z][a-z0-9+.-]*:/i.test(s)) s = `https://${s.replace(/^\/+/, '')}`;
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw new SubscriptionError(`subscription: not a web address: ${input.trim()}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new SubscriptionError(`subscription: only http and https addresses can be followed, not ${u.protocol}`);
  u.hash = '';
  return u.href;
}

/** resolveSubscription: input → one parsed feed to subscribe to, or the candidates a page offers. */
export async function resolveSubscription(input: string, settings: Settings): Promise<Subscription> {
  const url = normalizeFeedInput(input);
  const first = await tryFeed(url, settings);
  if (first.kind === 'feed') return first;
  const declared = discoverFeeds(first.html, first.finalUrl);
  if (declared.length > 1) return { kind: 'choose', candidates: declared };
  if (declared.length === 1) {
    const only = await tryFeed(declared[0]!.url, settings);
    if (only.kind === 'feed') return only;
    throw new SubscriptionError(`subscription: the page names a feed at ${declared[0]!.url}, but it is a web page too`);
  }
  for (const path of USUAL_FEED_PATHS) {
    const candidate = new URL(path, first.finalUrl).href;
    try {
      const found = await tryFeed(candidate, settings);
      if (found.kind === 'feed') return found;
    } catch {
      // A missing usual path is the normal case; keep probing.
    }
  }
  throw new SubscriptionError(`subscription: no feed found at ${url} (the page declares none and the usual addresses gave nothing)`);
}

type Attempt = { kind: 'feed'; url: string; parsed: ParsedFeed; fetched: FetchedMeta } | { kind: 'page'; html: string; finalUrl: string };

async function tryFeed(url: string, settings: Settings): Promise<Attempt> {
  const opts: FetchOptions = { connectTimeoutMs: settings.connectTimeoutMs, totalTimeoutMs: settings.totalTimeoutMs, maxBodyBytes: settings.maxBodyBytes };
  const res = await fetchFeed(url, opts);
  if (res.kind !== 'ok') throw new FetchError(`fetcher: unexpected 304 for ${url}`, 304);
  const { text, encoding } = decodeBody(res.body, res.contentType);
  try {
    const parsed = parseFeed(text, res.finalUrl);
    const fetched: FetchedMeta = {
      finalUrl: res.finalUrl,
      status: res.status,
      encoding,
      bodyHash: hash(res.body),
      ...(res.contentType && { contentType: res.contentType }),
      ...(res.etag && { etag: res.etag }),
      ...(res.lastModified && { lastModified: res.lastModified }),
      ...(res.permanentRedirect && { permanentRedirect: res.permanentRedirect }),
    };
    return { kind: 'feed', url: res.permanentRedirect ?? url, parsed, fetched };
  } catch (e) {
    if (e instanceof ParseError && e.webPage) return { kind: 'page', html: text, finalUrl: res.finalUrl };
    throw e;
  }
}
