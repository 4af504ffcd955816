// Import planning: which OPML entries are new, which the library already has, which were refused.
import type { OpmlEntry, OpmlRefusal, ParsedOpml } from './opml';
import { sameFeedKey } from './opml-url';

export interface ImportPlan {
  /** New feeds, first occurrence of each URL in file order. */
  toAdd: { url: string; title: string; folder: string; siteUrl?: string; line: number }[];
  /** Entries whose feed the library already has. */
  present: { url: string; title: string; line: number }[];
  refused: OpmlRefusal[];
  /** Later copies of a URL the same file already listed (merged into the first). */
  duplicates: { url: string; line: number; firstLine: number }[];
}

/** planImport: split parsed OPML entries into feeds to add, feeds already present (by normalized URL) and refusals; duplicates within the file are merged. */
export function planImport(parsed: ParsedOpml, existing: readonly { url: string }[]): ImportPlan {
  const have = new Set(existing.map((f) => sameFeedKey(f.url)));
  const seen = new Map<string, number>();
  const plan: ImportPlan = { toAdd: [], present: [], refused: [...parsed.refused], duplicates: [] };
  for (const e of parsed.entries as OpmlEntry[]) {
    const key = sameFeedKey(e.url);
    const first = seen.get(key);
    if (first !== undefined) {
      plan.duplicates.push({ url: e.url, line: e.line, firstLine: first });
      continue;
    }
    seen.set(key, e.line);
    if (have.has(key)) {
      plan.present.push({ url: e.url, title: e.title ?? '', line: e.line });
      continue;
    }
    const add: ImportPlan['toAdd'][number] = { url: key, title: e.title ?? '', folder: e.folder, line: e.line };
    if (e.siteUrl) add.siteUrl = e.siteUrl;
    plan.toAdd.push(add);
  }
  return plan;
}
