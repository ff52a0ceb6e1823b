import { randomBytes } from 'node:crypto';
import { constants as fsc, promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { EngineState, SloEngine } from '@burnrate/core';

/** `format` field of a state file. */
export const STATE_FILE_FORMAT = 'burnrate-collector-state';
/** Version of the state file header (the engine state inside has its own version). */
export const STATE_FILE_VERSION = 1;

/** A state file: a header around `SloEngine.exportState()`. */
export interface StateFile {
  format: typeof STATE_FILE_FORMAT;
  version: number;
  /** When it was written (ISO 8601). */
  savedAt: string;
  engine: EngineState;
}

/** What {@link StateStore.restore} found. */
export type RestoreOutcome =
  | { readonly status: 'none' }
  | {
      readonly status: 'restored';
      readonly savedAtMs: number;
      readonly restored: string[];
      readonly skipped: string[];
    }
  | { readonly status: 'corrupt'; readonly reason: string; readonly movedTo: string | undefined };

/** Infix of temporary state files: `<file>.tmp-<random>`. */
const TMP_INFIX = '.tmp-';

/**
 * Saves and restores an engine's window state in one file. Writes are atomic
 * (a temporary file created with `O_EXCL | O_NOFOLLOW` under a random name in
 * the state file's folder, fsync, rename, fsync of the folder); one write runs
 * at a time, and saves asked for meanwhile collapse into one more write. A
 * file that cannot be read back, whatever is wrong with it, is moved aside to
 * `<file>.corrupt-<timestamp>`; temporary files left by a crash are removed
 * at restore.
 */
export class StateStore {
  /** The state file's path. */
  readonly path: string;
  /** The last write's error message, '' when it succeeded (or none ran yet). */
  lastError = '';
  private _writing: Promise<void> | undefined;
  private _again: Promise<void> | undefined;

  constructor(path: string) {
    this.path = path;
  }

  /**
   * Writes the engine's state: now, or once the write under way ends (all
   * saves asked for meanwhile share that one write, so writes never queue up).
   */
  save(engine: SloEngine): Promise<void> {
    if (this._writing === undefined) return this._start(engine);
    this._again ??= this._writing
      .catch(() => undefined)
      .then(() => {
        this._again = undefined;
        return this._start(engine);
      });
    return this._again;
  }

  private _start(engine: SloEngine): Promise<void> {
    const w = this._write(engine).then(
      () => {
        this.lastError = '';
      },
      (e: Error) => {
        this.lastError = e.message;
        throw e;
      }
    );
    this._writing = w;
    void w.then(
      () => (this._writing = this._writing === w ? undefined : this._writing),
      () => (this._writing = this._writing === w ? undefined : this._writing)
    );
    return w;
  }

  /** Removes temporary files of this state file left by a crash mid-write; returns how many. */
  async cleanTemporaries(): Promise<number> {
    const dir = dirname(this.path);
    const prefix = `${basename(this.path)}${TMP_INFIX}`;
    let names: string[];
    try {
      names = await fs.readdir(dir);
    } catch {
      return 0;
    }
    let n = 0;
    for (const name of names) {
      if (!name.startsWith(prefix)) continue;
      try {
        await fs.unlink(join(dir, name));
        n++;
      } catch {
        // gone meanwhile, or not ours to remove
      }
    }
    return n;
  }

  private async _write(engine: SloEngine): Promise<void> {
    const nowMs = engine.clock.now();
    const file: StateFile = {
      format: STATE_FILE_FORMAT,
      version: STATE_FILE_VERSION,
      savedAt: new Date(nowMs).toISOString(),
      engine: engine.exportState(nowMs),
    };
    // a fresh random name, created exclusively and never through a symlink: nothing
    // planted in the folder can make the collector write elsewhere
    const tmp = `${this.path}${TMP_INFIX}${randomBytes(8).toString('hex')}`;
    const handle = await fs.open(
      tmp,
      fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | (fsc.O_NOFOLLOW ?? 0),
      0o600
    );
    try {
      await handle.writeFile(JSON.stringify(file));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, this.path);
    try {
      const dir = await fs.open(dirname(this.path), 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    } catch {
      // directories cannot be fsynced on every platform
    }
  }

  /**
   * Restores the engine from the file. A missing file is `none`; a file that
   * does not parse, has another format or version, or that the engine refuses,
   * is moved aside and reported as `corrupt`, leaving the engine empty.
   */
  async restore(engine: SloEngine): Promise<RestoreOutcome> {
    let text: string;
    try {
      text = await fs.readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'none' };
      return {
        status: 'corrupt',
        reason: `cannot read: ${(e as Error).message}`,
        movedTo: undefined,
      };
    }
    let reason: string;
    try {
      const file = JSON.parse(text) as Partial<StateFile>;
      const savedAtMs = typeof file?.savedAt === 'string' ? Date.parse(file.savedAt) : NaN;
      if (file === null || typeof file !== 'object' || file.format !== STATE_FILE_FORMAT) {
        reason = `not a burnrate collector state file (format ${show((file as { format?: unknown } | null)?.format)})`;
      } else if (file.version !== STATE_FILE_VERSION) {
        reason = `state file version ${show(file.version)} is not supported (expected ${STATE_FILE_VERSION})`;
      } else if (!Number.isFinite(savedAtMs)) {
        reason = `savedAt ${show(file.savedAt)} is not a time`;
      } else if (file.engine === null || typeof file.engine !== 'object') {
        reason = `engine ${show(file.engine)} is not an engine state`;
      } else {
        const { restored, skipped } = engine.importState(file.engine as EngineState);
        return { status: 'restored', savedAtMs, restored, skipped };
      }
    } catch (e) {
      // whatever the file holds, a start never fails on it
      reason = (e as Error).message;
    }
    const movedTo = `${this.path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    try {
      await fs.rename(this.path, movedTo);
      return { status: 'corrupt', reason, movedTo };
    } catch {
      return { status: 'corrupt', reason, movedTo: undefined };
    }
  }
}

/** A short text of a header value for a log line. */
function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 40 ? `${s.slice(0, 37)}...` : s;
}
