// app://tidings/ serves the built renderer (and the media cache) instead of file://, so the page
// has a real origin, 'self' in its CSP means only the app, and no file on disk is reachable by URL.
import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { APP_HEADERS, APP_SCHEME, appFileFor, contentType, type AppRoots } from './policy';
import { mediaHeaders } from '../core/media';

/** registerAppScheme: declare app:// privileged; must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
  ]);
}

/** serveAppProtocol: answer app://tidings/… from the renderer build and the media cache; everything else is 404. */
export function serveAppProtocol(roots: AppRoots): void {
  protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return answer(405, 'app: method not allowed');
    const file = appFileFor(request.url, roots);
    if (!file) return answer(404, 'app: not found');
    try {
      const body = await readFile(file);
      // Cached images get their own headers (SVG under a script-free CSP, readable by the sandboxed article).
      const headers = file.startsWith(roots.media) ? mediaHeaders(file) : { ...APP_HEADERS, 'Content-Type': contentType(file) };
      return new Response(new Uint8Array(body), { status: 200, headers });
    } catch {
      return answer(404, 'app: not found');
    }
  });
}

function answer(status: number, text: string): Response {
  return new Response(text, { status, headers: { ...APP_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
}
