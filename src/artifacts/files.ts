import { createHash } from 'node:crypto';
import { open, readFile, rename, stat } from 'node:fs/promises';
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

/** fsyncs a file written by someone else's code (hnswlib writes its index synchronously, unsynced). */
export function syncFile(file: string): Promise<void> {
  return fsync(file, 'r+');
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

export async function fileDigest(file: string): Promise<{ bytes: number; sha256: string }> {
  const [info, content] = await Promise.all([stat(file), readFile(file)]);
  return { bytes: info.size, sha256: createHash('sha256').update(content).digest('hex') };
}
