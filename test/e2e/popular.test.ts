import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadArtifacts } from '../../src/artifacts/loader.ts';
import { ModelRepository } from '../../src/artifacts/repository.ts';
import type { Artifacts } from '../../src/artifacts/types.ts';
import { displayTitle } from '../../src/serve/titles.ts';
import { startTestBot, trainSmallModels, type TestBot } from '../support/bot-harness.ts';

const EPHEMERAL = 1 << 6;
const OWNER = '1100000000000000300';

describe('/popular end to end', () => {
  let bot: TestBot;
  let artifacts: Artifacts;
  let modelsDir: string;

  beforeAll(async () => {
    ({ modelsDir } = await trainSmallModels(11));
    artifacts = await loadArtifacts((await new ModelRepository(modelsDir).currentDir())!);
    bot = await startTestBot({ modelsDir });
  });
  afterAll(async () => {
    await bot?.close();
  });

  const buttons = (message: { components?: unknown[] }) =>
    (
      (message.components ?? []) as {
        components: { custom_id: string; label: string; disabled?: boolean }[];
      }[]
    ).flatMap((row) => row.components);

  it('shows the catalog 10 per page with rank, WR, count and mean, and pages with buttons', async () => {
    const handle = await bot.fake.command('popular', {});
    const page1 = handle.finalMessage();
    expect(page1.flags ?? 0).toBe(0);
    const embed = page1.embeds[0];
    expect(embed.title).toBe('Top 100 movies');
    expect(embed.footer?.text).toMatch(/^Page 1\/10 · /);
    const lines = embed.description!.split('\n');
    expect(lines).toHaveLength(10);
    const top = artifacts.catalog[0];
    expect(lines[0]).toBe(
      `\`  1.\` **${displayTitle(artifacts.movies.get(top.movieId)!.title)}** — WR ${top.wr.toFixed(2)} · ${top.count} ratings · mean ${top.mean.toFixed(2)}`,
    );
    const [previous, next] = buttons(page1);
    expect(previous).toMatchObject({ label: 'Previous', disabled: true });
    expect(next).toMatchObject({ label: 'Next', disabled: false });

    await bot.fake.clickButton(page1, next.custom_id);
    const page2 = handle.finalMessage();
    expect(page2.embeds[0].footer?.text).toMatch(/^Page 2\/10 · /);
    expect(page2.embeds[0].description!.split('\n')[0]).toMatch(/^` 11\.` /);
    await bot.fake.clickButton(page2, buttons(page2)[0].custom_id);
    expect(handle.finalMessage().embeds[0].footer?.text).toMatch(/^Page 1\/10 · /);
  });

  it('filters by genre, with genre autocomplete', async () => {
    const choices = await bot.fake.autocomplete('popular', { genre: 'dra' }, 'genre');
    expect(choices).toEqual([{ name: 'Drama', value: 'Drama' }]);
    const handle = await bot.fake.command('popular', { genre: 'Drama' });
    const embed = handle.finalMessage().embeds[0];
    expect(embed.title).toBe('Top Drama movies');
    const dramaCount = artifacts.catalog.filter((e) =>
      artifacts.movies.get(e.movieId)!.genres.includes('Drama'),
    ).length;
    expect(embed.footer?.text).toContain(`Page 1/${Math.ceil(dramaCount / 10)}`);
  });

  it('refuses an unknown genre privately, listing the real ones', async () => {
    const handle = await bot.fake.command('popular', { genre: 'Westerns' });
    const message = handle.finalMessage();
    expect(message.flags! & EPHEMERAL).toBe(EPHEMERAL);
    expect(message.content).toContain('“Westerns” is not a genre in the catalog');
    expect(message.content).toContain('Drama');
  });

  it('lets only the member who ran it turn the pages', async () => {
    const handle = await bot.fake.command('popular', {});
    const next = buttons(handle.finalMessage())[1];
    const click = await bot.fake.clickButton(handle.finalMessage(), next.custom_id, {
      userId: '1100000000000000999',
    });
    expect(click.finalMessage().flags! & EPHEMERAL).toBe(EPHEMERAL);
    expect(click.finalMessage().content).toContain('belong to whoever ran this /popular');
    expect(handle.finalMessage().embeds[0].footer?.text).toMatch(/^Page 1\/10/);
  });

  it('keeps paging after a bot restart, and stops cleanly when the catalog was retrained', async () => {
    const handle = await bot.fake.command('popular', {}, { userId: OWNER });
    const message = handle.finalMessage();
    await bot.stopBot();
    bot = await startTestBot({ modelsDir, fake: bot.fake, dataDir: bot.dataDir });
    await bot.fake.clickButton(message, buttons(message)[1].custom_id);
    expect(handle.finalMessage().embeds[0].footer?.text).toMatch(/^Page 2\/10/);

    // A new version is served: the old list's buttons go away with a private note.
    const { result } = await trainSmallModels(12);
    if (!result.published) throw new Error('retrain failed');
    bot.bot.context.models.swap(result.artifacts);
    const current = handle.finalMessage();
    const click = await bot.fake.clickButton(current, buttons(current)[1].custom_id);
    expect(handle.finalMessage().components ?? []).toHaveLength(0);
    const note = (await click.waitFor((e) => e.kind === 'followup')).message;
    expect(note.flags! & EPHEMERAL).toBe(EPHEMERAL);
    expect(note.content).toContain('out of date');
  });
});
