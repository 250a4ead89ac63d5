import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { parseConfig, type Config } from '../core/config/load.ts';
import { formatIssues } from '../core/errors.ts';
import { detectDovecot, diagnose, formatFinding, summarize } from '../services/index.ts';
import { checkForeign, enableableUnits, renderedFiles, writeConfigs } from './configs.ts';
import { SetupError, type SetupContext, type StepStatus } from './context.ts';
import { CONFIG_FILE, createDeclaration, TEMPLATE, type DeclarationValues } from './declaration.ts';
import { readDpkgState } from './dpkg.ts';
import { putFile } from './files.ts';
import { installPackages, requiredPackages } from './packages.ts';
import { runPreflight, type CheckName, type PreflightDeps } from './preflight.ts';
import {
  configureJitsi,
  configurePostfix,
  createTmpfiles,
  hookBashrc,
  importProsodyCert,
  removeDefaultSites,
  type StepFacts,
} from './steps.ts';
import { enableAndStart, systemdRunning } from './start.ts';
import { ensureDirs, ensureUser, migrateAndInit, runSync, TREFF_USER } from './system.ts';
import { obtainWithCertbot, prepareCertificate, tlsFiles, type TlsOptions } from './tls.ts';

/** Everything `treff setup` was asked, checked (setup.cli.ts turns flags into this). */
export interface SetupOptions {
  /** A declaration to install (host path). */
  configFile?: string | undefined;
  /** Values for a new declaration from the example. */
  create?: DeclarationValues | undefined;
  tls: TlsOptions;
  skip: ReadonlySet<CheckName>;
  start: boolean;
  admin: string;
  /** Where the running program is installed (the template and the units' paths). */
  installDir: string;
}

/** What setup uses besides its context. */
export interface SetupDeps {
  preflight: PreflightDeps;
  /** A ConfigError-free list of the declaration's problems (retention rules against services). */
  problems(config: Config): { path: string; message: string }[];
}

/**
 * `treff setup`: preflight, declaration, packages, user and directories, TLS, rendered configs,
 * the manual install steps, database, start, doctor. Every step says whether it changed
 * something; a second run changes nothing. @returns the exit code (the doctor's verdict).
 */
export async function runSetup(
  context: SetupContext,
  options: SetupOptions,
  deps: SetupDeps,
): Promise<number> {
  const statuses: [string, StepStatus][] = [];
  const step = async (name: string, run: () => Promise<StepStatus>): Promise<StepStatus> => {
    const status = await run();
    statuses.push([name, status]);
    context.out(`${context.t(`setup.status.${status}`)} ${name}`);
    return status;
  };

  const declaration = await declarationText(context, options);
  const config = checkedConfig(declaration, deps);
  await preflight(context, config, options, deps);
  const dovecot = await detectDovecot(config.services.mail?.dovecot, (path) =>
    context.target.read(path),
  );
  const install = {
    installDir: options.installDir,
    configFile: CONFIG_FILE,
    user: TREFF_USER,
    dovecot,
  };
  const files = renderedFiles(config, install);
  // Refused before anything changes when a file treff would replace is someone else's.
  await checkForeign(context, files);

  await step('packages', () => installPackages(context, config, options.tls.mode));
  const installed = await plannedPackages(context, config, options);
  await step('user', () => ensureUser(context));
  await step('directories', () => ensureDirs(context));
  await step('declaration', async () =>
    (await putFile(context, CONFIG_FILE, declaration, {
      mode: 0o640,
      owner: { user: 'root', group: TREFF_USER },
    }))
      ? 'changed'
      : 'unchanged',
  );
  const tls = tlsFiles(config);
  await step('tls', () => prepareCertificate(context, tls, options.tls));

  const facts: StepFacts = { files, installed, jitsi: installed.has('jitsi-meet') };
  const changed: string[] = [];
  await step('configs', async () => {
    changed.push(...(await writeConfigs(context, files)));
    return changed.length > 0 ? 'changed' : 'unchanged';
  });
  await step('postfix', () => configurePostfix(context, facts));
  await step('nginx-sites', () => removeDefaultSites(context, config, facts));
  await step('bashrc', () => hookBashrc(context, config, facts));
  await step('jitsi', () => configureJitsi(context, facts));
  await step('tmpfiles', () => createTmpfiles(context, facts));
  const database = await step('database', () =>
    migrateAndInit(context, options.installDir, options.admin),
  );
  await step('sync', () => runSync(context, options.installDir));
  await step('prosody-cert', () => importProsodyCert(context, config, facts, tls.certificate));
  const treffUnits = enableableUnits(files).filter(
    (unit) => facts.jitsi || !unit.includes('jitsi'),
  );
  await step('start', () =>
    enableAndStart(context, {
      installed,
      treffUnits,
      changed: [...context.written],
      start: options.start,
      restartTreff: database === 'changed' || context.written.includes(CONFIG_FILE),
    }),
  );
  if (options.tls.mode === 'certbot')
    await step('certbot', async () =>
      obtainWithCertbot(
        context,
        tls,
        options.tls.acmeEmail ?? '',
        await systemdRunning(context),
        options.tls.acmeServer,
      ),
    );

  const anything = statuses.some(([, status]) => status === 'changed');
  context.out(
    context.t(
      anything
        ? context.dryRun
          ? 'setup.summary.wouldChange'
          : 'setup.summary.changed'
        : 'setup.summary.nothing',
    ),
  );
  if (context.backups.length > 0)
    context.out(
      context.t('setup.summary.backups', {
        dir: posix.join('/var/lib/treff/setup-backups', context.stamp),
      }),
    );
  return doctor(context, config);
}

