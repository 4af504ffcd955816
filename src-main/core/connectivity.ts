// Telling "the network is gone" apart from "this feed is broken": an outage is nobody's fault,
// so it must neither grow per-feed backoff nor make the app look broken; it is shown as offline.
import net from 'node:net';
import type { RefreshSummary } from '../ipc/contract';

// Node error codes that mean the machine could not reach the host at all.
const NETWORK_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE']);
// The fetcher's messages for the same failures (it keeps the message, not the code).
const NETWORK_MESSAGE = /^fetcher: (host not found|connection refused|connection reset|could not connect to .* within|timed out after)|\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ENETUNREACH|EHOSTUNREACH|ENETDOWN|ETIMEDOUT)\b/;

/** isNetworkError: whether an error (or its message) is a network-level failure rather than an HTTP status or a parse error. */
export function isNetworkError(e: unknown): boolean {
  if (e && typeof e === 'object') {
    if ('status' in e && typeof e.status === 'number') return false;
    if ('code' in e && typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return true;
  }
  const message = e instanceof Error ? e.message : typeof e === 'string' ? e : '';
  return NETWORK_MESSAGE.test(message);
}

/** classifyRefresh: the connectivity a refresh shows — offline when it attempted feeds and every one failed at the network level; unknown when nothing was attempted. */
export function classifyRefresh(summary: Pick<RefreshSummary, 'total' | 'failed' | 'attempted'>): 'online' | 'offline' | 'unknown' {
  const attempted = summary.attempted ?? summary.total;
  if (attempted <= 0) return 'unknown';
  const succeeded = attempted - summary.failed.length;
  if (succeeded > 0) return 'online';
  return summary.failed.length > 0 && summary.failed.every((f) => f.network === true) ? 'offline' : 'online';
}

/** probeHost: whether a TCP connection to the host of a URL opens within the timeout (a cheap connectivity check). */
export function probeHost(url: string, timeoutMs = 5000): Promise<boolean> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return Promise.resolve(false);
  }
  const port = Number(u.port) || (u.protocol === 'https:' ? 443 : 80);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
