/** Dense rows for the ids of a rating column (users or movies), as the models' fits index them. */

/** The distinct ids of a column in first-seen order and, per rating, the dense row of its id. */
export function denseIds(column: Int32Array): { ids: Int32Array; rows: Int32Array } {
  const rowOf = new Map<number, number>();
  const rows = new Int32Array(column.length);
  for (let i = 0; i < column.length; i++) {
    let row = rowOf.get(column[i]);
    if (row === undefined) {
      row = rowOf.size;
      rowOf.set(column[i], row);
    }
    rows[i] = row;
  }
  return { ids: Int32Array.from(rowOf.keys()), rows };
}
