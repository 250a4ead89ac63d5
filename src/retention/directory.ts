import { readdir, rm, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** What one sweep of a directory did. */
export interface DirectorySweep {
  filesDeleted: number;
  /** The modification time of the oldest file kept, if any. */
  oldestKept: number | null;
  /** Files left under the directory after the sweep (a dry run counts those it would keep). */
  filesKept: number;
}

/**
 * Deletes every regular file under `dir` (recursively) last modified before `cutoff`, and the
 * directories that become empty (not `dir` itself). Symbolic links are not followed. A missing
 * directory is empty. Idempotent.
 */
export async function sweepDirectory(
  dir: string,
  cutoff: number,
  options: { dryRun: boolean },
): Promise<DirectorySweep> {
  const result: DirectorySweep = { filesDeleted: 0, oldestKept: null, filesKept: 0 };
  const walk = async (path: string, top: boolean): Promise<boolean> => {
    let entries;
    try {
      entries = await readdir(path, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
      throw error;
    }
    let empty = true;
    for (const entry of entries) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) {
        if (!(await walk(child, false))) empty = false;
      } else if (entry.isFile()) {
        const info = await stat(child);
        if (info.mtimeMs < cutoff) {
          result.filesDeleted++;
          if (!options.dryRun) await rm(child, { force: true });
          else empty = false;
        } else {
          empty = false;
          result.filesKept++;
          result.oldestKept =
            result.oldestKept === null ? info.mtimeMs : Math.min(result.oldestKept, info.mtimeMs);
        }
      } else {
        empty = false;
      }
    }
    if (empty && !top && !options.dryRun) await rmdir(path).catch(() => undefined);
    return empty;
  };
  await walk(dir, true);
  return result;
}
