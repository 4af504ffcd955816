// Offline images (issue 8): at refresh, the images an article references are downloaded into the
// data dir's content-addressed media cache and the article is rewritten to point at the copies,
// so with the network gone an article shows the same as online.
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import { mkdir, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { USER_AGENT } from './fetcher';
import { isPrivateHost } from './sanitizer';
import { mediaIndexFor, type UrlEntry } from './media-index';
import { findTags, replaceTags, type TagSpan } from './html-tags';

export type ImageExt = 'png' | 'jpg' | 'gif' | 'webp' | 'avif' | 'svg' | 'ico';

/** Limits of one refresh, shared by every article it caches images for. */
export interface MediaSession {
  maxImageBytes: number;
  maxTotalBytes: number;
  maxImages: number;
  perHost: number;
  /** Downloads in flight over all hosts. */
  maxConcurrent: number;
  timeoutMs: number;
  /** Whether a picture that failed for good is remembered and not asked for again for a week (favicons keep their own schedule). */
  rememberFailures: boolean;
  bytes: number;
  images: number;
  /** One download per URL per refresh: a logo in every item is fetched once. */
  byUrl: Map<string, Promise<string>>;
  hosts: Map<string, { active: number; queue: (() => void)[] }>;
  /** The last few failures, for the refresh's record. */
  errors: string[];
}

export interface MediaOptions {
  /** The media folder (<dataDir>/media). */
  dir: string;
  /** The feed's (or article's) URL: images on a private host are fetched only from this origin. */
  baseUrl?: string;
  session?: MediaSession;
  /** Where failures are recorded (default the session's list). */
  errors?: string[];
}

export interface CacheResult {
  html: string;
  stored: number;
  failed: number;
}

/** The public path of a cached image; the folder is the hash prefix, so app:// and HTTP map it the same way. */
export const LOCAL_SRC = /^\/media\/([0-9a-f]{2})\/([0-9a-f]{64})\.(png|jpg|gif|webp|avif|svg|ico)$/;
/** MEDIA_NAME: the only file names the media routes serve. */
export const MEDIA_NAME = /^([0-9a-f]{64})\.(png|jpe?g|gif|webp|avif|svg|ico)$/;
const MAX_REDIRECTS = 5;
const MAX_ERRORS = 20;

/** mediaSession: fresh per-refresh limits and bookkeeping (5 MB per image, 200 MB and 2000 images per refresh, 2 per host and 8 in all at once). */
export function mediaSession(limits: Partial<Pick<MediaSession, 'maxImageBytes' | 'maxTotalBytes' | 'maxImages' | 'perHost' | 'maxConcurrent' | 'timeoutMs' | 'rememberFailures'>> = {}): MediaSession {
  return {
    maxImageBytes: 5 * 1024 * 1024,
    maxTotalBytes: 200 * 1024 * 1024,
    maxImages: 2000,
    perHost: 2,
    maxConcurrent: 8,
    timeoutMs: 15_000,
    rememberFailures: true,
    ...limits,
    bytes: 0,
    images: 0,
    byUrl: new Map(),
    hosts: new Map(),
    errors: [],
  };
}

const sessions = new WeakMap<object, MediaSession>();

/** mediaSessionFor: the session of one refresh, keyed by any object that lives exactly as long (its context). */
export function mediaSessionFor(key: object): MediaSession {
  let s = sessions.get(key);
  if (!s) sessions.set(key, (s = mediaSession()));
  return s;
}

/** sniffImage: the image type of some bytes by their magic numbers (SVG by its root element), or undefined when not an image. */
export function sniffImage(buf: Buffer): ImageExt | undefined {
  const starts = (sig: number[], at = 0) => buf.length >= at + sig.length && sig.every((b, i) => buf[at + i] === b);
  const ascii = (s: string, at = 0) => buf.length >= at + s.length && buf.toString('latin1', at, at + s.length) === s;
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (starts([0xff, 0xd8, 0xff])) return 'jpg';
  if (ascii('GIF87a') || ascii('GIF89a')) return 'gif';
  if (ascii('RIFF') && ascii('WEBP', 8)) return 'webp';
  if (ascii('ftyp', 4) && (ascii('avif', 8) || ascii('avis', 8))) return 'avif';
  if (starts([0x00, 0x00, 0x01, 0x00]) && buf.length >= 6 && buf[4]! + buf[5]! > 0) return 'ico';
  const head = buf.subarray(0, 4096);
  if (head.includes(0)) return undefined;
  // Text: an SVG document may open with a BOM, an XML declaration, comments and a doctype.
  const text = head.toString('utf8').replace(/^\ufeff/, '');
  const rest = text.replace(/^(\s+|<\?xml[^>]*\?>|<!--[\s\S]*?-->|<!doctype[^>]*>)*/i, '');
  return /^<svg[\s>]/i.test(rest) ? 'svg' : undefined;
}

/** mediaFileFor: the file a `/media/…` request path maps to inside mediaDir (flat `<hash>.<ext>` or `<prefix>/<hash>.<ext>`), or undefined. */
export function mediaFileFor(mediaDir: string, pathname: string): string | undefined {
  if (!pathname.startsWith('/media/')) return undefined;
  const rest = pathname.slice('/media/'.length);
  const parts = rest.split('/');
  const name = parts.length === 2 ? parts[1]! : parts.length === 1 ? parts[0]! : '';
  const m = MEDIA_NAME.exec(name);
  if (!m) return undefined;
  const prefix = m[1]!.slice(0, 2);
  if (parts.length === 2 && parts[0] !== prefix) return undefined;
  return join(mediaDir, prefix, name);
}

const MEDIA_TYPES: Record<string, string> = {
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp',
  avif: 'image/avif', svg: 'image/svg+xml', ico: 'image/x-icon',
};

/** mediaHeaders: the response headers of a cached image (never sniffed, cached for a year, SVG without scripts). */
export function mediaHeaders(file: string): Record<string, string> {
  const ext = file.slice(file.lastIndexOf('.') + 1).toLowerCase();
  return {
    'Content-Type': MEDIA_TYPES[ext] ?? 'application/octet-stream',
    'X-Content-Type-Options': 'nosniff',
    // Content-addressed: a name never changes what it holds.
    'Cache-Control': 'public, max-age=31536000, immutable',
    // Opened on its own, an SVG is a document: no scripts, no fetches, only its own styles.
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    'Referrer-Policy': 'no-referrer',
    // The article iframe is sandboxed (an opaque origin): same-origin would refuse it its images.
    'Cross-Origin-Resource-Policy': 'cross-origin',
  };
}

const IMAGE_TAGS = new Set(['img', 'source']);

/** The images of an article: every <img>, and the <source>s of a <picture>. */
function imageTags(html: string, filter?: (t: TagSpan) => boolean): TagSpan[] {
  return findTags(html, IMAGE_TAGS).filter((t) => (t.name === 'img' || t.parent === 'picture') && (!filter || filter(t)));
}

/** cacheImages: download the images a sanitized article references into the media cache and point it at the copies; never throws for one image. */
export async function cacheImages(html: string, opts: MediaOptions): Promise<CacheResult> {
  if (!html.includes('<img')) return { html, stored: 0, failed: 0 };
  const session = opts.session ?? mediaSession();
  if (session.images >= session.maxImages || session.bytes >= session.maxTotalBytes) {
    // The refresh's limit is reached: no need to read the article to know its pictures stay remote.
    const errors = opts.errors ?? session.errors;
    if (errors.length < MAX_ERRORS) errors.push(limitError(session).message);
    return { html, stored: 0, failed: html.match(/<img\b/g)?.length ?? 0 };
  }
  const changed: TagSpan[] = [];
  const allowOrigin = originOf(opts.baseUrl);
  let stored = 0;
  let failed = 0;
  const jobs = imageTags(html).map(async (el) => {
    const candidates = sourcesOf(el);
    if (!candidates.length) return;
    let why = '';
    for (const url of candidates) {
      try {
        const local = await cached(url, opts.dir, allowOrigin, session);
        el.attrs.set(el.name === 'img' ? 'src' : 'srcset', local);
        el.attrs.set('data-original-src', url);
        // Left in place, a srcset would send the browser back to the network.
        if (el.name === 'img') el.attrs.delete('srcset');
        el.attrs.delete('sizes');
        changed.push(el);
        stored++;
        return;
      } catch (e) {
        why = e instanceof Error ? e.message : String(e);
      }
    }
    // Recorded only when no candidate worked: a srcset entry that failed before its src did is no failure.
    const errors = opts.errors ?? session.errors;
    if (errors.length < MAX_ERRORS) errors.push(why);
    failed++;
  });
  await Promise.all(jobs);
  return { html: replaceTags(html, changed), stored, failed };
}

/** cacheContentImages: cacheImages over every article of a refresh (content by item id, rewritten in place); never throws. */
export async function cacheContentImages(content: Map<string, string>, opts: MediaOptions): Promise<{ stored: number; failed: number }> {
  let stored = 0;
  let failed = 0;
  await Promise.all(
    [...content].map(async ([id, html]) => {
      try {
        const r = await cacheImages(html, opts);
        content.set(id, r.html);
        stored += r.stored;
        failed += r.failed;
      } catch (e) {
        // Whatever went wrong, the article keeps its remote images.
        failed++;
        (opts.errors ?? opts.session?.errors)?.push(`media: ${e instanceof Error ? e.message : String(e)}`);
      }
    }),
  );
  return { stored, failed };
}

/** hasRemoteImages: whether an article still points at pictures on the web that could be cached. */
export function hasRemoteImages(html: string): boolean {
  return html.includes('<img') && imageTags(html).some((t) => sourcesOf(t).length > 0);
}

/** cachedSources: original URL → local `/media/…` path of the images an already-cached article points at. */
export function cachedSources(html: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!html.includes('data-original-src')) return out;
  for (const el of findTags(html, IMAGE_TAGS)) {
    const local = el.attrs.get(el.name === 'img' ? 'src' : 'srcset')?.trim() ?? '';
    const original = el.attrs.get('data-original-src') ?? '';
    if (LOCAL_SRC.test(local) && /^https?:/i.test(original)) out.set(original, local);
  }
  return out;
}

