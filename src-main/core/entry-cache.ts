// Per feed, the entries of the document parsed last and the ids their items are stored under
// (entry-chunks.ts): the next refresh leaves those entries out of the parse. Kept in memory only —
// after a restart the first refresh of each feed parses it whole and fills this again.

interface FeedEntries {
  context: string;
  ids: Map<string, string>;
}

/** EntryCache: the last parsed entries of each feed, by fingerprint. */
export class EntryCache {
  private readonly feeds = new Map<string, FeedEntries>();

  /** known: the fingerprints that may be left out of the next parse of a feed — those whose item is still stored. */
  known(feedId: string, stored: (id: string) => boolean): { context: string; hashes: string[] } | undefined {
    const f = this.feeds.get(feedId);
    if (!f) return undefined;
    const hashes: string[] = [];
    for (const [h, id] of f.ids) if (stored(id)) hashes.push(h);
    return hashes.length ? { context: f.context, hashes } : undefined;
  }

  /** idOf: the item id stored for an entry of a feed's last document. */
  idOf(feedId: string, hash: string): string | undefined {
    return this.feeds.get(feedId)?.ids.get(hash);
  }

  /** remember: a feed's current document, entry by entry (replaces what was known). */
  remember(feedId: string, context: string, entries: Map<string, string>): void {
    this.feeds.set(feedId, { context, ids: entries });
  }

  /** forget: parse the feed whole next time. */
  forget(feedId: string): void {
    this.feeds.delete(feedId);
  }
}
