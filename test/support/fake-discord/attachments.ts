// Files a user attaches to a command option of type ATTACHMENT (11). Discord uploads them to its CDN and
// puts `resolved.attachments[id]` (id, filename, size, url, proxy_url, content_type, ephemeral) in the
// interaction; the URL is signed and expires (`ex` = expiry in hex seconds, `is` = issue time, `hm` = hash).
// The fake serves the bytes at the same kind of path on its own origin and counts every download, so a test
// can check that the bot read the file once and that an expired link answers like the CDN does.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIAttachment } from 'discord-api-types/v10';
import { snowflake, type FakeState } from './state.ts';

export interface StoredAttachment {
  id: string;
  filename: string;
  contentType?: string;
  bytes: Uint8Array;
  /** ms since the epoch after which the signed URL no longer works. */
  expiresAt: number;
  signature: string;
  downloads: number;
}

export interface UploadOptions {
  contentType?: string;
  /** Life of the signed URL; Discord's last about a day. Default 24 h. */
  expiresInMs?: number;
  /** Announce this size in `resolved.attachments` instead of the real one (a client could not, but tests may). */
  announcedSize?: number;
}

const PATH = /^\/ephemeral-attachments\/(\d+)\/(\d+)\/([^/]+)$/;

export function storeUpload(
  state: FakeState,
  filename: string,
  content: Uint8Array | string,
  options: UploadOptions = {},
): StoredAttachment & { announcedSize?: number } {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  const attachment = {
    id: snowflake(),
    filename,
    ...(options.contentType ? { contentType: options.contentType } : {}),
    bytes,
    expiresAt: Date.now() + (options.expiresInMs ?? 24 * 3600_000),
    signature: randomBytes(16).toString('hex'),
    downloads: 0,
    ...(options.announcedSize !== undefined ? { announcedSize: options.announcedSize } : {}),
  };
  state.attachments.set(attachment.id, attachment);
  return attachment;
}

/** The `resolved.attachments` entry Discord sends for an uploaded file. */
export function resolvedAttachment(
  state: FakeState,
  attachment: StoredAttachment & { announcedSize?: number },
): APIAttachment {
  const c = state.config;
  const path = `/ephemeral-attachments/${c.applicationId}/${attachment.id}/${encodeURIComponent(attachment.filename)}`;
  const query =
    `?ex=${Math.floor(attachment.expiresAt / 1000).toString(16)}` +
    `&is=${Math.floor(Date.now() / 1000).toString(16)}&hm=${attachment.signature}&`;
  return {
    id: attachment.id,
    filename: attachment.filename,
    size: attachment.announcedSize ?? attachment.bytes.byteLength,
    url: `${c.origin}${path}${query}`,
    proxy_url: `${c.origin}${path}${query}`,
    ...(attachment.contentType ? { content_type: attachment.contentType } : {}),
    ephemeral: true,
  };
}

/** Serves a GET of an attachment URL; false when the path is not an attachment's (the REST API's then). */
export function serveAttachment(state: FakeState, req: IncomingMessage, res: ServerResponse): boolean {
  const url = new URL(req.url ?? '/', state.config.origin);
  const match = PATH.exec(url.pathname);
  if (!match) return false;
  const attachment = state.attachments.get(match[2]);
  const valid =
    req.method === 'GET' &&
    attachment !== undefined &&
    match[1] === state.config.applicationId &&
    decodeURIComponent(match[3]) === attachment.filename &&
    url.searchParams.get('hm') === attachment.signature;
  if (!valid) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
    return true;
  }
  if (Date.now() > attachment.expiresAt) {
    // The CDN's answer to an expired signed link.
    res.writeHead(404, { 'content-type': 'text/plain' }).end('This content is no longer available.');
    return true;
  }
  attachment.downloads++;
  state.changed();
  res
    .writeHead(200, {
      'content-type': attachment.contentType ?? 'application/octet-stream',
      'content-length': String(attachment.bytes.byteLength),
    })
    .end(attachment.bytes);
  return true;
}
