import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import type { Config } from '../core/config/load.ts';
import { runChecked, SetupError, type SetupContext, type StepStatus } from './context.ts';
import { putDir, putFile, removeFile } from './files.ts';
import { tlsPaths } from '../services/index.ts';
import { declaredNames } from './preflight.ts';

/** How setup gets the certificate: Debian's certbot, files the admin has, or one it makes. */
export const TLS_MODES = ['certbot', 'existing', 'self-signed'] as const;
export type TlsMode = (typeof TLS_MODES)[number];

/** The webroot nginx serves `/.well-known/acme-challenge/` from (services/nginx). */
export const ACME_WEBROOT = '/var/www/letsencrypt';

/** Where the certificate and key go. */
export interface TlsFiles {
  /** The name the certificate is for (the website's domain). */
  domain: string;
  /** Every name it covers. */
  names: string[];
  certificate: string;
  key: string;
}

/**
 * The certificate's paths: the declaration's `tls.certificate`/`tls.key` where it has them,
 * otherwise the Let's Encrypt paths the renderers use for the website's domain.
 */
export function tlsFiles(config: Config): TlsFiles {
  const domain = config.services.website?.domain ?? config.club.domain;
  const names = [...new Set([domain, ...declaredNames(config).map((entry) => entry.name)])];
  return { domain, names, ...tlsPaths(config) };
}

/** Flags of the TLS step. */
export interface TlsOptions {
  mode?: TlsMode | undefined;
  cert?: string | undefined;
  key?: string | undefined;
  acmeEmail?: string | undefined;
  /** The ACME directory, when not Let's Encrypt's (certbot `--server`). */
  acmeServer?: string | undefined;
}

/**
 * Puts a certificate and key in place before the daemons start. `existing` copies the given
 * files (checked: a certificate, a key, and the key belongs to it); `self-signed` makes one
 * with openssl for every declared name; `certbot` puts a self-signed placeholder where certbot
 * will write, so nginx can start and answer the challenge ({@link obtainWithCertbot}). Without
 * a mode the certificate must be there already (a re-run).
 */
export async function prepareCertificate(
  context: SetupContext,
  files: TlsFiles,
  options: TlsOptions,
): Promise<StepStatus> {
  const present = await currentPair(context, files);
  if (options.mode === 'existing') {
    const certificate = await readGiven(options.cert ?? '', '--cert');
    const key = await readGiven(options.key ?? '', '--key');
    checkPair(certificate, key, options.cert ?? '', options.key ?? '');
    const changed = [
      await putDir(context, posix.dirname(files.certificate), 0o755),
      await putFile(context, files.certificate, certificate, { mode: 0o644, diff: false }),
      await putFile(context, files.key, key, { mode: 0o600, diff: false }),
    ];
    return changed.some(Boolean) ? 'changed' : 'unchanged';
  }
  // certbot's webroot, also when a certificate is there already (a server moving from a
  // self-signed or an existing certificate to certbot).
  const webroot = options.mode === 'certbot' && (await putDir(context, ACME_WEBROOT, 0o755));
  if (present && coversAll(present.certificate, files.names))
    return webroot ? 'changed' : 'unchanged';
  if (!options.mode)
    throw new SetupError(context.t('setup.tls.missing', { path: files.certificate }), 2);
  return makeSelfSigned(context, files);
}

/** The installed pair, or null when either file is missing. */
async function currentPair(
  context: SetupContext,
  files: TlsFiles,
): Promise<{ certificate: string; key: string } | null> {
  const certificate = await context.target.read(files.certificate);
  const key = await context.target.read(files.key);
  return certificate && key ? { certificate, key } : null;
}

function coversAll(pem: string, names: readonly string[]): boolean {
  try {
    const certificate = new X509Certificate(pem);
    return (
      names.every((name) => certificate.checkHost(name) !== undefined) &&
      new Date(certificate.validTo) > new Date()
    );
  } catch {
    return false;
  }
}

