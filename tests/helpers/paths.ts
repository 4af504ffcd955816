import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The shared corpus of real feeds and OPML files (read-only; never copied into the project). */
export const CORPUS = resolve(REPO, '../shared/corpus');
/** The reference Markdown export. */
export const SEED_DIR = resolve(REPO, '../shared/seed-example');
