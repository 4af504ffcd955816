// `tidings serve`: the same ReaderApi over HTTP + Server-Sent Events, loopback only, token-protected,
// so the real renderer runs in a real browser against the real core.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { Reader } from '../core/reader';
import { dispatch } from '../ipc/dispatch';
import { mediaFileFor, mediaHeaders } from '../core/media';

export interface ServeOptions {
  reader: Reader;
  /** Folder of the built renderer (out/renderer). */
  staticDir: string;
  port?: number;
  token?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MAX_BODY = 60 * 1024 * 1024;
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

// Served with every response: the page may talk only to this origin, and nobody may frame it.
const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https: http:; " +
    "media-src 'self' https: http:; frame-src 'self' blob: about:; connect-src 'self'; object-src 'none'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
} as const;

/** startHttpServer: serve the renderer and the API on 127.0.0.1 (never another interface). */
export async function startHttpServer(opts: ServeOptions): Promise<RunningServer> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const clients = new Set<ServerResponse>();
  let port = 0;
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { ok: false, error: { code: 'internal', message: String(err) } });
      else res.end();
    });
  });

  const unsubscribe = opts.reader.onEvent((e) => {
    const frame = `data: ${JSON.stringify(e)}\n\n`;
    for (const c of clients) c.write(frame);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // DNS rebinding: a hostile page on evil.example resolving to 127.0.0.1 arrives with its own Host.
    if (!hostAllowed(req.headers.host, port)) return send(res, 421, error('unauthorized', 'server: bad Host header'));
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname.startsWith('/api/')) {
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== `http://127.0.0.1:${port}` && origin !== `http://localhost:${port}`) {
        return send(res, 403, error('unauthorized', 'server: cross-origin request refused'));
      }
      const given = bearer(req) ?? url.searchParams.get('token') ?? '';
      if (!sameToken(given, token)) return send(res, 401, error('unauthorized', 'server: missing or wrong token'));
      if (url.pathname === '/api/events' && req.method === 'GET') return openEvents(res);
      if (req.method !== 'POST') return send(res, 405, error('invalid_argument', 'server: use POST'));
      const method = decodeURIComponent(url.pathname.slice('/api/'.length));
      const body = await readJson(req);
      if (!body.ok) return send(res, 400, error('invalid_argument', body.message));
      const args = (body.value as { args?: unknown } | null)?.args ?? [];
      const result = await dispatch(opts.reader.api, method, args);
      const status = result.ok ? 200 : result.error.code === 'unknown_method' ? 404 : result.error.code === 'invalid_argument' ? 400 : result.error.code === 'not_found' ? 404 : 200;
      return send(res, status, result);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, error('invalid_argument', 'server: method not allowed'));
    // No token for the media cache: the sandboxed article iframe cannot send one, and names are content hashes.
    if (url.pathname.startsWith('/media/')) return serveMedia(url.pathname, req.method === 'HEAD', res);
    return serveStatic(url.pathname, res);
  }

  function openEvents(res: ServerResponse): void {
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    res.write(': connected\n\n');
    clients.add(res);
    res.on('close', () => clients.delete(res));
  }

  async function serveMedia(pathname: string, head: boolean, res: ServerResponse): Promise<void> {
    const file = mediaFileFor(join(opts.reader.dataDir, 'media'), pathname);
    const data = file ? await readFile(file).catch(() => undefined) : undefined;
    if (!file || !data) return send(res, 404, error('not_found', 'server: not found'));
    res.writeHead(200, { ...SECURITY_HEADERS, ...mediaHeaders(file), 'Content-Length': String(data.length) });
    res.end(head ? undefined : data);
  }

  async function serveStatic(pathname: string, res: ServerResponse): Promise<void> {
    const rel = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
    const file = normalize(join(opts.staticDir, rel));
    if (!file.startsWith(normalize(opts.staticDir) + sep)) return send(res, 404, error('not_found', 'server: not found'));
    try {
      const info = await stat(file);
      if (!info.isFile()) throw new Error('not a file');
      const data = await readFile(file);
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
        'Cache-Control': rel === 'index.html' ? 'no-store' : 'max-age=3600',
      });
      res.end(data);
    } catch {
      send(res, 404, error('not_found', `server: ${pathname} not found`));
    }
  }

  await new Promise<void>((ok, fail) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      fail(err.code === 'EADDRINUSE' ? new Error(`server: port ${opts.port} on 127.0.0.1 is already in use; choose another with --port, or 0 for any`) : err),
    );
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      unsubscribe();
      for (const c of clients) c.end();
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}

function hostAllowed(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7) : undefined;
}

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readJson(req: IncomingMessage): Promise<{ ok: true; value: unknown } | { ok: false; message: string }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) return { ok: false, message: 'server: request body too large' };
    chunks.push(chunk);
  }
  if (size === 0) return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
  } catch {
    return { ok: false, message: 'server: request body is not JSON' };
  }
}

function error(code: string, message: string) {
  return { ok: false, error: { code, message } };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}
