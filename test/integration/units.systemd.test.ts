import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  access,
  copyFile,
  cp,
  mkdir,
  mkdtemp,
  readFile,
  realpath,
  rm,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { EXAMPLE_CONFIG, ROOT } from '../support/app.ts';
import { requireTool } from '../support/integration.ts';
import { parseConfig } from '../../src/core/config/load.ts';
import { renderAll } from '../../src/services/index.ts';

/**
 * treff's rendered units against the real systemd 252 of Debian 12 (issue 14). First every unit
 * passes `systemd-analyze verify` without a warning, and treff's own score under
 * `systemd-analyze security`'s threshold. Then the real test of the sandbox: systemd boots as
 * PID 1 in a `systemd-nspawn --volatile=yes` container made from the host's /usr (the host itself
 * has no systemd as PID 1, so `systemd-run` cannot work here), starts the rendered
 * `treff.service` with its hardening, and a probe unit checks from outside the service what a
 * user relies on: the web server answers, runs as `treff` with no capability, no new
 * privileges and a seccomp filter, cannot write the system, writes only its data dir, and a
 * touched `sync.request` starts the root `treff-sync.service`, which succeeds in its own sandbox.
 */

const exec = promisify(execFile);
const ANALYZE = '/usr/bin/systemd-analyze';
const NSPAWN = '/usr/bin/systemd-nspawn';
const skipAnalyze = requireTool(ANALYZE, 'systemd-analyze');

async function exampleConfig() {
  return parseConfig(await readFile(EXAMPLE_CONFIG, 'utf8'), '/etc/treff/treff.yaml');
}

/** Runs a command; resolves with its exit status and both outputs. */
async function run(command: string, args: string[]) {
  try {
    const { stdout, stderr } = await exec(command, args, { timeout: 180_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

test(
  'every rendered unit passes systemd-analyze verify without a warning',
  { skip: skipAnalyze },
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'treff-units-'));
    try {
      const units = renderAll(await exampleConfig()).filter((file) =>
        file.path.startsWith('etc/systemd/system/'),
      );
      assert.ok(units.some((file) => file.path.endsWith('/treff-apply.path')));
      const names: string[] = [];
      for (const unit of units) {
        const target = join(dir, unit.path.slice('etc/systemd/system/'.length));
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, unit.content);
        if (!unit.path.includes('.d/')) names.push(target);
      }
      // A drop-in is verified with the unit it extends, from the package.
      await copyFile('/usr/lib/systemd/system/coturn.service', join(dir, 'coturn.service')).then(
        () => names.push(join(dir, 'coturn.service')),
        () => undefined,
      );
      for (const name of names) {
        const result = await run(ANALYZE, ['verify', '--man=no', name]);
        assert.equal(`${result.code} ${result.stderr}`, '0 ', `${name} verifies cleanly`);
      }
      // The web server and the root units stay well inside systemd's "OK" band (below 4.0).
      for (const [unit, threshold] of [
        ['treff.service', 2],
        ['treff-sync.service', 3],
        ['treff-apply.service', 2],
      ] as const) {
        const result = await run(ANALYZE, [
          'security',
          '--offline=true',
          `--threshold=${threshold * 10}`,
          join(dir, unit),
        ]);
        const score = /exposure level for \S+: ([\d.]+)/.exec(result.stdout)?.[1];
        assert.ok(
          score !== undefined && Number(score) <= threshold,
          `${unit}: ${score ?? result.stdout}`,
        );
      }
    } finally {
      if (process.env['TREFF_KEEP_BOOT'] !== '1') await rm(dir, { recursive: true, force: true });
      else console.log(dir);
    }
  },
);

const skipBoot =
  requireTool(NSPAWN, 'systemd-nspawn') ??
  requireTool('/usr/sbin/postmap', 'Postfix (its postmap and main.cf serve the sync)') ??
  (process.getuid?.() === 0 ? undefined : requireRoot());

function requireRoot(): string {
  const reason = 'booting systemd in a container needs root';
  if (process.env['TREFF_REQUIRE_INTEGRATION'] === '1')
    throw new Error(`${reason} (TREFF_REQUIRE_INTEGRATION=1 forbids skipping)`);
  return reason;
}

