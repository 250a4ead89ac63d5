import { execFile } from 'node:child_process';
import { chmod, chown, cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RenderedFile } from '../../src/services/index.ts';
import {
  acceptsConnections,
  freePort,
  selfSignedCertificate,
  spawnInPrivateNamespace,
  systemUser,
  waitFor,
  type Daemon,
} from './daemons.ts';

const exec = promisify(execFile);

/** The mail and shell daemons of a member account, started on loopback for a test. */
export interface AccountStack {
  imapPort: number;
  smtpPort: number;
  submissionPort: number;
  sshPort: number;
  /** The log files of the daemons, for failure messages. */
  logs(): Promise<string>;
  stop(): Promise<void>;
}

function rendered(files: readonly RenderedFile[], path: string): string {
  const file = files.find((candidate) => candidate.path === path);
  if (!file) throw new Error(`nothing rendered at ${path}`);
  return file.content;
}

/**
 * Starts Dovecot (IMAP, LMTP, SASL), Postfix (SMTP and submission) and sshd with treff's rendered
 * snippets, reading the projections `treff sync --root <root>` wrote under `root`. They run in a
 * private mount namespace in which `root`'s extrausers, home and nsswitch.conf are bound over
 * the system's and `/etc/postfix` is a copy, so nothing on the host changes (notes/auth.md §8).
 * `root` must be root-owned and not group- or world-writable (sshd's StrictModes).
 */
