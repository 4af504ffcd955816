// Export keywords (DESIGN §3): tags plus the first few title words that carry meaning.

// Short English function words: a title's first content words are what a reader would search for.
const STOP = new Set(
  `a about above after again against all also am an and any are as at be because been before being below
  between both but by can could did do does doing down during each few for from further had has have having
  he her here hers him his how i if in into is it its itself just may me might more most must my no nor not
  now of off on once only or other our ours out over own same says said she should so some such than that the
  their theirs them then there these they this those through to too under until up upon us very via vs was we
  were what when where which while who whom why will with would yet you your new how why what`.split(/\s+/),
);

/** titleWords: the first `count` title words that are not stop words (lower-cased, no bare numbers or single letters). */
export function titleWords(title: string, count = 3): string[] {
  const out: string[] = [];
  for (const m of title.toLowerCase().matchAll(/[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu)) {
    const w = m[0].replace(/['’]s$/u, '');
    if (w.length < 2 || STOP.has(w) || /^\p{N}+$/u.test(w) || out.includes(w)) continue;
    out.push(w);
    if (out.length === count) break;
  }
  return out;
}

/** keywordsFor: tags ∪ the first three non-stop-word title words, lower-cased, without duplicates. */
export function keywordsFor(title: string, tags: string[]): string[] {
  const out = [...new Set(tags.map((t) => t.toLowerCase()))];
  for (const w of titleWords(title)) if (!out.includes(w)) out.push(w);
  return out;
}
