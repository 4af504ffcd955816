// Run by lock.test.ts in a second process: open the library given as argv[2], say what happened,
// and hold it until stdin closes (or until killed).
import { openStore } from '../../../src-main/storage/store';

const dir = process.argv[2]!;
try {
  const store = await openStore(dir);
  process.stdout.write('opened\n');
  process.stdin.resume();
  process.stdin.on('end', () => void store.close().then(() => process.exit(0)));
} catch (err) {
  process.stdout.write(`error: ${(err as Error).message}\n`);
  process.exit(3);
}