/** originalImages: an article with every cached image pointing at its original URL again (for exports that link to the web). */
export function originalImages(html: string): string {
  return restore(html, () => true);
}

/** repairMissingImages: an article whose cached images that are no longer on disk (cache cleared or evicted) point at their originals again; the others are marked read now (mtime) for least-recently-read eviction. */
export async function repairMissingImages(html: string, mediaDir: string, now = new Date()): Promise<string> {
  const sources = cachedSources(html);
  const missing = new Set<string>();
  for (const local of new Set(sources.values())) {
    const file = mediaFileFor(mediaDir, local);
    const present = !!file && (await utimes(file, now, now).then(() => true, () => false));
    if (!present) missing.add(local);
  }
  return missing.size ? restore(html, (local) => missing.has(local)) : html;
}

function restore(html: string, wanted: (local: string) => boolean): string {
  if (!html.includes('data-original-src')) return html;
  const changed: TagSpan[] = [];
  for (const el of findTags(html, IMAGE_TAGS)) {
    const attr = el.name === 'img' ? 'src' : 'srcset';
    const local = el.attrs.get(attr)?.trim() ?? '';
    const original = el.attrs.get('data-original-src') ?? '';
    if (!LOCAL_SRC.test(local) || !/^https?:/i.test(original) || !wanted(local)) continue;
    el.attrs.set(attr, original);
    el.attrs.delete('data-original-src');
    changed.push(el);
  }
  return replaceTags(html, changed);
}

