/**
 * Many fixed-capacity top-k lists in flat typed arrays (one min-heap per list), for keeping the best k
 * of millions of scored candidates without allocating per candidate. "Better" means a higher score, or
 * an equal score and a lower id, so results do not depend on the order candidates arrive in.
 */
export class TopKLists {
  private readonly ids: Int32Array;
  private readonly scores: Float64Array;
  private readonly sizes: Int32Array;

  constructor(
    lists: number,
    readonly k: number,
  ) {
    this.ids = new Int32Array(lists * k);
    this.scores = new Float64Array(lists * k);
    this.sizes = new Int32Array(lists);
  }

  private worse(a: number, b: number): boolean {
    const sa = this.scores[a];
    const sb = this.scores[b];
    return sa < sb || (sa === sb && this.ids[a] > this.ids[b]);
  }

  /** Offers (id, score) to list `list`; kept only while it is among the k best seen. */
  offer(list: number, id: number, score: number): void {
    const k = this.k;
    if (k === 0) return;
    const base = list * k;
    const size = this.sizes[list];
    if (size < k) {
      // Append and sift up.
      let i = size;
      this.ids[base + i] = id;
      this.scores[base + i] = score;
      this.sizes[list] = size + 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.worse(base + i, base + parent)) break;
        this.swap(base + i, base + parent);
        i = parent;
      }
      return;
    }
    // Full: replace the root (the worst kept) if the newcomer beats it, then sift down.
    const rootScore = this.scores[base];
    if (score < rootScore || (score === rootScore && id > this.ids[base])) return;
    this.ids[base] = id;
    this.scores[base] = score;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= k) break;
      const right = left + 1;
      let worst = left;
      if (right < k && this.worse(base + right, base + left)) worst = right;
      if (!this.worse(base + worst, base + i)) break;
      this.swap(base + i, base + worst);
      i = worst;
    }
  }

  private swap(a: number, b: number): void {
    const id = this.ids[a];
    this.ids[a] = this.ids[b];
    this.ids[b] = id;
    const score = this.scores[a];
    this.scores[a] = this.scores[b];
    this.scores[b] = score;
  }

  /** The kept entries of a list, best first. */
  sorted(list: number): Array<{ id: number; score: number }> {
    const base = list * this.k;
    const out: Array<{ id: number; score: number }> = [];
    for (let i = 0; i < this.sizes[list]; i++)
      out.push({ id: this.ids[base + i], score: this.scores[base + i] });
    return out.sort((a, b) => b.score - a.score || a.id - b.id);
  }
}
