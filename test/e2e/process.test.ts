import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from '../support/fake-discord/index.ts';
import { tempDir } from '../support/dataset.ts';
import { trainSmallModels } from '../support/bot-harness.ts';
import { commands } from '../../commands/index.ts';

const commandNames = commands.map((c) => c.data.name).sort();

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const DEPLOY = fileURLToPath(new URL('../../src/bot/deploy-commands.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

/** Runs `npm start`'s entry point as its own process, in an empty folder (so no .env is picked up). */
async function startMain(env: Record<string, string>, script = MAIN) {
  const cwd = await tempDir('flickpick-cwd-');
  const child = spawn(TSX, [script], { cwd, env: { PATH: process.env.PATH, ...env }, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, exited, output: () => ({ stdout, stderr }) };
}

describe('npm start as a process', () => {
  let fake: FakeDiscord;
  let modelsDir: string;

  beforeAll(async () => {
    ({ modelsDir } = await trainSmallModels(31));
    fake = await startFakeDiscord();
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('stops at once without a token, saying how to get one and how to try the CLI', async () => {
    const main = await startMain({ MODELS_DIR: modelsDir });
    const [code] = await main.exited;
    expect(code).toBe(1);
    expect(main.output().stderr).toContain('DISCORD_TOKEN is not set');
    expect(main.output().stderr).toContain('npm run cli -- recommend');
  });

  it('stops at once on a malformed setting, naming it', async () => {
    const main = await startMain({ DISCORD_TOKEN: fake.token, DISCORD_API_URL: 'ftp://nope' });
    const [code] = await main.exited;
    expect(code).toBe(1);
    expect(main.output().stderr).toContain('DISCORD_API_URL must start with http:// or https://');
  });

  it('connects, serves, and shuts down gracefully on SIGTERM, never logging the token', async () => {
    const main = await startMain({
      DISCORD_TOKEN: fake.token,
      DISCORD_API_URL: fake.apiUrl,
      DISCORD_GUILD_ID: fake.guildId,
      MODELS_DIR: modelsDir,
      DATA_DIR: await tempDir('flickpick-state-'),
      LOG_LEVEL: 'debug',
    });
    await fake.waitForStats((s) => s.identifies >= 1, 20_000);
    const handle = await fake.command('popular', {});
    expect(handle.finalMessage().embeds[0].title).toBe('Top 100 movies');
    main.child.kill('SIGTERM');
    const [code] = await main.exited;
    expect(code).toBe(0);
    const { stdout } = main.output();
    expect(stdout).toContain('"msg":"connected to Discord"');
    expect(stdout).toContain('"msg":"shutting down"');
    expect(stdout).not.toContain(fake.token);
  });

  it('deploy-commands registers the commands in the guild, or globally, and running it again changes nothing', async () => {
    const env = { DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl };
    for (let run = 0; run < 2; run++) {
      const deploy = await startMain({ ...env, DISCORD_GUILD_ID: fake.guildId }, DEPLOY);
      const [code] = await deploy.exited;
      expect(code).toBe(0);
      expect(deploy.output().stdout).toContain(
        `Registered ${commandNames.length} commands in guild ${fake.guildId}.`,
      );
      expect(
        fake
          .registeredCommands(fake.guildId)
          .map((c) => c.name)
          .sort(),
      ).toEqual(commandNames);
    }
    const global = await startMain(env, DEPLOY);
    expect((await global.exited)[0]).toBe(0);
    expect(global.output().stdout).toContain(`Registered ${commandNames.length} global commands`);
    expect(fake.registeredCommands()).toHaveLength(commandNames.length);
  });
});
