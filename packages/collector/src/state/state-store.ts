import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';
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

/**
 * Saves and restores an engine's window state in one file. Writes are atomic
 * (temporary file, fsync, rename, fsync of the directory) and never overlap; a
 * file that cannot be read back is moved aside to `<file>.corrupt-<timestamp>`.
 */
export class StateStore {
  /** The state file's path. */
  readonly path: string;
  private _writing: Promise<void> = Promise.resolve();

  constructor(path: string) {
    this.path = path;
  }

  /** Writes the engine's state now (after any write under way). */
  save(engine: SloEngine): Promise<void> {
    const next = this._writing.catch(() => undefined).then(() => this._write(engine));
    this._writing = next;
    return next;
  }

  private async _write(engine: SloEngine): Promise<void> {
    const nowMs = engine.clock.now();
    const file: StateFile = {
      format: STATE_FILE_FORMAT,
      version: STATE_FILE_VERSION,
      savedAt: new Date(nowMs).toISOString(),
      engine: engine.exportState(nowMs),
    };
    const tmp = `${this.path}.tmp-${process.pid}`;
    const handle = await fs.open(tmp, 'w', 0o600);
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
      if (file === null || typeof file !== 'object' || file.format !== STATE_FILE_FORMAT) {
        reason = `not a burnrate collector state file (format ${JSON.stringify((file as { format?: unknown } | null)?.format)})`;
      } else if (file.version !== STATE_FILE_VERSION) {
        reason = `state file version ${JSON.stringify(file.version)} is not supported (expected ${STATE_FILE_VERSION})`;
      } else {
        const { restored, skipped } = engine.importState(file.engine as EngineState);
        return { status: 'restored', savedAtMs: Date.parse(file.savedAt ?? ''), restored, skipped };
      }
    } catch (e) {
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
