/**
 * The new-member protocol's JSON lines as the README's markdown tables (`--markdown`), so a run's figures
 * are pasted, never retyped.
 */
type Line = Record<string, unknown>;

const PERSONAL_ROWS: [string, string][] = [
  ['foryou.gems', '`/foryou` gems (drawn, mean of the seeds)'],
  ['foryou.gems@top', '`/foryou` gems (deterministic top 5)'],
  ['fold-in-band', 'MF-path fold-in, top 5 of the band'],
  ['fold-in-all', 'MF-path fold-in, top 5 of all movies'],
  ['random-band', '5 random band movies'],
  ['foryou.popular', '`/foryou` popular (drawn)'],
  ['foryou.popular@top', '`/foryou` popular (top 5)'],
  ['knn-summed', 'summed kNN of the liked told movies'],
  ['most-rated', 'the 5 most-rated movies'],
];

const GROUP_ROWS: [string, string][] = [
  ['movienight.gems', '`/movienight` gems (drawn)'],
  ['movienight.gems@top', '`/movienight` gems (top 5)'],
  ['pooled-fold-in-band', 'MF-path fold-in of the pooled ratings, band'],
  ['mean-member-fold-in-band', 'mean of the members\u2019 fold-ins, band'],
  ['random-band', '5 random band movies'],
  ['movienight.popular', '`/movienight` popular (drawn)'],
  ['movienight.popular@top', '`/movienight` popular (top 5)'],
  ['most-rated', 'the 5 most-rated movies'],
];

export function newMemberTables(lines: readonly Line[]): string {
  const head = lines.find((line) => line.name === 'new-members.protocol');
  if (!head) throw new Error('no new-members.protocol line: not a new-member run');
  const told = head.told as number[];
  const lists = lines.filter((line) => line.name === 'new-members');
  const find = (n: number, list: string, unit: string) =>
    lists.find((line) => line.told === n && line.list === list && unit in line);
  const out: string[] = [];

  out.push(`| list (hits per 100 members, N = ${told.join(' / ')}) | hits | nDCG@5 |`, '|---|---|---|');
  for (const [list, label] of PERSONAL_ROWS) {
    const cells = told.map((n) => find(n, list, 'members'));
    if (cells.every((cell) => !cell)) continue;
    out.push(
      `| ${label} | ${cells.map((c) => fmt(c?.hitsPer100, c?.hitsPer100StdErr)).join(' / ')} | ${cells.map((c) => num(c?.ndcg, 3)).join(' / ')} |`,
    );
  }
  const middle = told.includes(10) ? 10 : told[Math.floor(told.length / 2)];
  const gems = find(middle, 'foryou.gems', 'members');
  if (gems)
    out.push(
      '',
      `Gems over the ${String(head.members)} members at N = ${middle} (first seed): ${String(gems.distinct)} distinct, the most frequent served to ${pct(gems.topMovieShare)} of them.`,
    );

  out.push(
    '',
    `| list (hits per 100 groups of 3, liked by any / by ≥ 2; N = ${told.join(' / ')}) | any | ≥ 2 |`,
    '|---|---|---|',
  );
  for (const [list, label] of GROUP_ROWS) {
    const cells = told.map((n) => find(n, list, 'groups'));
    if (cells.every((cell) => !cell)) continue;
    out.push(
      `| ${label} | ${cells.map((c) => num(c?.hitsPer100, 1)).join(' / ')} | ${cells.map((c) => num(c?.['hitsPer100.two'], 1)).join(' / ')} |`,
    );
  }

  out.push(
    '',
    '| paired comparison (difference, 95 % bootstrap interval; ratio) | ' +
      told.map((n) => `N = ${n}`).join(' | ') +
      ' |',
  );
  out.push('|---|' + told.map(() => '---').join('|') + '|');
  const comparisons = lines.filter((line) => line.name === 'new-members.compare');
  const keys = [
    ...new Set(
      comparisons.map((c) => `${String(c.a)} − ${String(c.b)} (${String(c.relevance)}, ${String(c.metric)})`),
    ),
  ];
  for (const key of keys) {
    const cells = told.map((n) => {
      const c = comparisons.find(
        (line) =>
          line.told === n &&
          `${String(line.a)} − ${String(line.b)} (${String(line.relevance)}, ${String(line.metric)})` === key,
      );
      return c
        ? `${String(c.difference)} [${String(c.low)}, ${String(c.high)}]; ${c.ratio === null ? '—' : `${String(c.ratio)}×`}`
        : '—';
    });
    out.push(`| ${key} | ${cells.join(' | ')} |`);
  }

  const server = lines.filter((line) => line.name === 'new-members.server-list');
  if (server.length > 0) {
    out.push('', `| server list of 20, ranked by (nDCG@5; N = ${told.join(' / ')}) | nDCG@5 |`, '|---|---|');
    for (const ranker of [...new Set(server.map((line) => String(line.ranker)))]) {
      const cells = told.map((n) => server.find((line) => line.told === n && line.ranker === ranker));
      out.push(`| ${ranker} | ${cells.map((c) => num(c?.ndcg, 3)).join(' / ')} |`);
    }
  }
  return out.join('\n') + '\n';
}

function fmt(value: unknown, error: unknown): string {
  return typeof value === 'number'
    ? `${value.toFixed(1)}${typeof error === 'number' ? ` ± ${error.toFixed(1)}` : ''}`
    : '—';
}

function num(value: unknown, digits: number): string {
  return typeof value === 'number' ? value.toFixed(digits) : '—';
}

function pct(value: unknown): string {
  return typeof value === 'number' ? `${Math.round(100 * value)} %` : '—';
}
