import { posix } from 'node:path';
import type { Config } from '../core/config/load.ts';
import {
  GENERATED_MARK,
  renderAll,
  writeRendered,
  type InstallOptions,
  type RenderedFile,
} from '../services/index.ts';
import { SetupError, type SetupContext } from './context.ts';
import { readDpkgState, type DpkgState } from './dpkg.ts';
import { md5, putFile } from './files.ts';

/**
 * Files a Debian package creates that are not its conffiles, as the package ships them (the
 * admin has not touched the file when it is byte for byte this one).
 */
const SHIPPED_TEMPLATES: Readonly<Record<string, string>> = {
  '/etc/nsswitch.conf': '/usr/share/base-files/nsswitch.conf',
};

/** Whose a file at a rendered path is: treff's, an untouched Debian file, or someone else's. */
export type Ownership = 'treff' | 'debian' | 'foreign';

/** Decides whose the current file at `path` is (see {@link Ownership}). */
export async function ownership(
  context: SetupContext,
  dpkg: DpkgState,
  path: string,
  current: string,
): Promise<Ownership> {
  if (current.split('\n', 3).some((line) => line.includes(GENERATED_MARK))) return 'treff';
  const conffile = dpkg.conffiles.get(path);
  if (conffile && conffile.md5 === md5(current)) return 'debian';
  const template = SHIPPED_TEMPLATES[path];
  if (template && (await context.target.read(template)) === current) return 'debian';
  return 'foreign';
}

/** The configuration files the declaration renders to, as target paths. */
export function renderedFiles(config: Config, install: InstallOptions): RenderedFile[] {
  return renderAll(config, install).map((file) => ({ ...file, path: `/${file.path}` }));
}

/**
 * Writes every rendered file that differs: first refuses, naming them all, when any would
 * replace a file neither treff wrote nor a Debian package shipped unmodified (unless `force`);
 * then per file shows the diff, backs the old one up and writes it (writeRendered's atomic
 * write). @returns the target paths that changed (or would).
 */
export async function writeConfigs(
  context: SetupContext,
  files: readonly RenderedFile[],
): Promise<string[]> {
  const changed = await checkForeign(context, files, true);
  for (const file of changed) {
    // putFile prints, diffs and backs up; the write itself is render's own (vetted above).
    await putFile(context, file.path, file.content, {
      write: async () => {
        await writeRendered(
          context.target.root,
          [{ path: file.path.slice(1), content: file.content }],
          {
            force: true,
          },
        );
      },
    });
  }
  return changed.map((file) => file.path);
}

/**
 * The rendered files that differ from what is there; throws naming every file that is not
 * treff's and not an untouched Debian file, unless `--force`. Called before anything changes
 * (for the files there already) and again before writing (for those the packages brought).
 */
export async function checkForeign(
  context: SetupContext,
  files: readonly RenderedFile[],
  announce = false,
): Promise<RenderedFile[]> {
  const dpkg = await readDpkgState(context.target);
  const changed: RenderedFile[] = [];
  const foreign: string[] = [];
  for (const file of files) {
    const current = await context.target.read(file.path);
    if (current === file.content) continue;
    changed.push(file);
    if (current === null) continue;
    const owner = await ownership(context, dpkg, file.path, current);
    if (owner === 'foreign') foreign.push(file.path);
    if (owner === 'debian' && announce)
      context.out(
        context.t('setup.configs.debian', {
          path: file.path,
          pkg: dpkg.conffiles.get(file.path)?.pkg ?? 'base-files',
        }),
      );
  }
  if (foreign.length > 0 && !context.force)
    throw new SetupError(context.t('setup.configs.foreign', { count: foreign.length }), 1, foreign);
  return changed;
}

/** Whether a rendered unit file can be enabled (has an [Install] section; no drop-in). */
export function enableableUnits(files: readonly RenderedFile[]): string[] {
  return files
    .filter(
      (file) =>
        posix.dirname(file.path) === '/etc/systemd/system' && /^\[Install\]$/m.test(file.content),
    )
    .map((file) => posix.basename(file.path));
}