/** rememberCached: let a session reuse the copies an earlier refresh made (files still present), so a changed article does not fetch its images again. */
export async function rememberCached(session: MediaSession, mediaDir: string, sources: Map<string, string>): Promise<void> {
  for (const [url, local] of sources) {
    if (session.byUrl.has(url)) continue;
    const file = mediaFileFor(mediaDir, local);
    if (file && (await stat(file).then((st) => st.isFile(), () => false))) session.byUrl.set(url, Promise.resolve(local));
  }
}

/** The URLs to try for an image, best first: the widest (or densest) srcset candidate, then src. */
function sourcesOf(el: TagSpan): string[] {
  const src = el.attrs.get('src')?.trim() ?? '';
  if (LOCAL_SRC.test(src)) return [];
  const srcset = el.attrs.get('srcset') ?? '';
  if (srcset.split(/,\s+/).some((c) => LOCAL_SRC.test(c.trim().split(/\s+/)[0] ?? ''))) return [];
  let best: string | undefined;
  let bestScore = -1;
  // The sanitizer rewrote srcset as absolute URLs (no whitespace) joined by ", ".
  for (const candidate of srcset.split(/,\s+/)) {
    const [url = '', descriptor = ''] = candidate.trim().split(/\s+/);
    if (!/^https?:/i.test(url)) continue;
    const m = /^(\d+(?:\.\d+)?)([wx])$/.exec(descriptor);
    // A width beats any density; without a descriptor a candidate counts as 1x.
    const score = m ? Number(m[1]) * (m[2] === 'w' ? 1000 : 1) : 1;
    if (score > bestScore) [best, bestScore] = [url, score];
  }
  const out = best ? [best] : [];
  if (/^https?:/i.test(src) && src !== best) out.push(src);
  return out;
}

