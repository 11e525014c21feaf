import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { syncDir, writeFileAtomic } from './files.ts';
import { FILES } from './format.ts';
import { checkManifest } from './manifest-schema.ts';
import { parseJson } from './schema.ts';
import type { Manifest } from './types.ts';

const CURRENT = 'CURRENT';
/** The versions served, oldest first, one per line; the last is the one CURRENT names. */
const HISTORY = 'HISTORY';
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
 *
 * models/HISTORY lists the versions served, in order: publishing pushes, rollback pops, so rollback
 * returns to the version served before the current one (not the previous name in sort order).
 * Only versions in the history are kept on disk, at most `keep` of them; when there are more, a
 * near-copy (a version trained on the same data as the one served after it: same
 * `data.fingerprint`) goes before any real earlier model, so copies never push those out.
 *
 * Writers (publish, setCurrent, rollback, withdraw) must not run concurrently: callers hold the
 * retrain lease (src/retrain/lease.ts) around them. Each writes HISTORY before CURRENT, and reading
 * reconciles the two, so a kill between the writes leaves CURRENT the truth.
 */
export class ModelRepository {
  constructor(
    readonly root: string,
    /** Published versions kept for rollback (older ones are deleted). */
    readonly keep = 5,
    /**
     * Rejected versions kept in .rejected/ for inspection, the newest ones (each is a whole
     * version: hundreds of MB at ml-32m). Two is enough to compare the latest failure with the one before.
     */
    readonly keepRejected = 2,
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

  /** Moves a verified staging version into place and makes it current (on top of the history). */
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
    await this.pruneRejected();
    return dir;
  }

  /** The rejected versions kept in .rejected/, oldest first. */
  async rejected(): Promise<string[]> {
    const entries = await readdir(path.join(this.root, REJECTED)).catch(() => [] as string[]);
    return entries.filter((name) => VERSION_PATTERN.test(name)).sort();
  }

  /**
   * Keeps the newest `keepRejected` rejected versions. Version names sort by time; anything else
   * in .rejected/ (not a version name) was not written by a run and is left alone.
   */
  private async pruneRejected(): Promise<void> {
    const rejected = await this.rejected();
    for (const version of rejected.slice(0, Math.max(0, rejected.length - Math.max(1, this.keepRejected)))) {
      await rm(path.join(this.root, REJECTED, version), { recursive: true, force: true });
    }
  }

  /** Serves `version` from now on: it goes on top of the history. */
  async setCurrent(version: string): Promise<void> {
    if (!(await this.list()).includes(version))
      throw new Error(`no published version ${version} in ${this.root}`);
    const history = await this.history();
    await this.writeCurrent(version, history.at(-1) === version ? history : [...history, version]);
  }

  /**
   * Takes a published version out of service (it does not load where it must): removed from the
   * history, CURRENT names the entry below it again. Returns that version.
   */
  async withdraw(version: string): Promise<string> {
    const history = (await this.history()).filter((v) => v !== version);
    const previous = history.at(-1);
    if (previous === undefined) throw new Error(`no version to serve instead of ${version}`);
    await this.writeCurrent(previous, history);
    return previous;
  }

  /**
   * The versions served, oldest first, the current one last (only those still on disk). CURRENT
   * wins over HISTORY: entries after its last occurrence are from an interrupted write and dropped;
   * a CURRENT missing from it is put on top. A folder without HISTORY (made before it existed)
   * starts from the old order: versions by name up to the current one.
   */
  async history(): Promise<string[]> {
    const [current, versions, stored] = await Promise.all([
      this.currentVersion(),
      this.list(),
      readFile(path.join(this.root, HISTORY), 'utf8').then(
        (text) => text.split('\n').filter((line) => line !== ''),
        () => undefined,
      ),
    ]);
    const published = new Set(versions);
    let history =
      stored ?? (current && published.has(current) ? versions.slice(0, versions.indexOf(current) + 1) : []);
    if (current) {
      const at = history.lastIndexOf(current);
      history = at >= 0 ? history.slice(0, at + 1) : [...history, current];
    }
    return history.filter((v) => published.has(v));
  }

  /** The version rollback would make current, without changing anything; null when there is none. */
  async rollbackTarget(): Promise<string | null> {
    const history = await this.history();
    const current = await this.currentVersion();
    const below = current !== null && history.at(-1) === current ? history.slice(0, -1) : history;
    return below.findLast((v) => v !== current) ?? null;
  }

  /** HISTORY first, then CURRENT: a kill in between leaves CURRENT, the truth, unchanged. */
  private async writeCurrent(version: string, history: string[]): Promise<void> {
    await this.writeHistory(history);
    await writeFileAtomic(path.join(this.root, CURRENT), `${version}\n`);
  }

  private async writeHistory(history: string[]): Promise<void> {
    await writeFileAtomic(path.join(this.root, HISTORY), history.map((v) => `${v}\n`).join(''));
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

  /** A version's manifest, validated (see manifest-schema.ts). */
  async manifest(version: string): Promise<Manifest> {
    const file = path.join(this.versionDir(version), FILES.manifest);
    return parseJson(await readFile(file, 'utf8'), checkManifest, file);
  }

  /** Makes the version served before the current one current again (pops the history); returns it. */
  async rollback(): Promise<string> {
    const history = await this.history();
    const target = await this.rollbackTarget();
    if (target === null) throw new Error('there is no earlier version to roll back to');
    await this.writeCurrent(target, history.slice(0, history.lastIndexOf(target) + 1));
    return target;
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

  /**
   * Deletes the versions rollback can no longer reach (rolled back from, or never served), and
   * keeps at most `keep` of the history's: over that, the oldest near-copy goes first (a version
   * with the same data fingerprint as the one served after it), then the oldest version.
   */
  private async prune(): Promise<void> {
    const history = await this.history();
    // Each version once, at its latest place in the history.
    const order = history.filter((v, i) => history.lastIndexOf(v) === i);
    const fingerprints = new Map(
      await Promise.all(
        order.map(
          async (v) => [v, (await this.manifest(v).catch(() => undefined))?.data?.fingerprint] as const,
        ),
      ),
    );
    while (order.length > Math.max(1, this.keep)) {
      const copy = order.findIndex(
        (v, i) =>
          i < order.length - 1 &&
          fingerprints.get(v) !== undefined &&
          fingerprints.get(v) === fingerprints.get(order[i + 1]),
      );
      order.splice(copy >= 0 ? copy : 0, 1);
    }
    const kept = new Set(order);
    const current = await this.currentVersion();
    if (current) kept.add(current);
    for (const version of await this.list()) {
      if (!kept.has(version)) await rm(this.versionDir(version), { recursive: true, force: true });
    }
    const trimmed = history.filter((v) => kept.has(v));
    if (trimmed.length !== history.length) await this.writeHistory(trimmed);
  }
}
