// The articles of the corpus's real-world feed captures, parsed as ingest parses them: the
// reference input for checks that a fast path leaves real articles as a DOM would.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodeBody } from '../../src-main/core/encoding';
import { parseFeed } from '../../src-main/core/parser';
import type { ParsedItem } from '../../src-main/core/model';
import { CORPUS } from './paths';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

/** realWorldItems: every item of every parseable feed under corpus/feeds/real-world, with its file. */
export function realWorldItems(): { file: string; item: ParsedItem }[] {
  const out: { file: string; item: ParsedItem }[] = [];
  for (const file of files(join(CORPUS, 'feeds', 'real-world'))) {
    try {
      for (const item of parseFeed(decodeBody(readFileSync(file), undefined).text, 'https://example.org/feed').items) out.push({ file, item });
    } catch {
      // Ill-formed captures are the conformance tests' business.
    }
  }
  return out;
}