function originOf(url: string | undefined): string | undefined {
  try {
    return url ? new URL(url).origin : undefined;
  } catch {
    return undefined;
  }
}

function cached(url: string, dir: string, allowOrigin: string | undefined, s: MediaSession): Promise<string> {
  let p = s.byUrl.get(url);
  // Past a refresh limit every further image fails the same way: one shared error, nothing kept per
  // URL (a 1,000-feed refresh meets 100,000 pictures; an Error and a promise each added up to 100s of MB).
  if (!p && (s.images >= s.maxImages || s.bytes >= s.maxTotalBytes)) return Promise.reject(limitError(s));
  if (!p) {
    p = download(url, dir, allowOrigin, s);
    s.byUrl.set(url, p);
  }
  return p;
}

const limitErrors = new WeakMap<MediaSession, Error>();

function limitError(s: MediaSession): Error {
  let e = limitErrors.get(s);
  if (!e) {
    e = new Error(s.images >= s.maxImages ? `media: refresh limit of ${s.maxImages} images reached` : `media: refresh limit of ${mb(s.maxTotalBytes)} reached`);
    limitErrors.set(s, e);
  }
  return e;
}

async function download(url: string, dir: string, allowOrigin: string | undefined, s: MediaSession): Promise<string> {
  if (s.images >= s.maxImages || s.bytes >= s.maxTotalBytes) throw limitError(s);
  // Counted before any await, so downloads started together cannot pass the limit together.
  s.images++;
  const index = await mediaIndexFor(dir).catch(() => undefined);
  const until = s.rememberFailures ? index?.failedUntil(url) : undefined;
  if (until) {
    // A picture known to fail costs no request, and no place under the limit.
    s.images--;
    throw new Error(`media: ${url} failed before; not asked for again until ${new Date(until).toISOString()}`);
  }
  const host = new URL(url).host;
  // Seen by an earlier refresh (in another article): ask whether it changed instead of fetching it again.
  const known = await index?.lookup(url, (local) => mediaFileFor(dir, local)).catch(() => undefined);
  const ask = known?.etag || known?.lastModified ? known : undefined;
  let got: Got;
  let ext: ImageExt | undefined;
  try {
    // The host's slot first: a busy host must not hold global slots other hosts could use.
    got = await limited(s, host, s.perHost, () => limited(s, '', s.maxConcurrent, () => getImage(url, allowOrigin, s, ask)));
    if (got.kind === 'fresh') {
      s.bytes += got.body.length;
      ext = sniffImage(got.body);
      if (!ext) throw new Error(`media: not an image: ${url}`);
    }
  } catch (e) {
    // Remembered so that later refreshes do not ask again and again; a network error or a 5xx is not.
    if (index && s.rememberFailures && isFinal(e)) await index.rememberFailure(url).catch(() => undefined);
    throw e;
  }
  if (got.kind === 'not-modified') {
    await index?.remember(url, ask!).catch(() => undefined);
    return ask!.local;
  }
  const body = got.body;
  const hash = createHash('sha256').update(body).digest('hex');
  const prefix = hash.slice(0, 2);
  await store(join(dir, prefix), `${hash}.${ext!}`, body);
  const local = `/media/${prefix}/${hash}.${ext!}`;
  // A cache of a cache: if it cannot be saved the image is only fetched in full next time.
  await index?.remember(url, { local, ...got.validators }).catch(() => undefined);
  return local;
}

function isFinal(e: unknown): boolean {
  const m = e instanceof Error ? e.message : '';
  return /status 4(0[0-7]|09|1\d|[2-9]\d)\b|not an image|over the .* limit|too many redirects/.test(m);
}

type Got = { kind: 'fresh'; body: Buffer; validators: Pick<UrlEntry, 'etag' | 'lastModified'> } | { kind: 'not-modified' };

function header(v: string | string[] | undefined): string | undefined {
  const one = Array.isArray(v) ? v[0] : v;
  return one && one.length <= 512 ? one : undefined;
}

