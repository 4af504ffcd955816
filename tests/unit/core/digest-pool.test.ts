// The opt-in worker pool (TIDINGS_DIGEST_WORKERS): the same digest as in place, errors carried back.
import { describe, expect, it } from 'vitest';
import { digestFeed } from '../../../src-main/core/digest';
import { feedDocument } from '../../../bench/farm';

process.env.TIDINGS_DIGEST_WORKERS = '1';
const { digestOffThread, digestPoolEnabled } = await import('../../../src-main/core/digest-pool');

describe('digestOffThread', () => {
  it('digests in a worker exactly as in place, for several feeds at once', async () => {
    expect(digestPoolEnabled()).toBe(true);
    const inputs = [1, 2, 3].map((i) => {
      const url = `http://127.0.0.2:8080/f${i}/feed.xml`;
      return { body: Buffer.from(feedDocument(i, 0, 8, 'http://127.0.0.2:8080')), finalUrl: url, feedId: `f${i}`, feedUrl: url, rules: [{ tag: 'energy', any: ['energy'] }] };
    });
    const digests = await Promise.all(inputs.map((input) => digestOffThread(input)));
    digests.forEach((d, k) => expect(d).toEqual(digestFeed(inputs[k]!)));
    expect(digests[0]!.items[0]!.digest?.html).toContain('<p>');
  }, 30_000);

  it("rejects with the parser's message", async () => {
    const url = 'https://site.example/';
    await expect(digestOffThread({ body: Buffer.from('<html><body>page</body></html>'), finalUrl: url, feedId: 'x', feedUrl: url, rules: [] })).rejects.toThrow(/^parser: this address returned a web page/);
  }, 30_000);
});
