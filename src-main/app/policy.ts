// The decisions of the Electron shell as pure functions, so they are tested without the Electron
// binary (tests/unit/security). index.ts and friends only wire them to Electron's events.
import { extname, resolve, sep } from 'node:path';

/** The app's own origin: the custom protocol that serves the renderer instead of file://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'tidings';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

const EXTERNAL_SCHEMES = new Set(['http:', 'https:', 'mailto:']);

/** externalUrl: the URL to hand to the system browser, or undefined when it is not plain http(s)/mailto. */
export function externalUrl(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length > 8192) return undefined;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return undefined;
  }
  if (!EXTERNAL_SCHEMES.has(u.protocol)) return undefined;
  if (u.protocol !== 'mailto:' && !u.hostname) return undefined;
  return u.href;
}

/** trustedOrigins: the origins whose pages may call the IPC API (the app protocol, plus the dev server in development). */
export function trustedOrigins(devUrl: string | undefined): Set<string> {
  const set = new Set([APP_ORIGIN]);
  if (devUrl) {
    try {
      const u = new URL(devUrl);
      // Only a loopback dev server: ELECTRON_RENDERER_URL pointing anywhere else is not ours.
      if (u.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname)) set.add(u.origin);
    } catch {
      // An unparsable dev URL is ignored; the app origin still works.
    }
  }
  return set;
}

/** originOf: a URL's origin, computed for app:// too (WHATWG gives non-special schemes an opaque "null"; Chromium, where app:// is registered standard, does not). */
export function originOf(raw: string): string | undefined {
  try {
    const u = new URL(raw);
    if (u.protocol === `${APP_SCHEME}:`) return u.host ? `${u.protocol}//${u.host.toLowerCase()}` : undefined;
    return u.origin === 'null' ? undefined : u.origin;
  } catch {
    return undefined;
  }
}

/** isTrustedSender: whether an IPC message comes from the top frame of one of the trusted origins. */
export function isTrustedSender(frameUrl: string | undefined, isTopFrame: boolean, trusted: ReadonlySet<string>): boolean {
  if (!isTopFrame || !frameUrl) return false;
  const origin = originOf(frameUrl);
  return origin !== undefined && trusted.has(origin);
}

/** isAppNavigation: whether a main-frame navigation stays on the app itself (a reload), the only kind allowed. */
export function isAppNavigation(target: string, trusted: ReadonlySet<string>): boolean {
  const origin = originOf(target);
  return origin !== undefined && trusted.has(origin);
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp', '.avif': 'image/avif',
  '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.woff': 'font/woff', '.txt': 'text/plain; charset=utf-8',
};

/** contentType: the MIME type served for a file name (unknown types as opaque bytes, never sniffed). */
export function contentType(file: string): string {
  return TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Where an app:// request is served from. */
export interface AppRoots {
  /** The built renderer (out/renderer). */
  renderer: string;
  /** The library's media cache (<dataDir>/media), served at /media/. */
  media: string;
}

/** appFileFor: the file an `app://tidings/…` URL maps to, or undefined for another host, a traversal or a bad path. */
export function appFileFor(requestUrl: string, roots: AppRoots): string | undefined {
  let u: URL;
  try {
    u = new URL(requestUrl);
  } catch {
    return undefined;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return undefined;
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return undefined;
  }
  if (path.includes('\0') || path.includes('\\')) return undefined;
  const [root, rest] = path.startsWith('/media/') ? [roots.media, path.slice('/media/'.length)] : [roots.renderer, path.slice(1) || 'index.html'];
  const file = resolve(root, rest);
  // resolve() has already folded `..`; anything that left the root is refused.
  return file.startsWith(resolve(root) + sep) ? file : undefined;
}

/** APP_HEADERS: response headers for every app:// answer (the CSP here adds to the meta CSP of index.html, never loosens it). */
export const APP_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
};
