// The Electron security checklist (issue 7 §3), checked on the BUILT app: out/main/index.js runs
// against an electron stub (tests/unit/static/harness) and every handler it registers is probed;
// the preload runs in a vm the same way; index.html and the bundles are read as text. Electron's
// binary cannot run here, so this is how a weakened setting fails CI.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../../helpers/paths';

const OUT_MAIN = join(REPO, 'out/main/index.js');
const OUT_PRELOAD = join(REPO, 'out/preload/index.cjs');
const OUT_HTML = join(REPO, 'out/renderer/index.html');
const HARNESS = join(REPO, 'tests/unit/static/harness');

function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  const s = statSync(dir);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(dir).map((n) => newestMtime(join(dir, n))));
}

/** Build when the output is missing or older than the shell's own sources (npm test builds first anyway). */
function ensureBuild(): void {
  const outs = [OUT_MAIN, OUT_PRELOAD, OUT_HTML];
  const sources = Math.max(...['src-main/app', 'src-main/preload', 'src-main/ipc', 'src-renderer/index.html'].map((p) => newestMtime(join(REPO, p))));
  if (outs.every((f) => existsSync(f) && statSync(f).mtimeMs >= sources)) return;
  try {
    execFileSync(join(REPO, 'node_modules/.bin/electron-vite'), ['build'], { cwd: REPO, stdio: 'pipe', timeout: 240_000 });
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    throw new Error(`static: \`electron-vite build\` failed, so the checklist cannot be checked:\n${e.stderr?.toString() ?? e.message}`);
  }
  for (const f of outs) if (!existsSync(f)) throw new Error(`static: the build did not produce ${f}`);
}

interface Probe {
  prevented: boolean;
  opened: string[];
}
interface MainReport {
  errors: string[];
  exitCode: number | null;
  sandboxEnabled: boolean;
  userData: string;
  schemes: { scheme: string; privileges: Record<string, boolean> }[];
  loads: string[];
  legacyProtocol: boolean;
  webPreferences: Record<string, unknown> | null;
  listeners?: Record<string, number>;
  navigate?: Record<string, Probe>;
  frameNavigate?: Record<string, Probe>;
  redirect?: Probe;
  webview?: Probe;
  windowOpen?: Record<string, { result: { action: string }; opened: string[] }>;
  permissionRequest: Record<string, unknown> | null;
  permissionCheck: Record<string, unknown> | null;
  download: Probe;
  beforeRequest: Record<string, { cancel: boolean }> | null;
  protocol: Record<string, { status: number; type: string; csp: string; nosniff: string }>;
  protocolPost: number;
  ipcChannels: string[];
  ipc?: Record<string, { ok: boolean; error?: { code: string } }>;
  menu: { label: string; items: string[] }[] | null;
}

let report: MainReport;
let dataDir: string;

