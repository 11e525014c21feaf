/** Maps raw MovieLens ids (sparse, arbitrary) to dense row numbers of the embedding tables, and back. */
export class IdIndex {
  private readonly rowOf = new Map<number, number>();

  /** ids must be unique; row i belongs to ids[i]. */
  constructor(readonly ids: Int32Array) {
    ids.forEach((id, row) => this.rowOf.set(id, row));
  }

  /** The distinct ids of a column, ascending, so row order does not depend on file order. */
  static fromColumn(column: Int32Array): IdIndex {
    const distinct = Int32Array.from(new Set(column)).sort();
    return new IdIndex(distinct);
  }

  get size(): number {
    return this.ids.length;
  }

  /** Row of a raw id, or -1 when the id is unknown. */
  row(id: number): number {
    return this.rowOf.get(id) ?? -1;
  }

  /** Rows for a whole column; unknown ids become -1. */
  rows(column: Int32Array): Int32Array {
    const out = new Int32Array(column.length);
    for (let i = 0; i < column.length; i++) out[i] = this.row(column[i]);
    return out;
  }
}
