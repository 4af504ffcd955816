// The one renderer file that touches a transport (DESIGN §1): `window.tidings` in the desktop app,
// HTTP + Server-Sent Events in browser mode (`tidings serve`). Everything else imports `api`.
import type { ApiResult, Method, ReaderApi, ReaderEvent, TidingsBridge } from '../../../src-main/ipc/contract';

declare global {
  interface Window {
    tidings?: TidingsBridge;
  }
}

/** ApiCallError: an `{ ok: false }` result, thrown so callers can show it. */
export class ApiCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'tidings.token';

/** takeToken: the browser-mode token from `?token=`, kept for reloads and removed from the address bar. */
export function takeToken(): string {
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    params.delete('token');
    const rest = params.toString();
    history.replaceState(history.state, '', location.pathname + (rest ? `?${rest}` : '') + location.hash);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

type Invoke = (method: Method, args: unknown[]) => Promise<ApiResult<unknown>>;
// Whether the browser's event stream to `tidings serve` is up: not the same as the network being up.
const linkListeners = new Set<(up: boolean) => void>();
type Subscribe = (listener: (e: ReaderEvent) => void) => () => void;

function httpTransport(): { invoke: Invoke; subscribe: Subscribe } {
  const token = takeToken();
  const invoke: Invoke = async (method, args) => {
    let res: Response;
    try {
      res = await fetch(`/api/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ args }),
      });
    } catch (err) {
      return { ok: false, error: { code: 'internal', message: `api: the Tidings server cannot be reached (${String(err)})` } };
    }
    if (res.status === 401) {
      return { ok: false, error: { code: 'unauthorized', message: 'api: the access token is missing or wrong — open the link that `tidings serve` printed' } };
    }
    try {
      return (await res.json()) as ApiResult<unknown>;
    } catch {
      return { ok: false, error: { code: 'internal', message: `api: ${method}: unreadable answer (HTTP ${res.status})` } };
    }
  };
  const subscribe: Subscribe = (listener) => {
    const source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
    source.onmessage = (m) => {
      try {
        listener(JSON.parse(String(m.data)) as ReaderEvent);
      } catch {
        // A malformed frame is dropped; the next one still arrives.
      }
    };
    source.onopen = () => linkListeners.forEach((l) => l(true));
    source.onerror = () => linkListeners.forEach((l) => l(false));
    return () => source.close();
  };
  return { invoke, subscribe };
}

function pickTransport(): { invoke: Invoke; subscribe: Subscribe } {
  const bridge = typeof window !== 'undefined' ? window.tidings : undefined;
  if (bridge) return { invoke: (m, a) => bridge.invoke(m, a), subscribe: (l) => bridge.onEvent(l) };
  return httpTransport();
}

const transport = pickTransport();

// JSON turns a trailing `undefined` into `null`, which an optional argument's schema refuses.
function trimArgs(args: unknown[]): unknown[] {
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  return args.slice(0, n);
}

/** api: the typed ReaderApi client, one property per method. */
export const api = new Proxy({} as ReaderApi, {
  get: (_t, method: string) => (...args: unknown[]) => transport.invoke(method as Method, trimArgs(args)).then((r) => {
    if (!r.ok) throw new ApiCallError(r.error.code, r.error.message);
    return r.value;
  }),
});

/** onEvent: listen to push events (refresh progress, changed items); returns the unsubscribe. */
export function onEvent(listener: (e: ReaderEvent) => void): () => void {
  return transport.subscribe(listener);
}

/** onLink: follow whether the connection to the Tidings server is up (always, in the desktop app); returns the unsubscribe. */
export function onLink(listener: (up: boolean) => void): () => void {
  linkListeners.add(listener);
  return () => linkListeners.delete(listener);
}

/** isDesktop: whether the reader runs inside the Electron app. */
export function isDesktop(): boolean {
  return typeof window !== 'undefined' && window.tidings !== undefined;
}
