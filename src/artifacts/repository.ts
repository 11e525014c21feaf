import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { syncDir, writeFileAtomic } from './files.ts';
import { FILES } from './format.ts';
import type { Manifest } from './types.ts';

const CURRENT = 'CURRENT';
const STAGING = '.staging';
const REJECTED = '.rejected';
/**
 * Version names sort by time, to the millisecond: 20261127T164512345Z-3f9a. (Names from before
 * milliseconds were added, 20261127T164512Z-3f9a, still match.)
 */
const VERSION_PATTERN = /^\d{8}T\d{6}(\d{3})?Z-[0-9a-f]{4}$/;
/** A staging folder this old belongs to a run that died; a live run finishes far sooner. */
const STALE_STAGING_MS = 6 * 60 * 60_000;

export function newVersionName(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:.]/g, '');
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

/**
 * The models/ directory: published versions in models/<version>/, the serving one named by
 * models/CURRENT. A version is written under models/.staging/, verified, renamed into place and
 * only then made current by replacing CURRENT atomically — so a kill at any moment leaves the old
 * or the new version current, never a half-written one.
 */
export class ModelRepository {
  constructor(
    readonly root: string,
    /** Published versions kept for rollback (older ones are deleted). */
    readonly keep = 5,
  ) {}

  /** A fresh, empty directory to write a new version into. */
  async createStaging(): Promise<{ version: string; dir: string }> {
    const version = newVersionName();
    const dir = path.join(this.root, STAGING, version);
    await mkdir(dir, { recursive: true });
    return { version, dir };
  }

  versionDir(version: string): string {
    return path.join(this.root, version);
  }

  /** Moves a verified staging version into place and makes it current. */
  async publish(version: string): Promise<void> {
    await rename(path.join(this.root, STAGING, version), this.versionDir(version));
    await syncDir(this.root);
    await this.setCurrent(version);
    await this.prune();
  }

  /** Keeps a failed version aside for inspection, with the reason, out of the serving path. */
  async reject(version: string, reason: string): Promise<string> {
    const dir = path.join(this.root, REJECTED, version);
    await mkdir(path.dirname(dir), { recursive: true });
    await mkdir(path.join(this.root, STAGING, version), { recursive: true });
    await rename(path.join(this.root, STAGING, version), dir);
    await writeFile(path.join(dir, 'REJECTED.txt'), `${reason}\n`);
    return dir;
  }

  async setCurrent(version: string): Promise<void> {
    if (!(await this.list()).includes(version))
      throw new Error(`no published version ${version} in ${this.root}`);
    await writeFileAtomic(path.join(this.root, CURRENT), `${version}\n`);
  }

  async currentVersion(): Promise<string | null> {
    try {
      const version = (await readFile(path.join(this.root, CURRENT), 'utf8')).trim();
      return version === '' ? null : version;
    } catch {
      return null;
    }
  }

  async currentDir(): Promise<string | null> {
    const version = await this.currentVersion();
    return version ? this.versionDir(version) : null;
  }

  /** Published versions, oldest first. */
  async list(): Promise<string[]> {
    try {
      const entries = await readdir(this.root, { withFileTypes: true });
      return entries
        .filter((e) => e.isDirectory() && VERSION_PATTERN.test(e.name))
        .map((e) => e.name)
        .sort();
    } catch {
      return [];
    }
  }

  async manifest(version: string): Promise<Manifest> {
    return JSON.parse(
      await readFile(path.join(this.versionDir(version), FILES.manifest), 'utf8'),
    ) as Manifest;
  }

  /** Makes the version published before the current one current again; returns it. */
  async rollback(): Promise<string> {
    const versions = await this.list();
    const current = await this.currentVersion();
    const index = current ? versions.indexOf(current) : versions.length;
    if (index <= 0) throw new Error('there is no earlier version to roll back to');
    const previous = versions[index - 1];
    await this.setCurrent(previous);
    return previous;
  }

  /**
   * Deletes what killed runs left in staging. Only folders untouched for hours go, so a run in
   * another process (the bot's retrain while an admin runs the CLI) never loses its work.
   */
  async cleanStaging(olderThanMs = STALE_STAGING_MS): Promise<void> {
    const dir = path.join(this.root, STAGING);
    const entries = await readdir(dir).catch(() => [] as string[]);
    for (const name of entries) {
      const info = await stat(path.join(dir, name)).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs >= olderThanMs) {
        await rm(path.join(dir, name), { recursive: true, force: true });
      }
    }
  }

  /** Keeps the newest `keep` versions, and always the current one. */
  private async prune(): Promise<void> {
    const versions = await this.list();
    const current = await this.currentVersion();
    const old = versions.slice(0, Math.max(0, versions.length - this.keep)).filter((v) => v !== current);
    for (const version of old) await rm(this.versionDir(version), { recursive: true, force: true });
  }
}
