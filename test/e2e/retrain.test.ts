import { PermissionFlagsBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, trainSmallModels, type TestBot } from '../support/bot-harness.ts';

const EPHEMERAL = 1 << 6;
const ADMIN = { permissions: PermissionFlagsBits.Administrator };

describe('/retrain end to end', () => {
  let bot: TestBot;
  let firstVersion: string;

  beforeAll(async () => {
    const { modelsDir, datasetDir, result } = await trainSmallModels(21);
    firstVersion = result.version;
    bot = await startTestBot({
      modelsDir,
      env: { MOVIELENS_DIR: datasetDir, RETRAIN_MAX_RMSE_INCREASE: '1' },
    });
  });
  afterAll(async () => {
    await bot?.close();
  });

  it('retrains on demand, refuses a second run and a rollback meanwhile, and hot-swaps the new version', async () => {
    const handle = await bot.fake.command('retrain run', {}, ADMIN);
    expect(handle.finalMessage().flags! & EPHEMERAL).toBe(EPHEMERAL);

    const rollback = await bot.fake.command('retrain rollback', {}, ADMIN);
    expect(rollback.finalMessage().flags! & EPHEMERAL).toBe(EPHEMERAL);
    expect(rollback.finalMessage().content).toMatch(
      /^A retrain is running \(run `\S+`\); roll back once it has finished/,
    );

    const second = await bot.fake.command('retrain run', {}, ADMIN);
    const refusal = await second.waitForMessage((m) => !(m.flags! & 128));
    expect(refusal.content).toMatch(/^A retrain is already running on this bot; this one was not started\./);

    const summary = await handle.waitForMessage((m) => /published version|failed/.test(m.content), 60_000);
    expect(summary.content).toMatch(/^✅ Retrain `\S+` published version `(\S+)` — now serving\./);
    expect(summary.content).toMatch(/Duration \d+\.\d s · [\d,]+ ratings/);
    expect(summary.content).toMatch(/Hold-out RMSE: \d\.\d{4} → \d\.\d{4}/);
    expect(summary.content).toMatch(/Catalog: unchanged\./);
    const newVersion = /published version `(\S+)`/.exec(summary.content)![1];
    expect(newVersion).not.toBe(firstVersion);
    expect(bot.bot.context.models.current.version).toBe(newVersion);
  });

  it('shows the serving version and the last run', async () => {
    const handle = await bot.fake.command('retrain status', {}, ADMIN);
    const message = handle.finalMessage();
    expect(message.flags! & EPHEMERAL).toBe(EPHEMERAL);
    expect(message.content).toContain(`Serving version \`${bot.bot.context.models.current.version}\``);
    expect(message.content).toMatch(/DNMF validation RMSE \d\.\d{4}/);
    expect(message.content).toContain('Last run:\n✅ Retrain');
  });

  it('rolls back to the previous version', async () => {
    const handle = await bot.fake.command('retrain rollback', {}, ADMIN);
    const message = await handle.waitForMessage();
    expect(message.content).toMatch(/^Rolled back from `\S+` to `\S+`; now serving it\./);
    expect(bot.bot.context.models.current.version).toBe(firstVersion);
  });

  it('refuses an administrator missing from ADMIN_USER_IDS', async () => {
    const other = await startTestBot({
      modelsDir: bot.bot.context.config.modelsDir,
      env: { ADMIN_USER_IDS: '1100000000000000777' },
    });
    try {
      const handle = await other.fake.command('retrain run', {}, ADMIN);
      expect(handle.finalMessage().flags! & EPHEMERAL).toBe(EPHEMERAL);
      expect(handle.finalMessage().content).toContain('not on this bot’s ADMIN_USER_IDS list');
    } finally {
      await other.close();
    }
  });
});
