// The REST API under `/api/v10`, as @discordjs/rest calls it: `${api}/v10${route}${?query}`, with
// `Authorization: Bot <token>` except on interaction callbacks and webhook routes (auth: false there).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { serveAttachment } from './attachments.ts';
import {
  ApplicationCommandType,
  MessageFlags,
  MessageType,
  PermissionFlagsBits,
  RESTJSONErrorCodes,
  type APIApplicationCommand,
  type APIInteractionResponse,
  type RESTGetAPIGatewayBotResult,
  type RESTPatchAPIGuildScheduledEventJSONBody,
  type RESTPostAPIApplicationCommandsJSONBody,
  type RESTPostAPIGuildScheduledEventJSONBody,
} from 'discord-api-types/v10';
import { Errors, HttpError } from './errors.ts';
import type { Gateway } from './gateway.ts';
import {
  createFollowup,
  deleteWebhookMessage,
  editWebhookMessage,
  getWebhookMessage,
  handleCallback,
  interactionForWebhook,
} from './interactions.ts';
import { createMessage, editMessage, type UploadedFile } from './messages.ts';
import { application, botUser, guildOfChannel, textChannel } from './payloads.ts';
import { answerVoters, attachPollGateway, expireByAuthor } from './polls.ts';
import { ScheduledEvents } from './scheduled-events.ts';
import { snowflake, type FakeState } from './state.ts';
import { validateCommands, validateMessageBody, type MessageBody } from './validate.ts';

interface Ctx {
  params: string[];
  query: URLSearchParams;
  body: unknown;
  files: UploadedFile[];
}

interface Reply {
  status: number;
  body?: unknown;
}

interface Route {
  method: string;
  pattern: RegExp;
  auth: boolean;
  handle: (ctx: Ctx) => Reply;
}

const ok = (body: unknown, status = 200): Reply => ({ status, body });
const noContent: Reply = { status: 204 };