const PORT = 18_931;

/** The probe, as root inside the container: every fact goes into a file under /out. */
const PROBE = `#!/bin/sh
set -u
for i in $(seq 1 150); do
  code=$(curl -s -o /out/index.html -w '%{http_code}' http://127.0.0.1:${PORT}/datenschutz) && [ "$code" = 200 ] && break
  sleep 0.2
done
echo "$code" > /out/http
pid=$(systemctl show -P MainPID treff.service)
grep -E '^(Uid|Gid|CapEff|CapBnd|NoNewPrivs|Seccomp):' /proc/$pid/status > /out/proc-status
nsenter -t "$pid" -m touch /etc/treff-probe 2> /out/etc-write || true
nsenter -t "$pid" -m touch /var/lib/treff/data/probe && echo ok > /out/data-write
find / -xdev -user treff -not -path '/proc/*' -not -path '/tmp/*' 2>/dev/null | sort > /out/treff-files
stat -c '%U %a' /var/lib/treff/data > /out/data-dir
mkdir -p /var/lib/extrausers /etc/dovecot/treff /etc/postfix/treff /etc/prosody /var/lib/prosody /home
# Postfix as the host's package left it (postmap and postconf read main.cf).
cp -a /out/postfix/. /etc/postfix/
# Touches a request file as treff, waits for the one-shot it starts, writes "state result".
request() {
  setpriv --reuid=treff --regid=treff --clear-groups touch "/var/lib/treff/data/$1.request"
  for i in $(seq 1 300); do
    state=$(systemctl show -P ActiveState "treff-$1.service")
    [ "$state" = inactive ] && [ "$(systemctl show -P ExecMainExitTimestampMonotonic "treff-$1.service")" != 0 ] && break
    [ "$state" = failed ] && break
    sleep 0.2
  done
  echo "$state $(systemctl show -P Result "treff-$1.service")" > "/out/$1"
}
request sync
systemctl show -P ActiveState treff.service > /out/treff-state
request apply
systemctl status --no-pager treff-sync.path treff-apply.path treff-apply.service > /out/apply-status 2>&1
ls -la /var/lib/treff/data >> /out/apply-status 2>&1
ls /etc/nginx/conf.d > /out/applied-nginx 2>&1
/usr/sbin/postconf -h virtual_mailbox_domains > /out/applied-postfix 2>&1
journalctl --no-pager -o cat -u treff.service -u treff-sync.service -u treff-apply.service > /out/journal 2>&1
# Power off at once (SIGRTMIN+14 to PID 1): SuccessAction= does not end an nspawn boot here.
/usr/bin/kill -s RTMIN+14 1
`;

