// The media cache's size limit (issue 8): least recently read first (a file's mtime is set when it
// is stored and each time an article showing it is opened), never an image a starred item shows.
import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { MEDIA_NAME } from './media';

export interface EvictionResult {
  /** Bytes in the cache before eviction. */
  total: number;
  removed: number;
  freed: number;
}

/** evictMedia: delete cached images, least recently read first, until the cache fits limitBytes; `keep` holds `/media/…` paths that must stay. */
export async function evictMedia(mediaDir: string, limitBytes: number, keep: ReadonlySet<string>): Promise<EvictionResult> {
  const files: { path: string; local: string; size: number; mtime: number }[] = [];
  const prefixes = await readdir(mediaDir).catch(() => [] as string[]);
  for (const prefix of prefixes) {
    if (!/^[0-9a-f]{2}$/.test(prefix)) continue;
    for (const name of await readdir(join(mediaDir, prefix)).catch(() => [] as string[])) {
      // Temp files of a write in progress and anything not ours are left alone.
      if (!MEDIA_NAME.test(name)) continue;
      const st = await stat(join(mediaDir, prefix, name)).catch(() => undefined);
      if (st?.isFile()) files.push({ path: join(mediaDir, prefix, name), local: `/media/${prefix}/${name}`, size: st.size, mtime: st.mtimeMs });
    }
  }
  const total = files.reduce((n, f) => n + f.size, 0);
  let size = total;
  let removed = 0;
  files.sort((a, b) => a.mtime - b.mtime);
  for (const f of files) {
    if (size <= limitBytes) break;
    if (keep.has(f.local)) continue;
    if (await unlink(f.path).then(() => true, () => false)) {
      size -= f.size;
      removed++;
    }
  }
  return { total, removed, freed: total - size };
}
