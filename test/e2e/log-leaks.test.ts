import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRepository } from '../../src/artifacts/repository.ts';
import { loadArtifacts } from '../../src/artifacts/loader.ts';
import { startTestBot, trainSmallModels, type TestBot } from '../support/bot-harness.ts';
import { DEFAULT_USER_ID } from '../support/fake-discord/index.ts';
import { startFakeTmdb, type FakeTmdb } from '../support/fake-tmdb/index.ts';

/**
 * The issue-15 case: a Discord API error on an interaction edit (its DiscordAPIError carries the
 * webhook URL with the interaction token, and the request body) and TMDB errors, with everything the
 * bot logs captured and searched for the bot token, interaction tokens, ids and keys.
 */
describe('logs that cannot leak', () => {
  let bot: TestBot;
  let tmdb: FakeTmdb;
  let picks: number[];
  // A real TMDB v3 key's shape (32 hex digits), unique to this run.
  const apiKey = randomBytes(16).toString('hex');

  beforeAll(async () => {
    const { modelsDir } = await trainSmallModels();
    const artifacts = await loadArtifacts((await new ModelRepository(modelsDir).currentDir())!);
    picks = artifacts.catalog.slice(0, 3).map((e) => e.movieId);
    tmdb = await startFakeTmdb({ apiKey, defaultMovie: { kind: 'server-error' } });
    bot = await startTestBot({
      modelsDir,
      env: { TMDB_API_URL: tmdb.baseUrl, TMDB_API_KEY: apiKey, LOG_LEVEL: 'trace' },
    });
  });
  afterAll(async () => {
    await bot?.close();
    await tmdb?.close();
  });

  it('logs the failed edit and the TMDB failures without a token, key or Discord id', async () => {
    // The bot's first edit of its deferred reply (the ten cards) fails as Discord would answer it.
    bot.fake.failNext(
      { method: 'PATCH', path: /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/ },
      'unknownWebhook',
    );
    const handle = await bot.fake.command('recommend', {
      movie1: String(picks[0]),
      movie2: String(picks[1]),
      movie3: String(picks[2]),
    });
    // The member is told privately (the public "thinking…" reply makes way for an ephemeral follow-up).
    const told = await handle.waitFor((e) => e.kind === 'followup');
    expect(told.kind === 'followup' && told.message.content).toMatch(
      /^Something went wrong on our side \(incident \w+\)/,
    );

    const lines = bot.logLines();
    const failed = lines.find((line) => line.msg === 'interaction failed');
    // The error is logged, useful (type, Discord's code and status, the stack) and without its request.
    expect(failed?.err).toMatchObject({ type: 'DiscordAPIError', code: 10015, status: 404, method: 'PATCH' });
    expect(Object.keys(failed!.err as object)).not.toEqual(expect.arrayContaining(['url']));
    expect(failed!.err).not.toHaveProperty('requestBody');
    expect(failed!.err).not.toHaveProperty('rawError');
    // The interaction is still traceable: its id appears as a pseudonym.
    expect(failed!.interaction).toMatch(/^id#[0-9a-f]{8}$/);
    expect(lines.some((line) => line.msg === 'TMDB movie lookup failed')).toBe(true);
    expect(lines.some((line) => line.msg === 'TMDB request' && String(line.url).includes('api_key='))).toBe(
      true,
    );

    // Every secret and id this exchange involved, taken from what crossed the wire.
    const tokens = new Set<string>();
    for (const request of bot.fake.requests) {
      const match = /^\/(?:webhooks\/\d+|interactions\/\d+)\/([^/]+)/.exec(request.path);
      if (match) tokens.add(match[1]);
    }
    expect(tokens.size).toBe(1);
    const secrets = {
      'bot token': bot.fake.token,
      'interaction token': [...tokens][0],
      'interaction id': handle.id,
      'user id': DEFAULT_USER_ID,
      'guild id': bot.fake.guildId,
      'channel id': bot.fake.channelId,
      'application id': bot.fake.applicationId,
      'TMDB key': apiKey,
    };
    const text = bot.logText();
    expect(lines.length).toBeGreaterThan(10);
    const found = Object.entries(secrets).filter(([, secret]) => text.includes(secret));
    expect(found.map(([what]) => what)).toEqual([]);
    expect(text).not.toMatch(/(?<![\w.])\d{17,20}(?![\w.])/);
  });
});
