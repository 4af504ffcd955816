// The worker pool (one worker by default where there is a second core; TIDINGS_DIGEST_WORKERS
// sets the number): the same digest as in place, errors carried back, a dead worker's feed
// digested in place, and the built app's worker file working on its own.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { REPO } from '../../helpers/paths';
import { digestFeed, forTransfer } from '../../../src-main/core/digest';
import { feedDocument } from '../../../bench/farm';

process.env.TIDINGS_DIGEST_WORKERS = '1';
const { digestOffThread, digestPoolEnabled, digestPoolRecoveries } = await import('../../../src-main/core/digest-pool');

describe('digestOffThread', () => {
  it('digests in a worker exactly as in place, for several feeds at once', async () => {
    expect(digestPoolEnabled()).toBe(true);
    const inputs = [1, 2, 3].map((i) => {
      const url = `http://127.0.0.2:8080/f${i}/feed.xml`;
      return { body: Buffer.from(feedDocument(i, 0, 8, 'http://127.0.0.2:8080')), finalUrl: url, feedId: `f${i}`, feedUrl: url, rules: [{ tag: 'energy', any: ['energy'] }] };
    });
    const digests = await Promise.all(inputs.map((input) => digestOffThread(input)));
    digests.forEach((d, k) => {
      const here = digestFeed(inputs[k]!);
      expect(d).toEqual(forTransfer(here));
      // Digested items come back without their raw article (identity does not need it: they have a guid).
      expect(d.items.every((x, i) => x.item.content === undefined && here.items[i]!.item.content !== undefined)).toBe(true);
    });
    expect(digests[0]!.items[0]!.digest?.html).toContain('<p>');
  }, 30_000);

  it("rejects with the parser's message", async () => {
    const url = 'https://site.example/';
    await expect(digestOffThread({ body: Buffer.from('<html><body>page</body></html>'), finalUrl: url, feedId: 'x', feedUrl: url, rules: [] })).rejects.toThrow(/^parser: this address returned a web page/);
  }, 30_000);

  it('digests in place a document too large for a worker’s capped heap', async () => {
    // ~40 MB of items: the worker's 96 MB heap cannot hold the document and its tree.
    const url = 'https://big.example/feed';
    const item = (i: number) => `<item><title>T${i}</title><guid>g${i}</guid><description>${'word '.repeat(400)}</description></item>`;
    const body = Buffer.from(`<rss version="2.0"><channel><title>big</title>${Array.from({ length: 20_000 }, (_, i) => item(i)).join('')}</channel></rss>`);
    const input = { body, finalUrl: url, feedId: 'big', feedUrl: url, rules: [] };
    const before = digestPoolRecoveries();
    const d = await digestOffThread(input);
    expect(digestPoolRecoveries()).toBe(before + 1);
    expect(d.items).toHaveLength(20_000);
    expect(d.items[19_999]!.item.title).toBe('T19999');
  }, 120_000);
});

describe('the built digest worker', () => {
  it('digests a feed beside the bundled main process as in place', async () => {
    const file = join(REPO, 'out/main/digest-worker.js');
    if (!existsSync(file)) execFileSync(join(REPO, 'node_modules/.bin/electron-vite'), ['build'], { cwd: REPO, stdio: 'pipe', timeout: 240_000 });
    const url = 'http://127.0.0.2:8080/f9/feed.xml';
    const input = { body: Buffer.from(feedDocument(9, 0, 5, 'http://127.0.0.2:8080')), finalUrl: url, feedId: 'f9', feedUrl: url, rules: [{ tag: 'energy', any: ['energy'] }] };
    const worker = new Worker(file);
    try {
      const reply = await new Promise<unknown>((ok, fail) => {
        worker.once('message', ok);
        worker.once('error', fail);
        worker.postMessage(input);
      });
      expect(reply).toEqual({ digest: forTransfer(digestFeed(input)) });
    } finally {
      await worker.terminate();
    }
  }, 240_000);
});
