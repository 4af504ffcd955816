// jsdom costs ~90 MB of memory once loaded, and most refreshes never need it: the sanitizer's fast
// path handles plain markup without a DOM, and only feeds set to fetch full articles run
// Readability. So it is loaded on first use, synchronously (the callers are synchronous).
import { createRequire } from 'node:module';
import type * as Jsdom from 'jsdom';

let loaded: typeof Jsdom | undefined;

/** jsdom: the jsdom module, loaded on first call. */
export function jsdom(): typeof Jsdom {
  loaded ??= createRequire(import.meta.url)('jsdom') as typeof Jsdom;
  return loaded;
}

/** jsdomLoaded: whether anything has needed jsdom yet (tests check that the fast paths do not). */
export function jsdomLoaded(): boolean {
  return loaded !== undefined;
}
