// Run by crash.test.ts: works the real store as fast as it can (refreshes with new items, mark-read
// bursts, library edits) until SIGKILLed, telling the parent on stdout when each write begins and
// when it is acknowledged (durable). Waits for a line on stdin before opening the library.
import { createInterface } from 'node:readline';
import { openStore } from '../../../src-main/storage/store';
import { StoreLockedError } from '../../../src-main/storage/lock';
import type { Item } from '../../../src-main/core/model';

const dir = process.argv[2]!;
const FEEDS = ['fa', 'fb', 'fc', 'fd'];
const say = (line: string): void => void process.stdout.write(`${line}\n`);

await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()));
let store;
for (;;) {
  try {
    // A small journal limit and delay, so kills also land during compactions.
    store = await openStore(dir, { compactAfterBytes: 2000, compactDelayMs: 30 });
    break;
  } catch (err) {
    if (!(err instanceof StoreLockedError)) throw err;
    await new Promise((r) => setTimeout(r, 5));
  }
}
const s = store;
let seq = s.itemCount() + s.library().folders.length + 1000 * Number(process.argv[3] ?? 0);
say('ready');

function item(feedId: string, n: number): Item {
  const published = new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString();
  return {
    id: `${feedId}-${n}`, feedId, title: `T ${n}`, published, fetched: published,
    summary: `S ${n} `.repeat(20), categories: [], tags: [`t${n % 3}`], read: false, starred: false,
  };
}

for (;;) {
  const ops: Promise<void>[] = [];
  // A refresh of one feed with a few new items (content and items files).
  const feedId = FEEDS[seq % FEEDS.length]!;
  const fresh = [seq++, seq++, seq++].map((n) => item(feedId, n));
  say(`begin put ${fresh.map((i) => i.id).join(' ')}`);
  ops.push(
    s.putItems({ feedId, items: fresh, content: new Map(fresh.map((i) => [i.id, `<p>C ${i.id}</p>`])) })
      .then(() => say(`ack put ${fresh.map((i) => i.id).join(' ')}`)),
  );
  // A burst of mark-read clicks on unread items.
  const unread = s.refsByDate().filter((r) => !r.read).slice(0, 6);
  for (const r of unread) {
    say(`begin read ${r.id}`);
    ops.push(s.patchItems([r.id], (it) => ((it.read = true), true)).then(() => say(`ack read ${r.id}`)));
  }
  const folder = `F${seq++}`;
  say(`begin lib ${folder}`);
  ops.push(s.updateLibrary((lib) => void lib.folders.push(folder)).then(() => say(`ack lib ${folder}`)));
  await Promise.all(ops);
}
