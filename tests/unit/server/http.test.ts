// The HTTP transport against the real core on a temp data dir: token, Host/Origin checks, static
// files kept inside their folder, the API's error shape, and events over SSE.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { openReader } from '../../../src-main/core/service';
import { startHttpServer, type RunningServer } from '../../../src-main/server/http';
import type { Reader } from '../../../src-main/core/reader';

let reader: Reader;
let server: RunningServer;
let staticDir: string;

beforeEach(async () => {
  const base = await mkdtemp(join(tmpdir(), 'tidings-http-'));
  staticDir = join(base, 'static');
  await mkdir(join(staticDir, 'assets'), { recursive: true });
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>reader</title>');
  await writeFile(join(staticDir, 'assets/app.js'), 'console.log(1)');
  await writeFile(join(base, 'secret.txt'), 'do not serve');
  reader = await openReader({ dataDir: join(base, 'data') });
  server = await startHttpServer({ reader, staticDir });
});

afterEach(async () => {
  await server.close();
  await reader.close();
});

/** raw: one request with full control over headers and path (fetch would normalise them). */
function raw(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((ok, fail) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, path, method: opts.method ?? 'GET', headers: { Host: `127.0.0.1:${server.port}`, ...opts.headers } },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', fail);
    req.end(opts.body);
  });
}

const call = (method: string, args: unknown[], headers: Record<string, string> = {}) =>
  raw(`/api/${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ args }),
  });

describe('tidings serve transport', () => {
  it('prints a loopback URL carrying the token', () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=[\\w-]{20,}$`));
  });

  it('answers the API with the token and 401 without or with a wrong one', async () => {
    const ok = await call('listFeeds', []);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ ok: true, value: [] });
    expect((await raw('/api/listFeeds', { method: 'POST', body: '{"args":[]}' })).status).toBe(401);
    expect((await call('listFeeds', [], { Authorization: `Bearer ${server.token}x` })).status).toBe(401);
    expect((await raw(`/api/events`)).status).toBe(401);
  });

  it('refuses a foreign Host (DNS rebinding) and a cross-site Origin', async () => {
    expect((await call('listFeeds', [], { Host: 'evil.example:80' })).status).toBe(421);
    expect((await raw('/', { headers: { Host: 'evil.example' } })).status).toBe(421);
    expect((await call('listFeeds', [], { Origin: 'https://evil.example' })).status).toBe(403);
    expect((await call('listFeeds', [], { Origin: `http://127.0.0.1:${server.port}` })).status).toBe(200);
  });

  it('returns the error shape for bad arguments, unknown methods and bad JSON', async () => {
    const bad = await call('setRead', ['not-an-array', true]);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ ok: false, error: { code: 'invalid_argument' } });
    const unknown = await call('__proto__', []);
    expect(JSON.parse(unknown.body)).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    const notJson = await raw('/api/listFeeds', { method: 'POST', headers: { Authorization: `Bearer ${server.token}` }, body: '{oops' });
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body).error.message).toMatch(/not JSON/);
  });

  it('serves the renderer with strict headers and never a file outside its folder', async () => {
    const index = await raw('/');
    expect(index.status).toBe(200);
    expect(index.body).toContain('<title>reader</title>');
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect(index.headers['referrer-policy']).toBe('no-referrer');
    expect(String(index.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(String(index.headers['content-security-policy'])).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
    expect((await raw('/assets/app.js')).headers['content-type']).toMatch(/javascript/);
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/..%2fsecret.txt']) {
      const r = await raw(p);
      expect(r.body, p).not.toContain('do not serve');
    }
  });

  it('says which port is taken instead of failing obscurely', async () => {
    await expect(startHttpServer({ reader, staticDir, port: server.port })).rejects.toThrow(
      new RegExp(`server: port ${server.port} on 127\\.0\\.0\\.1 is already in use`),
    );
  });

  it('streams events over SSE to a client holding the token', async () => {
    const got = await new Promise<string>((ok, fail) => {
      const req = request(
        { host: '127.0.0.1', port: server.port, path: `/api/events?token=${server.token}`, headers: { Host: `127.0.0.1:${server.port}` } },
        (res) => {
          expect(res.headers['content-type']).toBe('text/event-stream');
          let buf = '';
          res.on('data', (d: Buffer) => {
            buf += d.toString();
            if (buf.includes('data: ')) {
              req.destroy();
              ok(buf);
            }
          });
          // Once connected, a real change in the core must reach the stream.
          setTimeout(() => void reader.api.updateSettings({ theme: 'dark' }).then(() => reader.api.saveSearch({ name: 'x', query: 'y', tags: [] })).then(() => reader.api.importOpml('<opml version="2.0"><body><outline xmlUrl="https://example.org/feed.xml" text="E"/></body></opml>')), 100);
        },
      );
      req.on('error', fail);
      req.end();
    });
    expect(got).toContain('"type":"feeds-changed"');
  });
});
