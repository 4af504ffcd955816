// Our own HTTP client for feeds (issue 3 §1), on node:http/https: conditional GET, compressed
// bodies capped after decompression, re-checked redirects, connect and total timeouts.
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createUnzip } from 'node:zlib';

export interface FetchOptions {
  etag?: string;
  lastModified?: string;
  connectTimeoutMs?: number;
  totalTimeoutMs?: number;
  maxBodyBytes?: number;
  maxRedirects?: number;
  userAgent?: string;
  accept?: string;
}

export type FetchResult =
  | { kind: 'not-modified'; finalUrl: string; status: 304; permanentRedirect?: string }
  | {
      kind: 'ok';
      body: Buffer;
      contentType?: string;
      finalUrl: string;
      status: number;
      etag?: string;
      lastModified?: string;
      /** Set when every redirect on the way was permanent (301/308): the address to store. */
      permanentRedirect?: string;
    };

/** FetchError: a failed fetch, with a module-prefixed human message and the HTTP status if any. */
export class FetchError extends Error {
  constructor(message: string, readonly status?: number, readonly retryAfterMs?: number) {
    super(message);
    this.name = 'FetchError';
  }
}

export const USER_AGENT = 'Tidings/0.1 (feed reader; +https://github.com/tidings-reader/tidings)';
const ACCEPT = 'application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5';
// Keep-alive matters: a refresh asks the same hosts many times in a row.
const agents = { 'http:': new http.Agent({ keepAlive: true, maxSockets: 16 }), 'https:': new https.Agent({ keepAlive: true, maxSockets: 16 }) };

/** fetchFeed: GET a feed URL (following up to 10 re-checked redirects) → body or not-modified; throws FetchError. */
export async function fetchFeed(url: string, opts: FetchOptions = {}): Promise<FetchResult> {
  const total = opts.totalTimeoutMs ?? 30_000;
  const maxRedirects = opts.maxRedirects ?? 10;
  const deadline = Date.now() + total;
  let current = checkUrl(url, url);
  let permanent = true;
  for (let hop = 0; ; hop++) {
    const res = await request(current, opts, deadline, total);
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (status >= 300 && status < 400 && status !== 304 && location) {
      res.resume();
      if (hop >= maxRedirects) throw new FetchError(`fetcher: more than ${maxRedirects} redirects from ${url}`, status);
      permanent &&= status === 301 || status === 308;
      current = checkUrl(location, current.href);
      continue;
    }
    const moved = hop > 0 && permanent ? current.href : undefined;
    if (status === 304) {
      res.resume();
      return { kind: 'not-modified', finalUrl: current.href, status: 304, ...(moved && { permanentRedirect: moved }) };
    }
    if (status < 200 || status >= 300) {
      res.resume();
      const retry = status === 429 || status === 503 ? parseRetryAfter(res.headers['retry-after']) : undefined;
      throw new FetchError(`fetcher: status ${status} for ${current.href}`, status, retry);
    }
    const body = await readBody(res, opts.maxBodyBytes ?? 20 * 1024 * 1024, deadline, total, current.href);
    return {
      kind: 'ok',
      body,
      finalUrl: current.href,
      status,
      ...(res.headers['content-type'] && { contentType: res.headers['content-type'] }),
      ...(typeof res.headers.etag === 'string' && { etag: res.headers.etag }),
      ...(res.headers['last-modified'] && { lastModified: res.headers['last-modified'] }),
      ...(moved && { permanentRedirect: moved }),
    };
  }
}

function checkUrl(raw: string, base: string): URL {
  let u: URL;
  try {
    u = new URL(raw, base);
  } catch {
    throw new FetchError(`fetcher: not a valid address: ${raw}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new FetchError(`fetcher: refused ${u.protocol.slice(0, -1)} address ${u.href} (only http and https)`);
  }
  u.hash = '';
  return u;
}

function request(u: URL, opts: FetchOptions, deadline: number, total: number): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      'user-agent': opts.userAgent ?? USER_AGENT,
      accept: opts.accept ?? ACCEPT,
      'accept-encoding': 'gzip, deflate, br',
    };
    if (opts.etag) headers['if-none-match'] = opts.etag;
    if (opts.lastModified) headers['if-modified-since'] = opts.lastModified;
    const lib = u.protocol === 'https:' ? https : http;
    const req = lib.get(u, { headers, agent: agents[u.protocol as 'http:' | 'https:'] });
    const connectMs = opts.connectTimeoutMs ?? 10_000;
    const fail = (e: Error) => {
      clearTimeout(connectTimer);
      clearTimeout(totalTimer);
      req.destroy();
      reject(e);
    };
    const connectTimer = setTimeout(() => fail(new FetchError(`fetcher: could not connect to ${u.host} within ${seconds(connectMs)}`)), connectMs);
    const totalTimer = setTimeout(() => fail(new FetchError(`fetcher: timed out after ${seconds(total)}`)), Math.max(0, deadline - Date.now()));
    req.on('socket', (socket) => {
      if (!socket.connecting) clearTimeout(connectTimer);
      else socket.once('connect', () => clearTimeout(connectTimer));
    });
    req.on('response', (res) => {
      clearTimeout(connectTimer);
      clearTimeout(totalTimer);
      resolve(res);
    });
    req.on('error', (err) => fail(new FetchError(describe(err, u))));
  });
}

function readBody(res: IncomingMessage, cap: number, deadline: number, total: number, url: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > cap) {
      res.destroy();
      reject(new FetchError(`fetcher: response of ${megabytes(declared)} exceeds the ${megabytes(cap)} limit`));
      return;
    }
    let stream: Readable = res;
    const coding = String(res.headers['content-encoding'] ?? '').trim().toLowerCase();
    if (coding === 'gzip' || coding === 'x-gzip' || coding === 'deflate') stream = res.pipe(createUnzip());
    else if (coding === 'br') stream = res.pipe(createBrotliDecompress());
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const done = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        reject(err);
        res.destroy();
        if (stream !== res) stream.destroy();
      } else resolve(Buffer.concat(chunks, size));
    };
    const timer = setTimeout(() => done(new FetchError(`fetcher: timed out after ${seconds(total)}`)), Math.max(0, deadline - Date.now()));
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Counted after decompression: a 20 KB gzip bomb must not become 2 GB in memory.
      if (size > cap) done(new FetchError(`fetcher: response larger than the ${megabytes(cap)} limit`));
      else chunks.push(chunk);
    });
    stream.on('end', () => done());
    stream.on('error', (err: Error) => done(new FetchError(`fetcher: could not read the response from ${url}: ${err.message}`)));
    res.on('aborted', () => done(new FetchError(`fetcher: connection closed early by ${new URL(url).host}`)));
  });
}

/** parseRetryAfter: a Retry-After header (seconds or HTTP date) → milliseconds from now, if usable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  return Number.isFinite(t) ? Math.max(0, t - now) : undefined;
}

function describe(err: NodeJS.ErrnoException, u: URL): string {
  switch (err.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `fetcher: host not found: ${u.hostname}`;
    case 'ECONNREFUSED':
      return `fetcher: connection refused by ${u.host}`;
    case 'ECONNRESET':
      return `fetcher: connection reset by ${u.host}`;
    case 'CERT_HAS_EXPIRED':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `fetcher: the certificate of ${u.host} is not valid (${err.code})`;
    default:
      return `fetcher: ${err.message || err.code || 'request failed'} (${u.href})`;
  }
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

function megabytes(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round((n / 1024 / 1024) * 10) / 10} MB` : `${Math.ceil(n / 1024)} KB`;
}
