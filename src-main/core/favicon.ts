// Feed icons kept offline (issue 5): the feed's declared icon, else the site's /favicon.ico, is
// downloaded into the media cache with the same guards as article images, and checked again
// at most once a week.
import { stat } from 'node:fs/promises';
import type { Feed } from './model';
import type { Store } from '../storage/types';
import type { ReaderEvent } from '../ipc/contract';
import { cachedSources, cacheImages, mediaFileFor, mediaSession } from './media';

/** How often a feed's icon is looked for again (found or not). */
export const ICON_RECHECK_MS = 7 * 24 * 60 * 60 * 1000;
const MAX_ICON_BYTES = 512 * 1024;
const ICON_TIMEOUT_MS = 10_000;

export interface FaviconOptions {
  /** The media folder (<dataDir>/media). */
  dir: string;
  /** The site's home page when the feed has none stored yet (the parsed feed's link). */
  siteUrl?: string;
  maxBytes?: number;
  timeoutMs?: number;
  /** Why each candidate failed, for tests and logs. */
  errors?: string[];
}

/** iconCandidates: the URLs to try for a feed's icon, best first: the declared icon, then /favicon.ico of the site and of the feed's own host. */
export function iconCandidates(feed: Pick<Feed, 'url' | 'siteUrl'>, parsedIcon: string | undefined, siteUrl = feed.siteUrl): string[] {
  const out: string[] = [];
  const add = (raw: string | undefined, base?: string) => {
    if (!raw) return;
    try {
      const u = new URL(raw, base);
      if ((u.protocol === 'http:' || u.protocol === 'https:') && !out.includes(u.href)) out.push(u.href);
    } catch {
      // A malformed address is simply not a candidate.
    }
  };
  add(parsedIcon, feed.url);
  for (const page of [siteUrl, feed.url]) {
    try {
      if (page) add('/favicon.ico', new URL(page).origin);
    } catch {
      // As above.
    }
  }
  return out;
}

/** iconDue: whether a feed's icon should be looked for now (never checked, checked over a week ago, or the check date is unreadable). */
export function iconDue(feed: Pick<Feed, 'iconCheckedAt'>, now: Date): boolean {
  const at = feed.iconCheckedAt ? Date.parse(feed.iconCheckedAt) : NaN;
  return !Number.isFinite(at) || now.getTime() - at >= ICON_RECHECK_MS;
}

/** cacheFavicon: download the first candidate icon that is a real image under the size cap into the media cache and return its `/media/…` path; undefined when none works; never throws. */
export async function cacheFavicon(feed: Feed, parsedIcon: string | undefined, opts: FaviconOptions): Promise<string | undefined> {
  // One download at a time, each candidate only after the one before failed.
  const session = mediaSession({ maxImageBytes: opts.maxBytes ?? MAX_ICON_BYTES, timeoutMs: opts.timeoutMs ?? ICON_TIMEOUT_MS, perHost: 1, maxConcurrent: 1, maxImages: 4, rememberFailures: false });
  for (const url of iconCandidates(feed, parsedIcon, opts.siteUrl ?? feed.siteUrl)) {
    try {
      // cacheImages carries the guards (http(s) only, private hosts only on the feed's origin, cap, timeout, sniffing).
      const errors: string[] = [];
      const r = await cacheImages(`<img src="${attrEscape(url)}">`, { dir: opts.dir, baseUrl: feed.url, session, errors });
      const local = r.stored ? [...cachedSources(r.html).values()][0] : undefined;
      if (local) return local;
      opts.errors?.push(errors[0] ?? `favicon: nothing stored for ${url}`);
    } catch (e) {
      opts.errors?.push(`favicon: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return undefined;
}

export interface IconContext {
  store: Store;
  emit?: (e: ReaderEvent) => void;
  now?: () => Date;
}

const checking = new WeakMap<Store, Set<string>>();
const running = new WeakMap<Store, Set<Promise<void>>>();

/** iconsSettled: resolves when every icon check started for this store has ended (a closing CLI waits for them). */
export async function iconsSettled(store: Store): Promise<void> {
  const set = running.get(store);
  while (set?.size) await Promise.all(set);
}

/** refreshFavicon: when due (or the cached file is gone), look for the feed's icon and save it and the check time to the library; never throws. */
export function refreshFavicon(ctx: IconContext, feed: Feed, parsedIcon: string | undefined, siteUrl?: string): Promise<void> {
  const set = running.get(ctx.store) ?? new Set<Promise<void>>();
  running.set(ctx.store, set);
  const p = checkIcon(ctx, feed, parsedIcon, siteUrl).finally(() => set.delete(p));
  set.add(p);
  return p;
}

async function checkIcon(ctx: IconContext, feed: Feed, parsedIcon: string | undefined, siteUrl?: string): Promise<void> {
  const busy = checking.get(ctx.store) ?? new Set<string>();
  checking.set(ctx.store, busy);
  if (busy.has(feed.id)) return;
  busy.add(feed.id);
  try {
    const now = ctx.now?.() ?? new Date();
    const mediaDir = `${ctx.store.dir}/media`;
    if (!iconDue(feed, now) && (await iconPresent(mediaDir, feed.icon))) return;
    const icon = await cacheFavicon(feed, parsedIcon, { dir: mediaDir, ...(siteUrl && { siteUrl }) });
    let changed = false;
    await ctx.store.updateLibrary((lib) => {
      const f = lib.feeds.find((x) => x.id === feed.id);
      // A feed removed meanwhile stays removed; a failed re-check keeps the icon found before.
      if (!f) return;
      f.iconCheckedAt = now.toISOString();
      if (icon && f.icon !== icon) {
        f.icon = icon;
        changed = true;
      }
    });
    if (changed) ctx.emit?.({ type: 'feeds-changed' });
  } catch {
    // An icon is decoration: a failure (even the library write) must never reach the refresh.
  } finally {
    busy.delete(feed.id);
  }
}

/** True when there is no icon to lose, or its cached file is still on disk. */
async function iconPresent(mediaDir: string, icon: string | undefined): Promise<boolean> {
  if (!icon) return true;
  const file = mediaFileFor(mediaDir, icon);
  return !!file && (await stat(file).then((s) => s.isFile(), () => false));
}

function attrEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