async function readGiven(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new SetupError(
      `${flag} ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      2,
    );
  }
}

function checkPair(certificate: string, key: string, certPath: string, keyPath: string): void {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(certificate);
  } catch {
    throw new SetupError(`--cert ${certPath}: not a PEM certificate`, 2);
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    throw new SetupError(`--key ${keyPath}: not a PEM private key (or it has a passphrase)`, 2);
  }
  if (!x509.checkPrivateKey(privateKey))
    throw new SetupError(`--key ${keyPath} does not belong to --cert ${certPath}`, 2);
}

/** A self-signed certificate (EC P-256, 825 days) for every declared name, made by openssl. */
async function makeSelfSigned(context: SetupContext, files: TlsFiles): Promise<StepStatus> {
  await putDir(context, posix.dirname(files.certificate), 0o755);
  if (context.dryRun) {
    context.out(`write ${files.certificate}`);
    context.out(`write ${files.key}`);
    return 'changed';
  }
  const dir = await mkdtemp(join(tmpdir(), 'treff-setup-tls-'));
  try {
    const result = await context.tools.run({
      argv: [
        'openssl',
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-sha256',
        '-days',
        '825',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-subj',
        `/CN=${files.domain}`,
        '-addext',
        `subjectAltName=${files.names.map((name) => `DNS:${name}`).join(',')}`,
      ],
    });
    if (result.code !== 0)
      throw new SetupError(context.t('setup.tls.openssl', { error: result.stderr.trim() }));
    await putFile(context, files.certificate, await readFile(join(dir, 'cert.pem'), 'utf8'), {
      mode: 0o644,
      diff: false,
    });
    await putFile(context, files.key, await readFile(join(dir, 'key.pem'), 'utf8'), {
      mode: 0o600,
      diff: false,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return 'changed';
}

/**
 * With nginx up (answering the ACME challenge from {@link ACME_WEBROOT}), replaces the
 * placeholder with a Let's Encrypt certificate from Debian's certbot (webroot), which renews it
 * by its timer and reloads the daemons. Needs a running systemd (nginx must serve port 80).
 */
export async function obtainWithCertbot(
  context: SetupContext,
  files: TlsFiles,
  email: string,
  systemdRunning: boolean,
  server?: string,
): Promise<StepStatus> {
  if (await context.target.read(`/etc/letsencrypt/renewal/${files.domain}.conf`))
    return 'unchanged';
  const live = `/etc/letsencrypt/live/${files.domain}`;
  if (posix.dirname(files.certificate) !== live)
    throw new SetupError(context.t('setup.tls.certbotPath', { path: files.certificate, live }));
  if (!systemdRunning) throw new SetupError(context.t('setup.tls.certbotNoSystemd'));
  // certbot refuses a live directory it did not make; nginx keeps the placeholder in memory.
  const placeholder = {
    certificate: await context.target.read(files.certificate),
    key: await context.target.read(files.key),
  };
  await removeFile(context, files.certificate, { backup: false });
  await removeFile(context, files.key, { backup: false });
  await removeFile(context, live, { backup: false });
  const result = await runChecked(
    context,
    {
      argv: context.target.exec([
        'certbot',
        'certonly',
        '--webroot',
        '-w',
        ACME_WEBROOT,
        '--cert-name',
        files.domain,
        ...files.names.flatMap((name) => ['-d', name]),
        '--non-interactive',
        '--agree-tos',
        '-m',
        email,
        // Kept in the renewal file: renewals ask the same CA.
        ...(server ? ['--server', server] : []),
        '--deploy-hook',
        'systemctl reload nginx postfix dovecot; prosodyctl --root cert import /etc/letsencrypt/live; systemctl restart prosody',
      ]),
      stream: true,
    },
    { allowFail: true },
  );
  if (result.code !== 0) {
    if (placeholder.certificate && placeholder.key) {
      await putFile(context, files.certificate, placeholder.certificate, { diff: false });
      await putFile(context, files.key, placeholder.key, { mode: 0o600, diff: false });
    }
    throw new SetupError(
      context.t('setup.tls.certbotFailed', {
        names: files.names.join(', '),
        output: (result.stderr || result.stdout).trim().split('\n').slice(-5).join('\n  '),
      }),
    );
  }
  await runChecked(context, { argv: context.target.exec(['systemctl', 'reload', 'nginx']) });
  return 'changed';
}
