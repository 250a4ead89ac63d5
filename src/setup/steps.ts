import { lstat } from 'node:fs/promises';
import type { Config } from '../core/config/load.ts';
import { BASHRC_HOOK, type RenderedFile } from '../services/index.ts';
import { runChecked, type SetupContext, type StepStatus } from './context.ts';
import { lookupOwner, putFile, removeFile } from './files.ts';
import { applyPostconf, parsePostconfLines } from './postconf.ts';

/**
 * The steps of the README's manual install after the files are rendered, each idempotent:
 * it changes a file only when its content differs, and then with a diff and a backup.
 */

/** What the other steps know about the target. */
export interface StepFacts {
  files: readonly RenderedFile[];
  /** Packages installed now or (in a dry run) by the package step. */
  installed: ReadonlySet<string>;
  jitsi: boolean;
}

const BEGIN = '# BEGIN treff: /etc/postfix/treff/master.cf.treff (managed by treff setup)';
const END = '# END treff';

function rendered(facts: StepFacts, path: string): string | undefined {
  return facts.files.find((file) => file.path === path)?.content;
}

/** Edits an existing file through `change`; a dry run on a file a package will create says so. */
async function editFile(
  context: SetupContext,
  path: string,
  pkg: string,
  facts: StepFacts,
  change: (text: string) => string,
): Promise<boolean> {
  const current = await context.target.read(path);
  if (current === null) {
    if (context.dryRun && facts.installed.has(pkg)) {
      context.out(`write ${path}`);
      return true;
    }
    return false;
  }
  return putFile(context, path, change(current), { mode: await modeOf(context, path) });
}

async function modeOf(context: SetupContext, path: string): Promise<number> {
  return (await lstat(context.target.path(path))).mode & 0o7777;
}

/** Postfix: main.cf.treff and privacy.cf.treff into main.cf (as `postconf -e`), master.cf once. */
export async function configurePostfix(
  context: SetupContext,
  facts: StepFacts,
): Promise<StepStatus> {
  const main = rendered(facts, '/etc/postfix/treff/main.cf.treff');
  const master = rendered(facts, '/etc/postfix/treff/master.cf.treff');
  if (!main || !master) return 'skipped';
  const settings = [
    ...parsePostconfLines(main),
    ...parsePostconfLines(rendered(facts, '/etc/postfix/treff/privacy.cf.treff') ?? ''),
  ];
  const changed = [
    await editFile(context, '/etc/postfix/main.cf', 'postfix', facts, (text) =>
      applyPostconf(text, settings),
    ),
    await editFile(context, '/etc/postfix/master.cf', 'postfix', facts, (text) =>
      withMasterBlock(text, master),
    ),
  ];
  return changed.some(Boolean) ? 'changed' : 'unchanged';
}

/** master.cf with treff's services in one marked block, replaced when the render changed. */
export function withMasterBlock(text: string, masterTreff: string): string {
  const body = masterTreff
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .join('\n')
    .trim();
  const block = `${BEGIN}\n${body}\n${END}\n`;
  const start = text.indexOf(BEGIN);
  if (start >= 0) {
    const end = text.indexOf(`${END}\n`, start);
    const after = end >= 0 ? text.slice(end + END.length + 1) : '';
    return `${text.slice(0, start)}${block}${after}`;
  }
  return `${text}${text.endsWith('\n') || text === '' ? '' : '\n'}${block}`;
}

/** nginx: Debian's default site (and Jitsi's own) leave sites-enabled; treff's conf.d serves. */
export async function removeDefaultSites(
  context: SetupContext,
  config: Config,
  facts: StepFacts,
): Promise<StepStatus> {
  if (!facts.installed.has('nginx')) return 'skipped';
  const sites = [
    '/etc/nginx/sites-enabled/default',
    ...(facts.jitsi && config.services.jitsi
      ? [`/etc/nginx/sites-enabled/${config.services.jitsi.domain}.conf`]
      : []),
  ];
  const changed: boolean[] = [];
  for (const site of sites) {
    const exists = await lstat(context.target.path(site)).then(
      () => true,
      () => false,
    );
    if (
      !exists &&
      context.dryRun &&
      site.endsWith('/default') &&
      !(await context.target.read('/etc/nginx/nginx.conf'))
    ) {
      // nginx comes with this run's packages: it will bring its default site.
      context.out(`remove ${site}`);
      changed.push(true);
    } else changed.push(await removeFile(context, site));
  }
  return changed.some(Boolean) ? 'changed' : 'unchanged';
}

