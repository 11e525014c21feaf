// Slash commands are sent to Discord only when the set changed, not on every start.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandSetHash } from '../../src/bot/command-sync.ts';
import { startTestBot, trainSmallModels } from '../support/bot-harness.ts';
import { tempDir } from '../support/dataset.ts';
import { startFakeDiscord, type FakeDiscord } from '../support/fake-discord/index.ts';

describe('command registration', () => {
  let fake: FakeDiscord;
  let modelsDir: string;

  beforeAll(async () => {
    ({ modelsDir } = await trainSmallModels(71));
    fake = await startFakeDiscord();
  });
  afterAll(async () => {
    await fake?.close();
  });

  const puts = () => fake.requests.filter((r) => r.method === 'PUT' && r.path.endsWith('/commands'));

  it('registers on the first start, not on restarts, and again once the set changed', async () => {
    const dataDir = await tempDir('flickpick-state-');
    const first = await startTestBot({ modelsDir, fake, dataDir });
    expect(puts()).toHaveLength(1);
    expect(fake.registeredCommands(fake.guildId).length).toBeGreaterThan(0);
    const store = first.bot.context.store;
    const key = `commands:${fake.apiUrl}:${fake.applicationId}:${fake.guildId}`;
    expect(await store.get(key)).toBe(commandSetHash());
    // What a new release with different commands looks like from the store's side.
    await store.set(key, 'hash of an older command set');
    await first.stopBot();

    const second = await startTestBot({ modelsDir, fake, dataDir });
    expect(puts()).toHaveLength(2);
    await second.stopBot();

    const third = await startTestBot({ modelsDir, fake, dataDir });
    expect(puts()).toHaveLength(2);
    const handle = await fake.command('popular', {});
    expect(handle.finalMessage().embeds[0].title).toBe('Top 100 movies');
    await third.stopBot();
  });

  it('registers again for another target (another guild or API), whatever the store holds', async () => {
    const dataDir = await tempDir('flickpick-state-');
    const before = puts().length;
    const other = await startFakeDiscord({ guildId: '1100000000000000999' });
    try {
      const a = await startTestBot({ modelsDir, fake, dataDir });
      await a.stopBot();
      const b = await startTestBot({ modelsDir, fake: other, dataDir });
      await b.stopBot();
      expect(puts().length).toBe(before + 1);
      expect(other.registeredCommands(other.guildId).length).toBeGreaterThan(0);
    } finally {
      await other.close();
    }
  });
});
