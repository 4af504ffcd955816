// Run by content-crash.test.ts: works the content files as fast as it can (new texts, full texts,
// removals — so appends, snapshots and compactions) until SIGKILLed, telling the parent on stdout
// when each change begins and when it is acknowledged (durable). Waits for a line on stdin first.
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { ContentShards } from '../../../src-main/storage/content';

const dir = process.argv[2]!;
const round = Number(process.argv[3] ?? 0);
const FEEDS = ['fa', 'fb', 'fc'];
const say = (line: string): void => void process.stdout.write(`${line}\n`);
/** textOf: the feed text of an item, a couple of KB, so logs grow past the size where compaction is checked. */
export const textOf = (id: string): string => `<p>C ${id}</p>` + 'x'.repeat(2000);
/** fullOf: the full article of an item. */
export const fullOf = (id: string): string => `<p>F ${id}</p>`;

// Run as a program (not imported by the test for textOf/fullOf).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()));
  // Odd rounds keep feeds in memory (exact compaction); even ones append without reading (checked compaction).
  const c = new ContentShards(dir, (file, message) => say(`notice ${file} ${message}`), () => new Date(), round % 2 ? 12 : 0);
  say('ready');
  let n = 0;
  const acked = new Map<string, string[]>(FEEDS.map((f) => [f, []]));
  for (;;) {
    const ops: Promise<void>[] = [];
    for (const feedId of FEEDS) {
      const ids = [n++, n++, n++].map((k) => `${feedId}-r${round}-${k}`);
      say(`begin set ${ids.join(' ')}`);
      ops.push(c.update(feedId, new Map(ids.map((id) => [id, textOf(id)]))).then(() => {
        say(`ack set ${ids.join(' ')}`);
        acked.get(feedId)!.push(...ids);
      }));
      const mine = acked.get(feedId)!;
      if (mine.length > 6) {
        const gone = mine.splice(0, 4);
        say(`begin del ${gone.join(' ')}`);
        ops.push(c.update(feedId, new Map(), gone).then(() => say(`ack del ${gone.join(' ')}`)));
      }
      const last = mine.at(-1);
      if (last && n % 2) {
        say(`begin full ${last}`);
        ops.push(c.update(feedId, new Map(), [], new Map([[last, { html: fullOf(last) }]])).then(() => say(`ack full ${last}`)));
      }
      if (round % 2 && n % 5 === 0) ops.push(c.get(feedId, 'none').then(() => undefined));
    }
    await Promise.all(ops);
  }
}
