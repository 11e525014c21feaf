/**
 * Reads an attached export from Discord's CDN: once, at once (the link is signed and expires), with the size
 * checked before and while reading, and only from Discord's own hosts (or the API origin the bot is configured
 * with: a proxy, or the local fake in tests). The bytes live only in this call's memory: never stored.
 */
import type { Attachment } from 'discord.js';
import { UserFacingError } from './command.ts';
import { checkExportSize, ExportProblem, MAX_EXPORT_BYTES } from '../serve/import/parse-export.ts';

const DISCORD_CDN_HOSTS = new Set(['cdn.discordapp.com', 'media.discordapp.net']);
const DOWNLOAD_TIMEOUT_MS = 10_000;

export async function downloadAttachment(
  attachment: Attachment,
  apiUrl: string | undefined,
): Promise<Uint8Array> {
  assertSize(attachment.size);
  const url = new URL(attachment.url);
  const allowed =
    (url.protocol === 'https:' && DISCORD_CDN_HOSTS.has(url.hostname)) ||
    (apiUrl !== undefined && url.origin === new URL(apiUrl).origin);
  if (!allowed)
    throw new UserFacingError('That attachment is not on Discord’s servers; attach the file again.');
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS), redirect: 'error' });
  } catch {
    throw new UserFacingError('Discord did not hand over the file in time. Run /import again with the file.');
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new UserFacingError(
      'Discord no longer serves that attachment (its link expires). Run /import again with the file.',
    );
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength;
    // The announced size is the uploader's word; the bytes are what count.
    if (total > MAX_EXPORT_BYTES) {
      await response.body?.cancel().catch(() => undefined);
      assertSize(total);
    }
    chunks.push(chunk);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** The size limit as the member's message. */
function assertSize(bytes: number): void {
  try {
    checkExportSize(bytes);
  } catch (error) {
    if (error instanceof ExportProblem) throw new UserFacingError(error.message);
    throw error;
  }
}