test(
  'treff runs under its rendered unit as treff, sandboxed, and its touches start the root sync and apply',
  { skip: skipBoot, timeout: 240_000 },
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'treff-boot-'));
    try {
      const yaml = (await readFile(EXAMPLE_CONFIG, 'utf8'))
        .replace(/^dataDir: .*$/m, 'dataDir: /var/lib/treff/data')
        .replace(/^ {2}url: sqlite:.*$/m, '  url: sqlite:/var/lib/treff/data/treff.db')
        .replace(/^ {2}port: 8080$/m, `  port: ${PORT}`);
      const config = parseConfig(yaml, '/etc/treff/treff.yaml');
      const units = join(dir, 'units');
      await mkdir(units);
      for (const file of renderAll(config)) {
        if (!/^etc\/systemd\/system\/treff(-sync|-apply)?\.(service|path)$/.test(file.path))
          continue;
        await writeFile(join(units, file.path.split('/').pop() ?? ''), file.content);
      }
      await writeFile(
        join(units, 'probe.service'),
        `[Unit]\nDescription=probe\nWants=treff.service treff-sync.path treff-apply.path\nAfter=treff.service treff-sync.path treff-apply.path\n\n[Service]\nType=oneshot\nExecStart=/out/probe.sh\n`,
      );
      const etcTreff = join(dir, 'etc-treff');
      await mkdir(etcTreff);
      await writeFile(join(etcTreff, 'treff.yaml'), yaml);
      const sysusers = join(dir, 'sysusers');
      await mkdir(sysusers);
      await writeFile(
        join(sysusers, 'treff.conf'),
        'u treff - "treff" /var/lib/treff\nu postfix - "Postfix"\ng postdrop -\n',
      );
      // /opt/treff as the package lays it out: the built bundle (npm run build), package.json and
      // node_modules, bound from the checkout — not paths under /tmp or /var/tmp, which the
      // units' PrivateTmp hides (a checkout there would vanish from the service's view).
      const dist = join(ROOT, 'dist', 'main.js');
      await access(dist).catch(() => {
        throw new Error(`${dist} is missing: run npm run build first`);
      });
      const out = join(dir, 'out');
      await mkdir(out);
      await writeFile(join(out, 'probe.sh'), PROBE, { mode: 0o755 });
      await cp('/etc/postfix', join(out, 'postfix'), { recursive: true });
      const modules = await realpath(join(ROOT, 'node_modules'));
      const result = await run(NSPAWN, [
        '--quiet',
        '--register=no',
        '--keep-unit',
        '--directory=/',
        '--volatile=yes',
        `--machine=setup-units-${process.pid}`,
        '--private-network',
        `--bind=${units}:/etc/systemd/system`,
        `--bind-ro=${etcTreff}:/etc/treff`,
        `--bind-ro=${sysusers}:/etc/sysusers.d`,
        `--bind-ro=${join(ROOT, 'dist')}:/opt/treff/dist`,
        `--bind-ro=${join(ROOT, 'package.json')}:/opt/treff/package.json`,
        `--bind-ro=${modules}:/opt/treff/node_modules`,
        `--bind=${out}:/out`,
        '--boot',
        '--',
        'systemd.unit=probe.service',
        'systemd.firstboot=off',
      ]);
      const read = (name: string) => readFile(join(out, name), 'utf8').catch(() => '');
      const journal = await read('journal');
      const context = `${result.stderr.slice(-2000)}\n${journal.slice(-3000)}`;
      assert.equal((await read('http')).trim(), '200', `treff answers /datenschutz\n${context}`);
      assert.match(await read('index.html'), /Datenschutz/);
      const status = await read('proc-status');
      const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1];
      assert.ok(uid !== undefined && uid !== '0', `runs as an unprivileged uid: ${status}`);
      assert.match(status, /^CapEff:\s+0+$/m, 'no effective capability');
      assert.match(status, /^CapBnd:\s+0+$/m, 'an empty bounding set');
      assert.match(status, /^NoNewPrivs:\s+1$/m);
      assert.match(status, /^Seccomp:\s+2$/m, 'a seccomp filter');
      assert.match(await read('etc-write'), /Read-only file system/, 'the system is read-only');
      assert.equal((await read('data-write')).trim(), 'ok', 'its data dir is writable');
      assert.equal((await read('data-dir')).trim(), 'treff 700');
      const files = (await read('treff-files')).split('\n').filter(Boolean);
      const outside = files.filter((path) => !path.startsWith('/var/lib/treff/data'));
      assert.deepEqual(outside, [], 'treff owns nothing outside its data dir');
      assert.ok(files.includes('/var/lib/treff/data/treff.db'), files.join('\n'));
      assert.equal((await read('sync')).trim(), 'inactive success', `the sync ran\n${context}`);
      assert.match(journal, /^sync: \d+ files written/m, 'the sync wrote its projections');
      assert.equal((await read('treff-state')).trim(), 'active');
      // The apply unit, started by treff's touch: the daemon files rendered into /etc, the
      // Postfix settings merged, systemd reloaded, all inside its own sandbox.
      assert.equal((await read('apply')).trim(), 'inactive success', `the apply ran\n${context}`);
      assert.match(await read('applied-nginx'), /treff-website\.conf/);
      assert.equal((await read('applied-postfix')).trim(), 'chaostreff-osnabrueck.de');
    } finally {
      if (process.env['TREFF_KEEP_BOOT'] !== '1') await rm(dir, { recursive: true, force: true });
      else console.log(dir);
    }
  },
);
