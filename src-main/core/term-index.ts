// A compact inverted index: per term, typed arrays of document numbers, weights and where the term
// was seen. MiniSearch keeps a Map per posting; at 100,000 articles that took seconds per query and
// gigabytes, where these arrays take tens of megabytes and a query walks them in milliseconds.

/** IN_TEXT / IN_CONTENT: where a document holds a term (title, summary, author, feed / article). */
export const IN_TEXT = 1;
export const IN_CONTENT = 2;

const K1 = 1.2;
const B = 0.75;

class Postings {
  docs = new Int32Array(4);
  weight = new Float32Array(4);
  where = new Uint8Array(4);
  n = 0;

  push(doc: number, w: number, where: number): void {
    if (this.n > 0 && this.docs[this.n - 1] === doc) {
      this.weight[this.n - 1]! += w;
      this.where[this.n - 1]! |= where;
      return;
    }
    if (this.n === this.docs.length) {
      const cap = this.n * 2;
      const d = new Int32Array(cap);
      d.set(this.docs);
      const wt = new Float32Array(cap);
      wt.set(this.weight);
      const wh = new Uint8Array(cap);
      wh.set(this.where);
      this.docs = d;
      this.weight = wt;
      this.where = wh;
    }
    this.docs[this.n] = doc;
    this.weight[this.n] = w;
    this.where[this.n] = where;
    this.n++;
  }
}

/** TermIndex: documents (keyed by string, each with a payload) → weighted terms; AND queries with prefix matching, BM25 ranking. */
export class TermIndex<T> {
  private readonly postings = new Map<string, Postings>();
  private readonly keys: string[] = [];
  private readonly payloads: T[] = [];
  private readonly docOf = new Map<string, number>();
  private alive = new Uint8Array(1024);
  private length = new Float32Array(1024);
  private totalLength = 0;
  private live = 0;
  private sortedTerms: string[] = [];
  private readonly newTerms = new Set<string>();

  /** size: live documents. */
  size(): number {
    return this.live;
  }

  /** has: whether a key is indexed. */
  has(key: string): boolean {
    return this.docOf.has(key);
  }

  /** add: index a document given as weighted fields of terms (a key already present is replaced). */
  add(key: string, payload: T, fields: { terms: string[]; weight: number; where: number }[]): void {
    this.remove(key);
    const doc = this.keys.length;
    this.keys.push(key);
    this.payloads.push(payload);
    this.docOf.set(key, doc);
    if (doc >= this.alive.length) {
      const a = new Uint8Array(this.alive.length * 2);
      a.set(this.alive);
      this.alive = a;
      const l = new Float32Array(this.length.length * 2);
      l.set(this.length);
      this.length = l;
    }
    let len = 0;
    for (const f of fields) {
      for (const t of f.terms) {
        let p = this.postings.get(t);
        if (!p) {
          this.postings.set(t, (p = new Postings()));
          this.newTerms.add(t);
        }
        p.push(doc, f.weight, f.where);
      }
      len += f.terms.length * f.weight;
    }
    this.alive[doc] = 1;
    this.length[doc] = len;
    this.totalLength += len;
    this.live++;
  }

  /** remove: forget a document (its postings are skipped from now on). */
  remove(key: string): void {
    const doc = this.docOf.get(key);
    if (doc === undefined) return;
    this.docOf.delete(key);
    this.alive[doc] = 0;
    // Drop the payload so a removed item can be collected.
    this.payloads[doc] = undefined as T;
    this.totalLength -= this.length[doc]!;
    this.live--;
  }

  /** search: visit the documents holding every term (a term also as a prefix when `prefix` says so) with their scores; inTextAll: every term is in the text, not only the article. */
  search(terms: string[], prefix: (t: string) => boolean, visit: (payload: T, score: number, inTextAll: boolean) => void): void {
    if (!terms.length || !this.live || terms.length > 250) return;
    const n = this.keys.length;
    const score = new Float32Array(n);
    // hits[d]: how many query terms d holds so far; textAt[d]: the last term seen outside the article.
    const hits = new Uint8Array(n);
    const textHits = new Uint8Array(n);
    const textAt = new Uint8Array(n);
    const first: number[] = [];
    const avg = this.totalLength / this.live || 1;
    terms.forEach((term, qi) => {
      const expansions = prefix(term) ? this.expand(term) : this.postings.has(term) ? [term] : [];
      for (const t of expansions) {
        const p = this.postings.get(t)!;
        const idf = Math.log(1 + (this.live - p.n + 0.5) / (p.n + 0.5));
        // A prefix match counts a little less than the whole word.
        const exact = t === term ? 1 : 0.8;
        for (let i = 0; i < p.n; i++) {
          const d = p.docs[i]!;
          const h = hits[d]!;
          if (h !== qi && h !== qi + 1) continue;
          if (!this.alive[d]) continue;
          if (h === qi) {
            hits[d] = qi + 1;
            if (qi === 0) first.push(d);
          }
          const tf = p.weight[i]!;
          score[d]! += exact * idf * ((tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * this.length[d]!) / avg)));
          if (p.where[i]! & IN_TEXT && textAt[d] !== qi + 1) {
            textAt[d] = qi + 1;
            textHits[d]!++;
          }
        }
      }
    });
    for (const d of first) {
      if (hits[d] === terms.length) visit(this.payloads[d]!, score[d]!, textHits[d] === terms.length);
    }
  }

  private expand(prefix: string): string[] {
    if (this.newTerms.size > 5000) this.resort();
    const out: string[] = [];
    let lo = 0;
    let hi = this.sortedTerms.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sortedTerms[mid]! < prefix) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.sortedTerms.length && this.sortedTerms[i]!.startsWith(prefix); i++) out.push(this.sortedTerms[i]!);
    for (const t of this.newTerms) if (t.startsWith(prefix)) out.push(t);
    return out;
  }

  private resort(): void {
    for (const t of this.newTerms) this.sortedTerms.push(t);
    this.newTerms.clear();
    this.sortedTerms.sort();
  }

  /** settle: fold newly seen terms into the sorted vocabulary (after a bulk build). */
  settle(): void {
    this.resort();
  }
}