/** The declaration to install: the given file, the existing one, or a new one from the flags. */
async function declarationText(context: SetupContext, options: SetupOptions): Promise<string> {
  const existing = await context.target.read(CONFIG_FILE);
  let text: string;
  if (options.configFile) {
    text = await readFile(options.configFile, 'utf8').catch((error: unknown) => {
      throw new SetupError(
        context.t('setup.flags.configUnreadable', {
          file: options.configFile ?? '',
          error: (error as NodeJS.ErrnoException).code ?? String(error),
        }),
        2,
      );
    });
  } else if (options.create) {
    const template = await readFile(posix.join(options.installDir, TEMPLATE), 'utf8');
    text = createDeclaration(template, options.create);
  } else if (existing !== null) {
    return existing;
  } else {
    throw new SetupError(context.t('setup.flags.noDeclaration'), 2);
  }
  if (existing !== null && existing !== text && !context.force)
    throw new SetupError(context.t('setup.declaration.differs', { path: CONFIG_FILE }), 1);
  return text;
}

function checkedConfig(text: string, deps: SetupDeps): Config {
  // Parsed as the file it becomes, so relative paths resolve as on the server.
  const config = parseConfig(text, CONFIG_FILE);
  const problems = deps.problems(config);
  if (problems.length > 0)
    throw new SetupError(`${CONFIG_FILE}: ${problems.length} problems`, 1, formatIssues(problems));
  return config;
}

async function preflight(
  context: SetupContext,
  config: Config,
  options: SetupOptions,
  deps: SetupDeps,
): Promise<void> {
  const verdicts = await runPreflight(context.target, config, options.skip, deps.preflight);
  for (const verdict of verdicts)
    context.out(
      `${context.t(`setup.level.${verdict.level}`)} ${verdict.check}: ${context.t(verdict.key, verdict.params)}`,
    );
  const failed = verdicts.filter((verdict) => verdict.level === 'fail');
  if (failed.length > 0)
    throw new SetupError(
      context.t('setup.preflight.failed', {
        checks: [...new Set(failed.map((verdict) => verdict.check))].join(', '),
      }),
    );
}

/** Installed packages, plus in a dry run those the package step would have installed. */
async function plannedPackages(
  context: SetupContext,
  config: Config,
  options: SetupOptions,
): Promise<Set<string>> {
  const installed = new Set((await readDpkgState(context.target)).installed);
  if (context.dryRun)
    for (const pkg of requiredPackages(config, options.tls.mode)) installed.add(pkg);
  return installed;
}

/** The doctor on the target, as the last step: its verdict is setup's exit code. */
async function doctor(context: SetupContext, config: Config): Promise<number> {
  if (context.dryRun) {
    context.out(context.t('setup.doctor.dryRun'));
    return 0;
  }
  const report = await diagnose(config, { root: context.target.root });
  for (const finding of report.findings)
    if (finding.severity !== 'ok') context.out(formatFinding(finding));
  const summary = summarize(report);
  context.out(
    context.t('setup.doctor.summary', {
      broken: summary.broken.length,
      warnings: summary.warnings,
      ok: summary.ok,
      skipped: summary.skipped,
    }),
  );
  return summary.errors > 0 ? 1 : 0;
}