/** bash: interactive non-login shells source the history rule through one line in bash.bashrc. */
export async function hookBashrc(
  context: SetupContext,
  config: Config,
  facts: StepFacts,
): Promise<StepStatus> {
  if (!config.services.shell) return 'skipped';
  const changed = await editFile(context, '/etc/bash.bashrc', 'bash', facts, (text) =>
    text.includes(BASHRC_HOOK) ? text : `${text}${text.endsWith('\n') ? '' : '\n'}${BASHRC_HOOK}\n`,
  );
  return changed ? 'changed' : 'unchanged';
}

/** Jitsi Meet (only where it is installed): include treff's privacy settings, drop the public STUN. */
export async function configureJitsi(context: SetupContext, facts: StepFacts): Promise<StepStatus> {
  if (!facts.jitsi) return 'skipped';
  const include = (text: string) =>
    text.includes('include "treff-privacy.conf"')
      ? text
      : `${text}${text.endsWith('\n') ? '' : '\n'}include "treff-privacy.conf"\n`;
  const changed = [
    await editFile(
      context,
      '/etc/jitsi/videobridge/jvb.conf',
      'jitsi-videobridge2',
      facts,
      include,
    ),
    await editFile(context, '/etc/jitsi/jicofo/jicofo.conf', 'jicofo', facts, include),
    await editFile(
      context,
      '/etc/jitsi/videobridge/sip-communicator.properties',
      'jitsi-videobridge2',
      facts,
      (text) =>
        text
          .split('\n')
          .filter(
            (line) => !line.startsWith('org.ice4j.ice.harvest.STUN_MAPPING_HARVESTER_ADDRESSES='),
          )
          .join('\n'),
    ),
  ];
  context.out(context.t('setup.jitsi.accounts'));
  return changed.some(Boolean) ? 'changed' : 'unchanged';
}

/** systemd-tmpfiles for treff's log directories, when one is missing or has another mode or owner. */
export async function createTmpfiles(context: SetupContext, facts: StepFacts): Promise<StepStatus> {
  const conf = rendered(facts, '/etc/tmpfiles.d/treff.conf');
  if (!conf) return 'skipped';
  const wanted = conf
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[0] === 'd' && fields[1]);
  let missing = false;
  for (const [, path = '', mode = '', user = 'root', group = 'root'] of wanted) {
    const info = await lstat(context.target.path(path)).catch(() => null);
    const owner = await lookupOwner(context, user, group);
    if (
      !info?.isDirectory() ||
      (info.mode & 0o7777) !== Number.parseInt(mode, 8) ||
      (owner && (info.uid !== owner.uid || info.gid !== owner.gid))
    )
      missing = true;
  }
  if (!missing) return 'unchanged';
  await runChecked(context, {
    argv: [
      'systemd-tmpfiles',
      '--create',
      ...context.target.rootFlag(),
      // With --root, systemd-tmpfiles takes the file as a path on this machine.
      context.target.path('/etc/tmpfiles.d/treff.conf'),
    ],
  });
  return 'changed';
}

/**
 * Prosody reads its certificates from /etc/prosody/certs: `prosodyctl cert import` copies them
 * there (owned by prosody) when the installed copy differs from the certificate.
 */
export async function importProsodyCert(
  context: SetupContext,
  config: Config,
  facts: StepFacts,
  certificate: string,
): Promise<StepStatus> {
  const xmpp = config.services.xmpp;
  if (!xmpp || !facts.installed.has('prosody')) return 'skipped';
  const wanted = await context.target.read(certificate);
  const installed = await context.target.read(`/etc/prosody/certs/${xmpp.domain}.crt`);
  if (wanted !== null && wanted === installed) return 'unchanged';
  const live = certificate.split('/').slice(0, -2).join('/') || '/';
  // A host without a certificate is Prosody's to report; setup goes on and says so.
  const result = await runChecked(
    context,
    { argv: context.target.exec(['prosodyctl', '--root', 'cert', 'import', live]) },
    { allowFail: true },
  );
  if (result.code !== 0)
    context.out(
      context.t('setup.prosody.certFailed', { output: (result.stderr || result.stdout).trim() }),
    );
  return 'changed';
}