export function createRestHandler(state: FakeState, gateway: Gateway, events: ScheduledEvents) {
  const c = state.config;
  attachPollGateway(state, gateway);
  const routes: Route[] = [];
  const route = (method: string, path: string, auth: boolean, handle: (ctx: Ctx) => Reply) => {
    const pattern = new RegExp(`^${path.replace(/:\w+/g, '([^/]+)')}$`);
    routes.push({ method, pattern, auth, handle });
  };

  route('GET', '/gateway', false, () => ok({ url: gateway.url }));
  route('GET', '/gateway/bot', true, () =>
    ok({
      url: gateway.url,
      shards: c.shardCount,
      session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: c.maxConcurrency },
    } satisfies RESTGetAPIGatewayBotResult),
  );
  route('GET', '/users/@me', true, () => ok(botUser(c)));
  route('GET', '/applications/@me', true, () => ok(application(c)));

  // Commands: global scope and the guilds the bot is in.
  const scope = (appId: string, guildId?: string): string => {
    if (appId !== c.applicationId) throw Errors.notAuthorizedForApplication();
    if (guildId !== undefined && !c.guilds.some((g) => g.id === guildId)) throw Errors.missingAccess();
    return guildId ?? 'global';
  };
  for (const [path, toScope] of [
    ['/applications/:app/commands', (p: string[]) => scope(p[0])],
    ['/applications/:app/guilds/:guild/commands', (p: string[]) => scope(p[0], p[1])],
  ] as const) {
    route('GET', path, true, ({ params }) => ok(state.commands.get(toScope(params)) ?? []));
    route('PUT', path, true, ({ params, body }) => {
      const s = toScope(params);
      const defs = body as RESTPostAPIApplicationCommandsJSONBody[];
      validateCommands(defs);
      const previous = state.commands.get(s) ?? [];
      const next = defs.map((def) => storedCommand(c.applicationId, s, def, previous));
      state.commands.set(s, next);
      state.changed();
      return ok(next);
    });
    route('POST', path, true, ({ params, body }) => {
      const s = toScope(params);
      const def = body as RESTPostAPIApplicationCommandsJSONBody;
      validateCommands([def]);
      const previous = state.commands.get(s) ?? [];
      const stored = storedCommand(c.applicationId, s, def, previous);
      const existed = previous.some((p) => p.id === stored.id);
      state.commands.set(s, [...previous.filter((p) => p.id !== stored.id), stored]);
      state.changed();
      return ok(stored, existed ? 200 : 201);
    });
  }

  route('POST', '/interactions/:id/:token/callback', false, ({ params: [id, token], body, files, query }) => {
    const result = handleCallback(
      state,
      id,
      token,
      body as APIInteractionResponse,
      files,
      query.get('with_response') === 'true',
    );
    return result ? ok(result) : noContent;
  });
  // For interaction follow-ups `wait` is always true: the created message is returned.
  route('POST', '/webhooks/:app/:token', false, ({ params: [app, token], body, files }) =>
    ok(createFollowup(state, interactionForWebhook(state, app, token), body as MessageBody, files)),
  );
  const webhookMessage = '/webhooks/:app/:token/messages/:message';
  route('GET', webhookMessage, false, ({ params: [app, token, target] }) =>
    ok(getWebhookMessage(state, interactionForWebhook(state, app, token), target)),
  );
  route('PATCH', webhookMessage, false, ({ params: [app, token, target], body, files }) =>
    ok(
      editWebhookMessage(state, interactionForWebhook(state, app, token), target, body as MessageBody, files),
    ),
  );
  route('DELETE', webhookMessage, false, ({ params: [app, token, target] }) => {
    deleteWebhookMessage(state, interactionForWebhook(state, app, token), target);
    return noContent;
  });

  route('GET', '/channels/:channel', true, ({ params: [channelId] }) => {
    if (!guildOfChannel(c, channelId)) throw Errors.unknownChannel();
    return ok(textChannel(c, channelId));
  });
  route('POST', '/channels/:channel/messages', true, ({ params: [channelId], body, files }) => {
    if (!guildOfChannel(c, channelId)) throw Errors.unknownChannel();
    validateMessageBody(body as MessageBody);
    if ((body as MessageBody).poll && !(c.botPermissions & PermissionFlagsBits.SendPolls)) {
      throw new HttpError(403, {
        code: RESTJSONErrorCodes.MissingPermissions,
        message: 'Missing Permissions',
      });
    }
    const message = createMessage(state, {
      channelId,
      author: botUser(c),
      type: MessageType.Default,
      body: body as MessageBody,
      files,
    });
    state.channelPosts.set(channelId, [...(state.channelPosts.get(channelId) ?? []), message.id]);
    state.changed();
    return ok(message);
  });

  // The bot editing/deleting its messages directly (e.g. message.edit()). Ephemeral messages exist only
  // for the interaction webhook, so the channel endpoints don't see them.
  const channelMessage = ([channelId, messageId]: string[]) => {
    if (!guildOfChannel(c, channelId)) throw Errors.unknownChannel();
    const message = state.messages.get(messageId);
    if (!message || message.channel_id !== channelId || (message.flags ?? 0) & MessageFlags.Ephemeral) {
      throw Errors.unknownMessage();
    }
    return message;
  };
  route('GET', '/channels/:channel/messages/:message', true, ({ params }) => ok(channelMessage(params)));
  route('PATCH', '/channels/:channel/messages/:message', true, ({ params, body, files }) => {
    const existing = channelMessage(params);
    validateMessageBody(body as MessageBody);
    const message = editMessage(state, existing, body as MessageBody, files);
    state.changed();
    return ok(message);
  });
  route('DELETE', '/channels/:channel/messages/:message', true, ({ params }) => {
    state.messages.delete(channelMessage(params).id);
    state.changed();
    return noContent;
  });

  // Polls: the author ends one early; anyone may list an answer's voters.
  route('POST', '/channels/:channel/polls/:message/expire', true, ({ params: [channelId, messageId] }) =>
    ok(expireByAuthor(state, channelId, messageId, c.botUserId)),
  );
  route('GET', '/channels/:channel/polls/:message/answers/:answer', true, ({ params, query }) =>
    ok(answerVoters(state, params[0], params[1], Number(params[2]), query)),
  );

  // Scheduled events of the guilds the bot is in.
  const guildScope = (guildId: string) => {
    if (!c.guilds.some((g) => g.id === guildId)) throw Errors.missingAccess();
    return guildId;
  };
  route('GET', '/guilds/:guild/scheduled-events', true, ({ params: [g] }) => ok(events.list(guildScope(g))));
  route('POST', '/guilds/:guild/scheduled-events', true, ({ params: [g], body }) =>
    ok(events.create(guildScope(g), body as RESTPostAPIGuildScheduledEventJSONBody)),
  );
  route('GET', '/guilds/:guild/scheduled-events/:event', true, ({ params: [g, e] }) =>
    ok(events.get(guildScope(g), e)),
  );
  route('PATCH', '/guilds/:guild/scheduled-events/:event', true, ({ params: [g, e], body }) =>
    ok(events.update(guildScope(g), e, body as RESTPatchAPIGuildScheduledEventJSONBody)),
  );
  route('DELETE', '/guilds/:guild/scheduled-events/:event', true, ({ params: [g, e] }) => {
    events.delete(guildScope(g), e);
    return noContent;
  });

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // Attachment downloads are the CDN's, not the API's: no bot token, not in `requests`.
    if (serveAttachment(state, req, res)) return;
    const url = new URL(req.url ?? '/', c.origin);
    const path = url.pathname.replace(/^\/api\/v10(?=\/)/, '');
    let reply: Reply;
    let body: unknown;
    try {
      const parsed = await readBody(req);
      body = parsed.body;
      if (!url.pathname.startsWith('/api/')) throw Errors.notFound();
      if (path === url.pathname) throw Errors.invalidApiVersion();
      const injected = state.failures.find(
        (f) => f.times > 0 && (!f.method || f.method === req.method) && f.path.test(safeDecode(path)),
      );
      if (injected) {
        injected.times--;
        throw injected.error();
      }
      const matches = routes.filter((r) => r.pattern.test(path));
      const match = matches.find((r) => r.method === req.method);
      if (!match) throw matches.length ? Errors.methodNotAllowed() : Errors.notFound();
      if (match.auth && req.headers.authorization !== `Bot ${c.token}`) throw Errors.unauthorized();
      const params = match.pattern.exec(path)!.slice(1).map(decodeURIComponent);
      reply = match.handle({ params, query: url.searchParams, body: parsed.body, files: parsed.files });
    } catch (error) {
      // Anything unexpected is a 500 naming the bug; note @discordjs/rest retries 5xx before giving up.
      reply =
        error instanceof HttpError
          ? { status: error.status, body: error.body }
          : {
              status: 500,
              body: { code: 0, message: `Fake Discord bug: ${(error as Error).stack ?? error}` },
            };
    }
    state.requests.push({
      method: req.method ?? 'GET',
      path: safeDecode(path),
      query: url.search,
      body,
      status: reply.status,
      ...(reply.status >= 400 ? { error: reply.body } : {}),
    });
    state.changed();
    if (reply.body === undefined) {
      res.writeHead(reply.status).end();
    } else {
      res.writeHead(reply.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(reply.body));
    }
  };
}

