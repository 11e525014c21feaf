import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import path from 'node:path';

async function fsync(target: string, flags: string): Promise<void> {
  const handle = await open(target, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsyncs a directory so a rename inside it survives a power loss, not just a process kill. */
export function syncDir(dir: string): Promise<void> {
  return fsync(dir, 'r');
}

/** Writes a file durably: its bytes are on disk before this resolves. */
export async function writeDurable(file: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(file, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `file` in one step: readers see the old content or the new, never a partial write,
 * even if the process is killed mid-way (rename is atomic within a directory on POSIX).
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  await writeDurable(temp, data);
  await rename(temp, file);
  await syncDir(path.dirname(file));
}

/**
 * A file's size and SHA-256, read in 4 MB pieces: a bot checking a 32M-sized version never holds its
 * ~89 MB taste model twice (once for the checksum, once loaded), which raised its peak RSS by about that.
 */
export async function fileDigest(file: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 22 })) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { bytes, sha256: hash.digest('hex') };
}
