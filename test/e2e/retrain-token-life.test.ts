import { PermissionFlagsBits } from 'discord.js';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, trainSmallModels, type TestBot } from '../support/bot-harness.ts';
import { DEFAULT_USER_ID, startFakeDiscord } from '../support/fake-discord/index.ts';

const ADMIN = { permissions: PermissionFlagsBits.Administrator };
/**
 * The token life the bot is told: well under any training run here (a retrain of the small models takes
 * 3 s on a quiet 2-core machine, 14–20 s on a loaded one), so the hand-over (at 90 % of it, 1.35 s) always
 * comes before the summary.
 */
const BOT_TOKEN_LIFE_MS = 1_500;
/**
 * The life the fake Discord enforces. In the first test it is longer than the bot's, so the hand-over note
 * has 1.65 s to reach the reply even on a loaded machine; in the second, the bot is told 15 minutes and
 * Discord refuses edits after this, well before the run ends.
 */
const FAKE_TOKEN_LIFE_MS = 3_000;
const SHORT_FAKE_TOKEN_LIFE_MS = 1_500;
const SUMMARY = /^<@(\d+)> ✅ Retrain `\S+` published version `\S+` — now serving\./;

/**
 * `/retrain run` outliving its interaction token (15 min on Discord, ~38 min runs at ml-32m): the
 * fake Discord refuses edits after TOKEN_LIFE_MS with 401 "Invalid Webhook Token" (50027), as Discord
 * does, and the admin still gets progress and the summary, in a channel message.
 */
describe('/retrain run past its interaction token', () => {
  let trained: Awaited<ReturnType<typeof trainSmallModels>>;
  let bot: TestBot | undefined;

  beforeAll(async () => {
    trained = await trainSmallModels(23);
  });
  afterEach(async () => {
    await bot?.close();
    bot = undefined;
  });

  it('hands over to the channel it was run in before the token dies, and posts the summary there', async () => {
    const fake = await startFakeDiscord({ interactionTokenLifeMs: FAKE_TOKEN_LIFE_MS });
    bot = await startTestBot({
      fake,
      modelsDir: trained.modelsDir,
      env: { MOVIELENS_DIR: trained.datasetDir, RETRAIN_MAX_RMSE_INCREASE: '1' },
      adjustConfig: (config) => void (config.discord.interactionTokenLifeMs = BOT_TOKEN_LIFE_MS),
    });
    const handle = await fake.command('retrain run', {}, ADMIN);
    const summary = await fake.waitForChannelMessage((m) => SUMMARY.test(m.content), { timeoutMs: 120_000 });
    expect(SUMMARY.exec(summary.content)![1]).toBe(DEFAULT_USER_ID);
    // Only the admin is pinged, by the summary alone; the progress message made way for it.
    expect(summary.allowed_mentions).toEqual({ parse: [], users: [DEFAULT_USER_ID] });
    expect(fake.channelMessages()).toHaveLength(1);
    // The reply's last words say where the rest went; the bot never used the dead token.
    expect(handle.finalMessage().content).toBe(
      `This reply stops updating here (Discord lets a bot edit a reply for 15 minutes only); progress and the summary continue in <#${fake.channelId}>.`,
    );
    expect(fake.requests.filter((r) => r.status === 401)).toEqual([]);
  });

  it('moves to RETRAIN_CHANNEL_ID when Discord refuses an edit for an expired token', async () => {
    // The bot believes the token lives 15 minutes; Discord says otherwise (e.g. clock skew).
    const fake = await startFakeDiscord({ interactionTokenLifeMs: SHORT_FAKE_TOKEN_LIFE_MS, guilds: 2 });
    const retrainChannel = fake.guilds[1].channelId;
    bot = await startTestBot({
      fake,
      modelsDir: trained.modelsDir,
      env: {
        MOVIELENS_DIR: trained.datasetDir,
        RETRAIN_MAX_RMSE_INCREASE: '1',
        RETRAIN_CHANNEL_ID: retrainChannel,
      },
    });
    await fake.command('retrain run', {}, ADMIN);
    const summary = await fake.waitForChannelMessage((m) => SUMMARY.test(m.content), {
      channelId: retrainChannel,
      timeoutMs: 120_000,
    });
    expect(summary.allowed_mentions?.users).toEqual([DEFAULT_USER_ID]);
    const refused = fake.requests.filter((r) => r.status === 401);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((r) => (r.error as { code: number }).code === 50027)).toBe(true);
    expect(fake.channelMessages()).toEqual([]); // nothing in the channel it was run in
  });
});