/** PUT keeps ids (and versions, if unchanged) of commands with the same name and type, as Discord does. */
function storedCommand(
  applicationId: string,
  scope: string,
  def: RESTPostAPIApplicationCommandsJSONBody,
  previous: APIApplicationCommand[],
): APIApplicationCommand {
  const type = def.type ?? ApplicationCommandType.ChatInput;
  const old = previous.find((p) => p.name === def.name && p.type === type);
  const stored = {
    ...def,
    id: old?.id ?? snowflake(),
    application_id: applicationId,
    type,
    description: 'description' in def ? (def.description ?? '') : '',
    default_member_permissions: def.default_member_permissions ?? null,
    version: old?.version ?? snowflake(),
    ...(scope === 'global' ? {} : { guild_id: scope }),
  } as APIApplicationCommand;
  const same = old && JSON.stringify({ ...old, version: '' }) === JSON.stringify({ ...stored, version: '' });
  return same ? old : { ...stored, version: snowflake() };
}

/** JSON, or multipart with `payload_json` plus `files[n]` parts (how discord.js sends attachments). */
async function readBody(req: IncomingMessage): Promise<{ body: unknown; files: UploadedFile[] }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('multipart/form-data')) {
    const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
    const files: UploadedFile[] = [];
    let body: unknown = {};
    for (const [field, value] of form) {
      if (typeof value === 'string') {
        if (field === 'payload_json') body = parseJson(value);
      } else {
        files.push({
          field,
          filename: value.name,
          contentType: value.type,
          data: Buffer.from(await value.arrayBuffer()),
        });
      }
    }
    return { body, files };
  }
  return { body: raw.length ? parseJson(raw.toString('utf8')) : undefined, files: [] };
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw Errors.badJson();
  }
}
