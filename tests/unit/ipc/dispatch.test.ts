import { describe, expect, it } from 'vitest';
import { dispatch, ApiFailure } from '../../../src-main/ipc/dispatch';
import { METHODS, type ReaderApi } from '../../../src-main/ipc/contract';

// A ReaderApi whose every method records its arguments: the boundary is what is under test here.
function recordingApi(): { api: ReaderApi; calls: [string, unknown[]][] } {
  const calls: [string, unknown[]][] = [];
  const api = new Proxy({} as ReaderApi, {
    get(_t, prop: string) {
      if (prop === 'getItem') return async (id: string) => {
        calls.push([prop, [id]]);
        throw new ApiFailure('not_found', `service: no item ${id}`);
      };
      if (prop === 'counts') return async () => {
        throw new Error('disk on fire');
      };
      return async (...args: unknown[]) => {
        calls.push([prop, args]);
        return { echoed: args };
      };
    },
  });
  return { api, calls };
}

describe('dispatch', () => {
  it('passes valid arguments through and wraps the value', async () => {
    const { api, calls } = recordingApi();
    const r = await dispatch(api, 'setRead', [['a', 'b'], true]);
    expect(r).toEqual({ ok: true, value: { echoed: [['a', 'b'], true] } });
    expect(calls).toEqual([['setRead', [['a', 'b'], true]]]);
  });

  it('accepts optional trailing arguments left out', async () => {
    const { api } = recordingApi();
    expect((await dispatch(api, 'refresh', [])).ok).toBe(true);
    expect((await dispatch(api, 'addFeed', ['https://example.org/feed'])).ok).toBe(true);
    expect((await dispatch(api, 'addFeed', ['https://example.org/feed', 'Tech'])).ok).toBe(true);
  });

  it.each([
    ['setRead', ['a', true]],
    ['setRead', [['a'], 'yes']],
    ['listItems', [{ status: 'everything' }]],
    ['listItems', [{ limit: 5000 }]],
    ['listItems', [{ injected: 1 }]],
    ['getItem', [42]],
    ['getItem', []],
    ['updateSettings', [{ concurrency: 0 }]],
    ['updateSettings', [{ theme: 'neon' }]],
    ['exportMarkdown', [{ dir: '' }]],
    ['exportMarkdown', [{ dir: '/tmp/x', layout: '../../etc' }]],
    ['setStarred', ['id', true, 'extra']],
  ])('refuses %s(%j) as invalid_argument without calling the core', async (method, args) => {
    const { api, calls } = recordingApi();
    const r = await dispatch(api, method, args);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('invalid_argument');
      expect(r.error.message).toContain(method);
    }
    expect(calls).toEqual([]);
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'deleteEverything', 42, null])(
    'refuses unknown method %j',
    async (method) => {
      const { api, calls } = recordingApi();
      const r = await dispatch(api, method, []);
      expect(r).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
      expect(calls).toEqual([]);
    },
  );

  it('carries a deliberate failure code and turns a crash into an internal error', async () => {
    const { api } = recordingApi();
    expect(await dispatch(api, 'getItem', ['nope'])).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'service: no item nope' },
    });
    expect(await dispatch(api, 'counts', [])).toEqual({ ok: false, error: { code: 'internal', message: 'disk on fire' } });
  });

  it('has a schema for every method of the contract', async () => {
    const { api } = recordingApi();
    for (const m of METHODS) {
      const r = await dispatch(api, m, [{ certainly: 'not valid' }, 1, 2, 3, 4]);
      expect(r.ok, m).toBe(false);
    }
  });
});
