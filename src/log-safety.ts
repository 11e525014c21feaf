/**
 * What keeps secrets and Discord ids out of every log line, in two layers:
 *
 * 1. `serializeError`: an error is logged by an allow-list of fields (type, message, stack, code,
 *    status, method, cause…), so the request `url` (an interaction webhook URL holds the
 *    interaction token), `requestBody` (message content with `<@id>` mentions) and `rawError` of
 *    discord.js's DiscordAPIError / HTTPError never reach a line, nor any field an HTTP client adds.
 * 2. `scrubLogLine`: the finished line (pino's `hooks.streamWrite`) has every token-shaped string
 *    and Discord id replaced, whatever field or message it hid in.
 *
 * Discord ids (snowflakes: user, guild, channel, interaction…) become a pseudonym `id#` + 8 hex
 * digits, an HMAC with a key drawn at process start and kept only in memory. The same id gets the
 * same pseudonym for the life of the process, so an interaction's lines can still be followed
 * (the router logs `interaction: interaction.id`), but nobody can turn it back into the id, or
 * compute a known member's pseudonym to find their lines: the key is never logged or stored.
 */
import { createHmac, randomBytes } from 'node:crypto';

const PSEUDONYM_KEY = randomBytes(32);

/** `id#1a2b3c4d`: stable for this process's life, meaningless outside it. */
export function pseudonym(id: string): string {
  return `id#${createHmac('sha256', PSEUDONYM_KEY).update(id).digest('hex').slice(0, 8)}`;
}

const B64 = '[A-Za-z0-9_-]';

/** Ordered: URLs first (they name what follows), then shapes, then the ids left over. */
const RULES: ReadonlyArray<[RegExp, string | ((match: string) => string)]> = [
  // Interaction webhooks and callbacks: /webhooks/{applicationId}/{interactionToken}, /interactions/{id}/{token}.
  [/\/webhooks\/\d+\/[^/?#\s"'\\]+/g, '/webhooks/[app]/[token]'],
  [/\/interactions\/\d+\/[^/?#\s"'\\]+/g, '/interactions/[id]/[token]'],
  // Credentials in query strings (TMDB's v3 key travels as api_key).
  [/\b(api_key|access_token|session_id|token)=[^&#\s"'\\]+/gi, '$1=[redacted]'],
  // Authorization header values written out.
  [/\b(Bearer|Bot)\s+[A-Za-z0-9._~+/=-]{16,}/g, '$1 [redacted]'],
  // Discord bot tokens (base64 id . timestamp . hmac) and JWTs such as TMDB read tokens: three
  // base64url parts joined by dots.
  [new RegExp(`${B64}{16,}\\.${B64}{4,}\\.${B64}{16,}`, 'g'), '[token]'],
  // Interaction tokens ("aW50ZXJhY3Rpb246…" = "interaction:…") and any other long base64url run
  // mixing letters and digits, such as the webhook tokens above outside a URL.
  [new RegExp(`${B64}{60,}`, 'g'), (run) => (/\d/.test(run) && /[A-Za-z]/.test(run) ? '[token]' : run)],
  // TMDB v3 API keys: 32 hex digits (an MD5 checksum looks the same and goes too).
  [/(?<![0-9A-Za-z])[0-9a-f]{32}(?![0-9A-Za-z])/gi, '[key]'],
  // Discord ids: 17–20 digits standing alone (not part of a longer number or a decimal).
  [/(?<![\w.])\d{17,20}(?![\w.])/g, pseudonym],
];

/** The line with every token-shaped string replaced and every Discord id pseudonymised. */
export function scrubLogLine(line: string): string {
  let clean = line;
  for (const [pattern, replacement] of RULES) {
    clean =
      typeof replacement === 'string'
        ? clean.replace(pattern, replacement)
        : clean.replace(pattern, replacement);
  }
  return clean;
}

/** Error fields safe to log: what went wrong, where, and Discord's or the OS's code for it. */
const SAFE_ERROR_FIELDS = ['code', 'status', 'method', 'errno', 'syscall', 'signal', 'incident'] as const;
const MAX_CAUSE_DEPTH = 4;

/**
 * An error as a log object by allow-list: type, message, stack, the SAFE_ERROR_FIELDS that are
 * plain values, and its cause (and an AggregateError's errors) the same way. Request URLs, bodies,
 * headers and raw responses are never copied. Non-errors are logged as they are (then scrubbed).
 */
export function serializeError(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const source = value as Record<string, unknown> & { constructor?: { name?: string } };
  const isError = value instanceof Error;
  const out: Record<string, unknown> = {};
  const type = isError ? (source.constructor?.name ?? (value as Error).name) : source.type;
  if (typeof type === 'string') out.type = type;
  for (const key of ['message', 'stack', ...SAFE_ERROR_FIELDS]) {
    const field = source[key];
    if (typeof field === 'string' || typeof field === 'number' || typeof field === 'boolean')
      out[key] = field;
  }
  if (depth < MAX_CAUSE_DEPTH) {
    if (source.cause !== undefined) out.cause = serializeError(source.cause, depth + 1);
    if (Array.isArray(source.errors) && isError)
      out.errors = source.errors.slice(0, 10).map((error) => serializeError(error, depth + 1));
  }
  return out;
}
