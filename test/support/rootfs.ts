import { mkdtempSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after } from 'node:test';
import { RootFs } from '../../src/services/rootfs.ts';

/** A root directory for reader tests, with a file writer; removed after the enclosing suite. */
export interface TempRoot {
  root: string;
  fs: RootFs;
  /** Writes `text` to `path` under the root, creating its folders. */
  put: (path: string, text: string) => Promise<void>;
}

/** Makes a temporary root now and registers its removal with the enclosing suite's `after`. */
export function tempRoot(): TempRoot {
  const root = mkdtempSync(join(tmpdir(), 'treff-parse-'));
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });
  return {
    root,
    fs: new RootFs(root),
    put: async (path, text) => {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), text);
    },
  };
}