export async function startAccountStack(
  root: string,
  files: readonly RenderedFile[],
): Promise<AccountStack> {
  const [imapPort, smtpPort, submissionPort, sshPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const dir = join(root, 'stack');
  await mkdir(dir, { recursive: true });
  const at = (path: string) => join(root, path);
  const inRoot = (text: string) =>
    text
      .replaceAll('/etc/dovecot/treff/', `${at('etc/dovecot/treff')}/`)
      .replaceAll('/etc/postfix/treff/', `${at('etc/postfix/treff')}/`)
      .replaceAll('/var/lib/treff/', `${at('var/lib/treff')}/`)
      .replaceAll('/var/spool/postfix/', `${join(dir, 'pfq')}/`)
      // The rendered certificate (tls, by default Let's Encrypt's) is the test's own.
      .replace(/\/etc\/letsencrypt\/live\/[^/\s]+\/fullchain\.pem/g, join(dir, 'cert.pem'))
      .replace(/\/etc\/letsencrypt\/live\/[^/\s]+\/privkey\.pem/g, join(dir, 'key.pem'));

  await selfSignedCertificate(dir);
  await chmod(join(dir, 'key.pem'), 0o640);
  await exec('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-f',
    join(dir, 'ssh_host_ed25519_key'),
  ]);

  // Dovecot: the three rendered files, with the test's paths, ports and certificate.
  const auth = rendered(files, 'etc/dovecot/conf.d/10-auth.conf').replace(
    '!include auth-treff.conf.ext\n',
    '',
  );
  await mkdir(join(dir, 'dovecot'), { recursive: true });
  await writeFile(
    join(dir, 'dovecot', 'dovecot.conf'),
    [
      `base_dir = ${join(dir, 'dovecot', 'run')}`,
      `state_dir = ${join(dir, 'dovecot', 'state')}`,
      `instance_name = treff-test-${imapPort}`,
      `log_path = ${join(dir, 'dovecot.log')}`,
      'listen = 127.0.0.1',
      'ssl = required',
      `ssl_cert = <${join(dir, 'cert.pem')}`,
      `ssl_key = <${join(dir, 'key.pem')}`,
      // Every login of the test comes from 127.0.0.1: without this, Dovecot's auth penalty would
      // delay each check after a refused one by up to 15 s.
      'login_trusted_networks = 127.0.0.1/32',
      `service imap-login {\n  inet_listener imap {\n    port = ${imapPort}\n  }\n  inet_listener imaps {\n    port = 0\n  }\n}`,
      inRoot(rendered(files, 'etc/dovecot/conf.d/99-treff.conf')),
      auth,
      inRoot(rendered(files, 'etc/dovecot/conf.d/auth-treff.conf.ext')),
    ].join('\n'),
  );

  // Postfix: a copy of /etc/postfix with a test main.cf plus the rendered lines, and master.cf
  // with the rendered submission service on loopback ports, nothing chrooted.
  const postfixEtc = join(dir, 'postfix-etc');
  await cp('/etc/postfix', postfixEtc, { recursive: true });
  const main = [
    'compatibility_level = 3.6',
    `queue_directory = ${join(dir, 'pfq')}`,
    `data_directory = ${join(dir, 'pfdata')}`,
    'mail_owner = postfix',
    'setgid_group = postdrop',
    'inet_interfaces = 127.0.0.1',
    'inet_protocols = ipv4',
    'myhostname = mail.chaostreff-osnabrueck.de',
    'mydestination =',
    'mynetworks = 127.0.0.0/8',
    'alias_maps =',
    'alias_database =',
    `maillog_file = ${join(dir, 'maillog')}`,
    `maillog_file_prefixes = ${dir}`,
    `smtpd_tls_cert_file = ${join(dir, 'cert.pem')}`,
    `smtpd_tls_key_file = ${join(dir, 'key.pem')}`,
    'smtpd_tls_security_level = may',
    ...inRoot(rendered(files, 'etc/postfix/treff/main.cf.treff'))
      .split('\n')
      .filter((line) => line && !line.startsWith('#')),
  ];
  await writeFile(join(postfixEtc, 'main.cf'), `${main.join('\n')}\n`);
  const master = (await readFile('/etc/postfix/master.cf', 'utf8'))
    .split('\n')
    .filter((line) => !/^(#|submission|submissions|\s+-o)/.test(line) && line.trim() !== '')
    .map((line) => line.replace(/^(\S+\s+\S+\s+\S+\s+\S+\s+)y(\s)/, '$1n$2'))
    .map((line) => line.replace(/^smtp(\s+)inet/, `127.0.0.1:${smtpPort}$1inet`));
  const submission = rendered(files, 'etc/postfix/treff/master.cf.treff')
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .join('\n')
    .replace('submission inet n - y', `127.0.0.1:${submissionPort} inet n - n`)
    .replace(/submissions inet n - y[\s\S]*$/, '');
  await writeFile(join(postfixEtc, 'master.cf'), `${[...master, submission].join('\n')}\n`);
  // Dovecot puts its SASL and LMTP sockets into Postfix's queue before Postfix runs.
  const postfixUser = systemUser('postfix');
  await mkdir(join(dir, 'pfq', 'private'), { recursive: true });
  await chown(join(dir, 'pfq', 'private'), postfixUser.uid, 0);
  await chmod(join(dir, 'pfq', 'private'), 0o700);
  await mkdir(join(dir, 'pfdata'), { recursive: true });
  await chown(join(dir, 'pfdata'), postfixUser.uid, 0);

  // sshd: the rendered snippet with the test's key directory, on a loopback port.
  await writeFile(
    join(dir, 'sshd_config'),
    [
      `Port ${sshPort}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'ssh_host_ed25519_key')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'StrictModes yes',
      inRoot(rendered(files, 'etc/ssh/sshd_config.d/treff.conf')),
    ].join('\n'),
  );
  await writeFile(join(dir, 'nsswitch.conf'), rendered(files, 'etc/nsswitch.conf'));

  const script = `#!/bin/sh
set -e
mount --bind ${at('var/lib/extrausers')} /var/lib/extrausers
mount --bind ${at('home')} /home
mount --bind ${join(dir, 'nsswitch.conf')} /etc/nsswitch.conf
mount --bind ${postfixEtc} /etc/postfix
mkdir -p /run/sshd
pids=""
# This shell is PID 1 of its own PID namespace: when it exits, the kernel kills every process
# left in the namespace, so no daemon outlives the test even if one ignores its signal.
trap 'kill $pids 2>/dev/null; exit 0' TERM INT
/usr/sbin/dovecot -F -c ${join(dir, 'dovecot', 'dovecot.conf')} & pids="$pids $!"
/usr/sbin/postfix start-fg & pids="$pids $!"
/usr/sbin/sshd -D -e -f ${join(dir, 'sshd_config')} & pids="$pids $!"
wait
`;
  await writeFile(join(dir, 'start.sh'), script, { mode: 0o755 });
  const daemon: Daemon = spawnInPrivateNamespace(join(dir, 'start.sh'));

  const logs = async () => {
    const read = (name: string) => readFile(join(dir, name), 'utf8').catch(() => '');
    return `--- output\n${daemon.output()}\n--- dovecot.log\n${await read('dovecot.log')}\n--- maillog\n${await read('maillog')}`;
  };
  try {
    for (const port of [imapPort, smtpPort, submissionPort, sshPort]) {
      await waitFor(`port ${port}`, async () => {
        if (daemon.exited()) throw new Error(`the daemons stopped:\n${await logs()}`);
        return (await acceptsConnections(port)) ? true : undefined;
      });
    }
  } catch (error) {
    await daemon.stop();
    throw error;
  }
  return { imapPort, smtpPort, submissionPort, sshPort, logs, stop: () => daemon.stop(10_000) };
}
