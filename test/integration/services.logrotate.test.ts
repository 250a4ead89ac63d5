import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseConfig } from '../../src/core/config/load.ts';
import { renderAll } from '../../src/services/index.ts';
import { EXAMPLE_CONFIG } from '../support/app.ts';
import { makeTempDir, removeDir } from '../support/daemons.ts';
import { requireTool } from '../support/integration.ts';

const exec = promisify(execFile);
const LOGROTATE = '/usr/sbin/logrotate';
const DEBIAN_NGINX = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../src/services/__fixtures__/debian-defaults/etc/logrotate.d/nginx',
);
const skip =
  requireTool(LOGROTATE, 'logrotate') ??
  (process.getuid?.() === 0 ? undefined : 'needs root (logrotate create www-data adm)');
const DAY = 86_400_000;

/** Ages (in whole days) of the files in `dir`. */
async function ages(dir: string): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const name of await readdir(dir)) {
    result[name] = Math.floor((Date.now() - (await stat(join(dir, name))).mtimeMs) / DAY);
  }
  return result;
}

/**
 * Lets `days` days pass for a log directory under `stanza` (pointed at `dir`): each day every
 * file gets a day older, the daemon writes a line, and the daily logrotate run rotates (--force:
 * the state file would otherwise hold back the first run). Returns the ages left at the end.
 */
async function liveFor(days: number, stanza: string, dir: string): Promise<Record<string, number>> {
  await mkdir(dir, { recursive: true });
  const conf = join(dir, '..', 'logrotate.conf');
  await writeFile(
    conf,
    stanza
      .replace('/var/log/nginx/*.log', `${dir}/*.log`)
      .replace(/invoke-rc\.d nginx rotate >\/dev\/null 2>&1/, 'true')
      .replace(/run-parts \/etc\/logrotate\.d\/httpd-prerotate/, 'true'),
  );
  for (let day = 0; day < days; day++) {
    for (const name of await readdir(dir)) {
      const { mtimeMs } = await stat(join(dir, name));
      const older = new Date(mtimeMs - DAY);
      await utimes(join(dir, name), older, older);
    }
    await writeFile(join(dir, 'access.log'), `day ${day}\n`, { flag: 'a' });
    await exec(LOGROTATE, ['--force', '-s', join(dir, '..', 'state'), conf]);
  }
  return ages(dir);
}

describe('logrotate with the rendered stanza', { skip }, () => {
  test('keeps nothing older than the declared 10 days over three weeks; Debian’s keeps two weeks of archives', async () => {
    const work = await makeTempDir('treff-logrotate');
    try {
      const files = renderAll(
        parseConfig(await readFile(EXAMPLE_CONFIG, 'utf8'), '/etc/treff/treff.yaml'),
      );
      const stanza = files.find((file) => file.path === 'etc/logrotate.d/nginx')?.content ?? '';
      const treff = await liveFor(21, stanza, join(work, 'treff', 'logs'));
      assert.ok(Math.max(...Object.values(treff)) <= 9, JSON.stringify(treff));
      const debian = await liveFor(
        21,
        await readFile(DEBIAN_NGINX, 'utf8'),
        join(work, 'debian', 'logs'),
      );
      assert.ok(Math.max(...Object.values(debian)) > 10, JSON.stringify(debian));
    } finally {
      await removeDir(work);
    }
  });
});