beforeAll(() => {
  ensureBuild();
  dataDir = mkdtempSync(join(tmpdir(), 'tidings-static-'));
  const out = execFileSync(process.execPath, ['--import', join(HARNESS, 'register.mjs'), join(HARNESS, 'run-main.mjs'), OUT_MAIN, '--data-dir', dataDir], {
    cwd: REPO,
    timeout: 60_000,
    env: { ...process.env, ELECTRON_RENDERER_URL: '' },
  });
  const line = out.toString().split('\n').find((l) => l.startsWith('@@REPORT@@'));
  if (!line) throw new Error(`static: the built main process produced no report:\n${out.toString().slice(0, 2000)}`);
  report = JSON.parse(line.slice('@@REPORT@@'.length)) as MainReport;
}, 300_000);

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('built main process', () => {
  it('opens the library in the data dir given on the command line', () => {
    expect(report.userData).toBe(dataDir);
    expect(report.errors).toEqual([]);
    expect(report.exitCode).toBeNull();
  });

  it('creates the window with the locked-down webPreferences', () => {
    const p = report.webPreferences;
    expect(p).not.toBeNull();
    expect(p).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInSubFrames: false, webviewTag: false });
    expect(p!.webSecurity ?? true).toBe(true);
    expect(p!.allowRunningInsecureContent ?? false).toBe(false);
    expect(p!.experimentalFeatures ?? false).toBe(false);
    expect(p!.enableBlinkFeatures ?? '').toBe('');
    expect(String(p!.preload)).toMatch(/out[\\/]preload[\\/]index\.cjs$/);
    expect(report.sandboxEnabled).toBe(true);
  });

  it('serves the renderer from the privileged app:// scheme, never file://', () => {
    expect(report.loads).toEqual(['app://tidings/index.html']);
    expect(report.legacyProtocol).toBe(false);
    expect(report.schemes).toEqual([expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) })]);
    const index = report.protocol['app://tidings/index.html']!;
    expect(index).toMatchObject({ status: 200, type: 'text/html; charset=utf-8', nosniff: 'nosniff' });
    expect(index.csp).toContain("script-src 'self'");
    expect(index.csp).toContain("frame-ancestors 'none'");
  });

  it('refuses path traversal, other hosts and writes on app://', () => {
    for (const url of ['app://tidings/../../../../etc/passwd', 'app://tidings/%2e%2e/%2e%2e/%2e%2e/etc/passwd', 'app://tidings/media/..%2f..%2f..%2fetc/passwd', 'app://other/index.html']) {
      expect(report.protocol[url]?.status, url).toBe(404);
    }
    expect(report.protocolPost).toBe(405);
  });

  it('denies every main-frame navigation, handing only http(s)/mailto to the system browser', () => {
    expect(report.listeners).toMatchObject({ 'will-navigate': 1, 'will-frame-navigate': 1, 'will-attach-webview': 1 });
    const nav = report.navigate!;
    expect(nav['https://evil.test/phish']).toEqual({ prevented: true, opened: ['https://evil.test/phish'] });
    expect(nav['mailto:a@b.test']).toEqual({ prevented: true, opened: ['mailto:a@b.test'] });
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'smb://evil.test/x', 'ms-msdt:/id x', 'app://evil/index.html']) {
      expect(nav[url], url).toEqual({ prevented: true, opened: [] });
    }
    expect(nav['app://tidings/index.html']).toEqual({ prevented: false, opened: [] });
    expect(report.redirect?.prevented).toBe(true);
    expect(report.webview?.prevented).toBe(true);
  });

  it('sends links clicked inside the article frame out, and opens no other scheme', () => {
    const nav = report.frameNavigate!;
    expect(nav['https://evil.test/phish']).toEqual({ prevented: true, opened: ['https://evil.test/phish'] });
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'ms-msdt:/id x', 'app://evil/index.html']) expect(nav[url], url).toEqual({ prevented: true, opened: [] });
    expect(nav['app://tidings/index.html']).toEqual({ prevented: false, opened: [] });
    expect(nav['about:srcdoc']).toEqual({ prevented: false, opened: [] });
  });

  it('denies every window.open, opening only http(s)/mailto externally', () => {
    for (const [url, r] of Object.entries(report.windowOpen!)) {
      expect(r.result, url).toEqual({ action: 'deny' });
      expect(r.opened, url).toEqual(/^(https?|mailto):/.test(url) ? [new URL(url).href] : []);
    }
  });

  it('denies every permission request and check, and every download', () => {
    expect(report.permissionRequest).not.toBeNull();
    expect(new Set(Object.values(report.permissionRequest!))).toEqual(new Set([false]));
    expect(new Set(Object.values(report.permissionCheck!))).toEqual(new Set([false]));
    expect(report.download.prevented).toBe(true);
  });

  it('blocks renderer requests to loopback, private and link-local hosts', () => {
    const r = report.beforeRequest!;
    for (const url of ['http://127.0.0.1:8080/x', 'ws://127.0.0.1:8080/hmr', 'http://[::1]/x', 'http://169.254.169.254/latest', 'http://192.168.0.1/']) expect(r[url], url).toEqual({ cancel: true });
    expect(r['https://example.com/a.png']).toEqual({ cancel: false });
    expect(r['app://tidings/index.html']).toEqual({ cancel: false });
  });

  it('registers one IPC handler per API method and refuses foreign senders', () => {
    expect(report.ipcChannels.length).toBeGreaterThanOrEqual(20);
    expect(report.ipcChannels.every((c) => c.startsWith('tidings:'))).toBe(true);
    const ipc = report.ipc!;
    expect(ipc.trusted!.ok).toBe(true);
    for (const k of ['foreignOrigin', 'fileOrigin', 'subframe', 'noFrame']) expect(ipc[k]?.error?.code, k).toBe('unauthorized');
    expect(ipc.badArgs?.error?.code).toBe('invalid_argument');
  });

  it('has File, View and Help menus with the import and export commands', () => {
    const labels = report.menu!.map((m) => m.label);
    expect(labels).toEqual(expect.arrayContaining(['File', 'View', 'help']));
    expect(report.menu!.find((m) => m.label === 'File')!.items).toEqual(expect.arrayContaining(['Import OPML…', 'Export OPML…', 'Export Markdown…', 'quit']));
  });

  it('contains no switch that weakens the checklist', () => {
    const text = readFileSync(OUT_MAIN, 'utf8');
    for (const bad of [/webSecurity:\s*(false|!0\b|0\b)/, /nodeIntegration(InWorker|InSubFrames)?:\s*(true|!0)/, /contextIsolation:\s*(false|!1)/, /sandbox:\s*(false|!1)/,
      /allowRunningInsecureContent:\s*(true|!0)/, /enableRemoteModule/, /@electron\/remote/, /\.loadFile\(/, /loadURL\(\s*["'`]file:/, /experimentalFeatures:\s*(true|!0)/,
      /webviewTag:\s*(true|!0)/, /disable-web-security|ignore-certificate-errors|allow-file-access-from-files/, /action:\s*["']allow["']/, /callback\(\s*true\s*\)/]) {
      expect(text, String(bad)).not.toMatch(bad);
    }
  });
});

describe('built preload', () => {
  interface Bridge {
    invoke(method: unknown, args: unknown): Promise<{ ok: boolean; error?: { code: string } }>;
    onEvent(listener: (...a: unknown[]) => void): () => void;
  }
  function loadPreload() {
    const exposed: Record<string, unknown> = {};
    const invocations: unknown[][] = [];
    const listeners = new Map<string, Set<(...a: unknown[]) => void>>();
    const electron = {
      contextBridge: { exposeInMainWorld: (k: string, v: unknown) => void (exposed[k] = v) },
      ipcRenderer: {
        invoke: (...a: unknown[]) => (invocations.push(a), Promise.resolve({ ok: true, value: 1 })),
        on: (c: string, f: (...a: unknown[]) => void) => void (listeners.get(c) ?? listeners.set(c, new Set()).get(c)!).add(f),
        removeListener: (c: string, f: (...a: unknown[]) => void) => void listeners.get(c)?.delete(f),
      },
    };
    const required: string[] = [];
    const module = { exports: {} };
    const require = (id: string) => {
      required.push(id);
      if (id === 'electron') return electron;
      throw new Error(`static: the sandboxed preload may only require electron, not ${id}`);
    };
    runInNewContext(readFileSync(OUT_PRELOAD, 'utf8'), { require, module, exports: module.exports, console });
    return { exposed, invocations, listeners, required };
  }

  it('exposes exactly window.tidings with invoke and onEvent, requiring only electron', () => {
    const { exposed, required } = loadPreload();
    expect(Object.keys(exposed)).toEqual(['tidings']);
    expect(Object.keys(exposed.tidings as object).sort()).toEqual(['invoke', 'onEvent']);
    expect(new Set(required)).toEqual(new Set(['electron']));
  });

  it('refuses unknown methods without touching IPC and forwards known ones to their channel', async () => {
    const { exposed, invocations } = loadPreload();
    const bridge = exposed.tidings as Bridge;
    for (const m of ['__proto__', 'constructor', 'toString', 'tidings:event', 42]) {
      expect((await bridge.invoke(m, [])).error?.code, String(m)).toBe('unknown_method');
    }
    expect(invocations).toEqual([]);
    await bridge.invoke('listFeeds', []);
    await bridge.invoke('getItem', 'not-an-array');
    expect(invocations).toEqual([['tidings:listFeeds', []], ['tidings:getItem', []]]);
  });

  it('delivers event payloads without the IPC event object, and unsubscribes', () => {
    const { exposed, listeners } = loadPreload();
    const bridge = exposed.tidings as Bridge;
    const got: unknown[][] = [];
    const off = bridge.onEvent((...a) => got.push(a));
    const relay = [...listeners.get('tidings:event')!][0]!;
    relay({ sender: { send() {} }, ports: [] }, { type: 'feeds-changed' });
    expect(got).toEqual([[{ type: 'feeds-changed' }]]);
    off();
    expect(listeners.get('tidings:event')!.size).toBe(0);
  });
});

describe('built renderer', () => {
  const html = () => readFileSync(OUT_HTML, 'utf8');
  function csp(): Map<string, string[]> {
    const m = html().match(/<meta\s+http-equiv=["']Content-Security-Policy["']\s+content=(?:"([^"]+)"|'([^']+)')/i);
    expect(m, 'index.html must carry a CSP meta tag').not.toBeNull();
    return new Map((m![1] ?? m![2]!).split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([k, ...v]) => [k!.toLowerCase(), v]));
  }

  it('has a CSP whose scripts are same-origin only: no unsafe-inline, unsafe-eval, data: or remote hosts', () => {
    const policy = csp();
    const scripts = policy.get('script-src') ?? policy.get('default-src');
    expect(scripts).toBeDefined();
    expect(scripts).toEqual(["'self'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'none'"]);
    for (const [name, values] of policy) {
      expect(values, name).not.toContain("'unsafe-eval'");
      expect(values, name).not.toContain('*');
    }
  });

  it('has no inline script or event-handler attribute, and loads scripts from its own assets only', () => {
    const text = html();
    const scripts = [...text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(body!.trim()).toBe('');
      expect(attrs).toMatch(/\bsrc=["']\.?\/assets\/[\w.-]+\.js["']/);
    }
    expect(text).not.toMatch(/\son[a-z]+\s*=/i);
  });

  it('ships no eval or Function constructor in its bundles', () => {
    const dir = join(REPO, 'out/renderer/assets');
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.js'))) {
      expect(readFileSync(join(dir, f), 'utf8'), f).not.toMatch(/\beval\(|new Function\(/);
    }
  });
});