/** Writes once: the name is the content, so an existing file is already right. */
async function store(folder: string, name: string, body: Buffer): Promise<void> {
  const file = join(folder, name);
  if (await stat(file).then(() => true, () => false)) return;
  await mkdir(folder, { recursive: true });
  const tmp = join(folder, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, body);
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

/** Runs `run` once fewer than `max` runs hold the slot named `key` ('' is the slot of all hosts). */
async function limited<T>(s: MediaSession, key: string, max: number, run: () => Promise<T>): Promise<T> {
  let slot = s.hosts.get(key);
  if (!slot) s.hosts.set(key, (slot = { active: 0, queue: [] }));
  const h = slot;
  // A finished run hands its place straight to the next waiter, so a newcomer cannot slip in between.
  if (h.active >= max) await new Promise<void>((r) => h.queue.push(r));
  else h.active++;
  try {
    return await run();
  } finally {
    const next = h.queue.shift();
    if (next) next();
    else h.active--;
  }
}

/** GET an image (conditional when validators are known): http(s) only, every hop re-checked against private hosts, capped and timed out. */
async function getImage(url: string, allowOrigin: string | undefined, s: MediaSession, known?: Pick<UrlEntry, 'etag' | 'lastModified'>): Promise<Got> {
  const deadline = Date.now() + s.timeoutMs;
  let current = checked(url, url, allowOrigin);
  const conditional: Record<string, string> = {};
  if (known?.etag) conditional['if-none-match'] = known.etag;
  if (known?.lastModified) conditional['if-modified-since'] = known.lastModified;
  for (let hop = 0; ; hop++) {
    const res = await get(current, deadline, conditional);
    if (res.statusCode === 304 && known) {
      res.resume();
      return { kind: 'not-modified' };
    }
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && res.headers.location) {
      res.resume();
      if (hop >= MAX_REDIRECTS) throw new Error(`media: too many redirects from ${url}`);
      current = checked(res.headers.location, current.href, allowOrigin);
      continue;
    }
    if (status !== 200) {
      res.resume();
      throw new Error(`media: status ${status} for ${current.href}`);
    }
    const validators = { etag: header(res.headers.etag), lastModified: header(res.headers['last-modified']) };
    return { kind: 'fresh', body: await readCapped(res, s.maxImageBytes, deadline, current.href), validators };
  }
}

function checked(raw: string, base: string, allowOrigin: string | undefined): URL {
  let u: URL;
  try {
    u = new URL(raw, base);
  } catch {
    throw new Error(`media: not a valid address: ${raw}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`media: refused ${u.protocol} address ${u.href}`);
  if (isPrivateHost(u) && u.origin !== allowOrigin) throw new Error(`media: refused private address ${u.href}`);
  u.hash = '';
  return u;
}

function get(u: URL, deadline: number, extra: Record<string, string> = {}): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const lib = u.protocol === 'https:' ? https : http;
    const req = lib.get(u, { headers: { 'user-agent': USER_AGENT, accept: 'image/avif,image/webp,image/png,image/svg+xml,image/*;q=0.8', ...extra } });
    const timer = setTimeout(() => req.destroy(new Error(`media: timed out fetching ${u.href}`)), Math.max(0, deadline - Date.now()));
    req.on('response', (res) => {
      clearTimeout(timer);
      resolve(res);
    });
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e.message.startsWith('media: ') ? e : new Error(`media: ${e.message} (${u.href})`));
    });
  });
}

function readCapped(res: IncomingMessage, cap: number, deadline: number, url: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > cap) {
      res.destroy();
      return reject(new Error(`media: ${url} is ${mb(declared)}, over the ${mb(cap)} limit`));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const done = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        res.destroy();
        reject(err);
      } else resolve(Buffer.concat(chunks, size));
    };
    const timer = setTimeout(() => done(new Error(`media: timed out reading ${url}`)), Math.max(0, deadline - Date.now()));
    res.on('data', (c: Buffer) => {
      size += c.length;
      if (size > cap) done(new Error(`media: ${url} is over the ${mb(cap)} limit`));
      else chunks.push(c);
    });
    res.on('end', () => done());
    res.on('error', (e) => done(new Error(`media: could not read ${url}: ${e.message}`)));
    res.on('aborted', () => done(new Error(`media: connection closed early by ${new URL(url).host}`)));
  });
}

function mb(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round((n / 1024 / 1024) * 10) / 10} MB` : `${Math.ceil(n / 1024)} KB`;
}
