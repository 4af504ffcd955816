// Starting the real `tidings serve` (and feeds to read) for browser tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { REPO } from '../helpers/paths';

export interface Served {
  url: string;
  origin: string;
  token: string;
  dataDir: string;
  stop(): Promise<void>;
}

/** tempDataDir: a fresh data dir for one test. */
export function tempDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'tidings-e2e-'));
}

/** serve: run `node bin/tidings.js serve --data-dir D` and wait for its one URL line. */
export async function serve(dataDir: string): Promise<Served> {
  const child: ChildProcess = spawn(process.execPath, [join(REPO, 'bin/tidings.js'), 'serve', '--data-dir', dataDir], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`serve did not start in time: ${stderr}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[0]);
      }
    });
    child.once('exit', (code) => fail(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token')!,
    dataDir,
    stop: () =>
      new Promise<void>((ok) => {
        if (child.exitCode !== null) return ok();
        child.once('exit', () => ok());
        child.kill('SIGTERM');
      }),
  };
}

export interface FeedServer {
  origin: string;
  /** Replace what a path serves (to add items between refreshes). */
  set(path: string, body: string, type?: string): void;
  close(): Promise<void>;
}

/** feedServer: a loopback server that serves the given documents by path. */
export async function feedServer(files: Record<string, { body: string; type?: string }>): Promise<FeedServer> {
  const docs = new Map(Object.entries(files));
  const server: Server = createServer((req, res) => {
    const doc = docs.get(new URL(req.url ?? '/', 'http://x').pathname);
    if (!doc) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': doc.type ?? 'application/rss+xml; charset=utf-8' });
    res.end(doc.body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    set: (path, body, type) => docs.set(path, { body, type }),
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** corpusFile: a file of the shared corpus as text. */
export function corpusFile(rel: string): Promise<string> {
  return readFile(join(REPO, '../shared/corpus', rel), 'utf8');
}

/** callApi: one ReaderApi call over the HTTP transport, as the page makes it; throws on `{ ok: false }`. */
export async function callApi(s: Served, method: string, ...args: unknown[]): Promise<unknown> {
  const res = await fetch(`${s.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${s.token}` },
    body: JSON.stringify({ args }),
  });
  const body = (await res.json()) as { ok: boolean; value?: unknown; error?: { message: string } };
  if (!body.ok) throw new Error(`${method}: ${body.error?.message}`);
  return body.value;
}
