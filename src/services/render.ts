import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../core/config/load.ts';
import { ConflictError } from '../core/errors.ts';
import { writeFileAtomic } from '../core/fs.ts';
import {
  defaultInstall,
  renderApplyPath,
  renderApplyService,
  renderSyncPath,
  renderSyncService,
  renderSyncTimer,
  renderTreffService,
  type InstallOptions,
} from './accounts.render.ts';
import { renderDaemons } from './daemons.render.ts';
import {
  renderDovecotAuth,
  renderDovecotPasswdFile,
  renderDovecotTreff,
  renderPostfixMain,
  renderPostfixMaster,
} from './mail/mail.accounts.render.ts';
import {
  renderDovecot24Auth,
  renderDovecot24PasswdFile,
  renderDovecot24Treff,
} from './mail/mail.dovecot24.render.ts';
import type { DovecotVersion } from './mail/mail.version.ts';
import { renderProsodyAuth } from './prosody/prosody.accounts.render.ts';
import { GENERATED_MARK } from './quoting.ts';
import { renderNsswitch, renderSshd } from './shell/shell.accounts.render.ts';

/** One generated file, at the path it has under `/`. */
export interface RenderedFile {
  path: string;
  content: string;
}

/** Every file treff generates from the declaration, laid out as under `/`. */
export function renderAll(
  config: Config,
  install: InstallOptions = defaultInstall(config),
): RenderedFile[] {
  return [
    ...renderDovecotAccounts(config, install.dovecot),
    { path: 'etc/postfix/treff/main.cf.treff', content: renderPostfixMain(config) },
    { path: 'etc/postfix/treff/master.cf.treff', content: renderPostfixMaster() },
    { path: 'etc/prosody/conf.d/treff-auth.cfg.lua', content: renderProsodyAuth(config, install) },
    { path: 'etc/ssh/sshd_config.d/treff.conf', content: renderSshd(config) },
    { path: 'etc/nsswitch.conf', content: renderNsswitch() },
    { path: 'etc/systemd/system/treff.service', content: renderTreffService(config, install) },
    { path: 'etc/systemd/system/treff-sync.service', content: renderSyncService(config, install) },
    { path: 'etc/systemd/system/treff-sync.path', content: renderSyncPath(config) },
    { path: 'etc/systemd/system/treff-sync.timer', content: renderSyncTimer() },
    {
      path: 'etc/systemd/system/treff-apply.service',
      content: renderApplyService(config, install),
    },
    { path: 'etc/systemd/system/treff-apply.path', content: renderApplyPath(config, install) },
    ...renderDaemons(config, install),
  ];
}

/** Dovecot's account files in the syntax of the target's version. */
function renderDovecotAccounts(config: Config, version: DovecotVersion): RenderedFile[] {
  const v24 = version === '2.4';
  const conf = 'etc/dovecot/conf.d';
  return [
    { path: `${conf}/10-auth.conf`, content: v24 ? renderDovecot24Auth() : renderDovecotAuth() },
    {
      path: `${conf}/auth-treff.conf.ext`,
      content: v24 ? renderDovecot24PasswdFile() : renderDovecotPasswdFile(),
    },
    {
      path: `${conf}/99-treff.conf`,
      content: v24 ? renderDovecot24Treff(config) : renderDovecotTreff(config),
    },
  ];
}

/**
 * Writes the rendered files under `outDir` (atomically). A file that exists and was not written
 * by treff (no generated-by mark in its first lines) is left alone unless `force`: the whole
 * run is refused before anything is written, naming every such file.
 * @returns the paths written.
 */
export async function writeRendered(
  outDir: string,
  files: readonly RenderedFile[],
  options: { force: boolean },
): Promise<string[]> {
  const foreign: string[] = [];
  for (const file of files) {
    let current: string;
    try {
      current = await readFile(join(outDir, file.path), 'utf8');
    } catch {
      continue;
    }
    if (!current.split('\n', 3).some((line) => line.includes(GENERATED_MARK)))
      foreign.push(file.path);
  }
  if (foreign.length > 0 && !options.force) {
    throw new ConflictError(
      'render_would_overwrite',
      `${foreign.length} file${foreign.length === 1 ? '' : 's'} exist that treff did not write; rerun with --force to replace them.`,
      foreign.map((path) => ({ path, message: 'not written by treff' })),
    );
  }
  for (const file of files) {
    // Missing folders are made 0755 whatever the umask (treff-apply.service runs with 0077).
    await writeFileAtomic(join(outDir, file.path), file.content);
  }
  return files.map((file) => file.path);
}
