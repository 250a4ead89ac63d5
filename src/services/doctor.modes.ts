import { posix } from 'node:path';
import { check, type Check, type CheckContext, type Finding } from './doctor.ts';

/**
 * treff's own files (issue 11, item 1): the data dir, the database with `-wal` and `-shm`, the
 * installation secret, the outbox, the mail quarantine, the request mails and the WKS submission
 * key hold the registry, password hashes, mails and secrets. Members have shell logins on the same host, so none of it may be open to
 * the group or to others. A path that does not exist (a rendered tree, PostgreSQL) is not
 * reported.
 */

/** The promise these findings belong to. */
export const PRIVATE_FILES_PROMISE = "treff's data readable only by treff";

const octal = (mode: number) => (mode & 0o777).toString(8).padStart(4, '0');

async function modeFinding(
  context: CheckContext,
  path: string,
  kind: 'dir' | 'file',
): Promise<Finding | null> {
  const info = await context.fs.stat(path);
  if (!info) return null;
  const wanted = kind === 'dir' ? 0o700 : 0o600;
  const open = (info.mode & 0o077) !== 0;
  return check(!open, {
    promise: PRIVATE_FILES_PROMISE,
    file: path,
    setting: 'mode',
    expected: `${octal(wanted)} or stricter (owner only)`,
    actual: open ? `${octal(info.mode)} (group or others may access it)` : octal(info.mode),
    fix: `chmod ${octal(wanted).slice(1)} ${path}`,
  });
}

async function privateFiles(context: CheckContext): Promise<Finding[]> {
  const { config, fs } = context;
  const { dataDir, outboxDir, quarantineDir, secretFile } = config.paths;
  const wks = posix.join(dataDir, 'wks');
  // Request mails as the requests module keeps them (requestMailDir): whole mails, personal data.
  const requestMails = posix.join(dataDir, 'requests', 'mail');
  const targets: { path: string; kind: 'dir' | 'file' }[] = [
    { path: dataDir, kind: 'dir' },
    { path: secretFile, kind: 'file' },
    { path: outboxDir, kind: 'dir' },
    { path: quarantineDir, kind: 'dir' },
    { path: wks, kind: 'dir' },
    { path: posix.join(dataDir, 'requests'), kind: 'dir' },
    { path: requestMails, kind: 'dir' },
  ];
  if (config.database.url.startsWith('sqlite:')) {
    const database = config.database.url.slice('sqlite:'.length);
    if (database !== ':memory:') {
      targets.push({ path: posix.dirname(database), kind: 'dir' });
      for (const suffix of ['', '-wal', '-shm'])
        targets.push({ path: `${database}${suffix}`, kind: 'file' });
    }
  }
  for (const name of await fs.list(outboxDir)) {
    if (name.endsWith('.eml')) targets.push({ path: posix.join(outboxDir, name), kind: 'file' });
  }
  for (const name of await fs.list(quarantineDir)) {
    if (name.endsWith('.eml') || name.endsWith('.json'))
      targets.push({ path: posix.join(quarantineDir, name), kind: 'file' });
  }
  for (const name of await fs.list(requestMails)) {
    if (name.endsWith('.eml') || name.endsWith('.json'))
      targets.push({ path: posix.join(requestMails, name), kind: 'file' });
  }
  for (const name of await fs.list(wks)) {
    if (name.endsWith('.key')) targets.push({ path: posix.join(wks, name), kind: 'file' });
  }
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const target of targets) {
    if (seen.has(target.path)) continue;
    seen.add(target.path);
    const finding = await modeFinding(context, target.path, target.kind);
    if (finding) findings.push(finding);
  }
  return findings;
}

/** The checks of treff's own private files. */
export const MODE_CHECKS: readonly Check[] = [{ id: 'private-files', run: privateFiles }];
