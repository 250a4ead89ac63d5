import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createServer } from 'node:http';
import { getRequestListener, type ServerType } from '@hono/node-server';
import { Command, Option } from 'commander';
import { z } from 'zod';
import { createApp, createRuntime, type Runtime, type RuntimeOptions } from './app.ts';
import {
  createUser,
  deleteUser,
  disableUser,
  enableUser,
  listUsers,
  setUserPassword,
} from './auth/index.ts';
import { CLI_ACTOR } from './core/audit/index.ts';
import { configPath, ConfigError, loadConfig } from './core/config/load.ts';
import { TreffConfig } from './core/config/schema.ts';
import { migrateToLatest } from './core/db/database.ts';
import { AppError, formatIssues } from './core/errors.ts';
import { ensurePrivateDir, PRIVATE_FILE_MODE, writeFileAtomic } from './core/fs.ts';
import { createLogger, logLevel } from './core/log.ts';
import { createDemoUser, generatePassword, seedDemoMembers } from './demo/index.ts';
import { buildAccessReport } from './access/index.ts';
import { registerAssemblyCommands } from './assembly/index.ts';
import { registerBackupCommands } from './backup/index.ts';
import {
  compareWkdExport,
  registerKeyCommands,
  startMailIntake,
  startWkdExport,
  wkdNodeListenerOf,
  type WkdNodeListener,
} from './keys/index.ts';
import { registerReminderCommands } from './dunning/index.ts';
import {
  registerRequestCommands,
  requestsMailRoute,
  startReminderScheduler,
} from './requests/index.ts';
import {
  formatStatusLine,
  retentionProblems,
  retentionStatus,
  runRetention,
  startRetentionScheduler,
  type JobScope,
} from './retention/index.ts';
import {
  POLICY_FORMATS,
  publishPolicyEdition,
  renderPolicy,
  renderRecord,
} from './policy/index.ts';
import {
  defaultInstall,
  registerDoctorCommands,
  renderAll,
  detectDovecot,
  writeRendered,
} from './services/index.ts';
import { registerSetupCommand, SetupError } from './setup/index.ts';
import {
  registerStatementCommands,
  registerTransparencyCommands,
  startDoctorScheduler,
  startStatementScheduler,
} from './transparency/index.ts';
import { registerSepaCommands } from './sepa/index.ts';
import {
  createAccount,
  deleteAccount,
  disableAccount,
  getAccountByUsername,
  internalApp,
  listAccounts,
  runSync,
  setAccountPassword,
} from './accounts/index.ts';
import {
  CLI_VISIBILITY,
  exportMembers,
  getAccount,
  getMemberByNumber,
  importMembers,
  MEMBER_CSV_COLUMNS,
  registerStatementImport,
} from './members/index.ts';

/** Where the CLI writes: injectable so tests can run commands in-process. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  readStdin(): Promise<string>;
  runtimeOptions?: RuntimeOptions;
}

const processIO: CliIO = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

/** Thrown by commands to end with a message and an exit code. */
class CliFailure extends Error {
  readonly exitCode: number;
  readonly details: string[];
  constructor(message: string, exitCode = 1, details: string[] = []) {
    super(message);
    this.exitCode = exitCode;
    this.details = details;
  }
}

const configOption = () =>
  new Option('--config <file>', 'the declaration (default: $TREFF_CONFIG, else ./treff.yaml)');

async function withRuntime<T>(
  io: CliIO,
  flag: string | undefined,
  run: (runtime: Runtime) => Promise<T>,
): Promise<T> {
  const config = await loadConfig(configPath(flag));
  const runtime = await createRuntime(config, {
    log: createLogger({ level: logLevel(process.env, 'warn') }),
    ...io.runtimeOptions,
  });
  try {
    return await run(runtime);
  } finally {
    await runtime.close();
  }
}

async function readPassword(io: CliIO): Promise<string> {
  const text = await io.readStdin();
  const password = text.replace(/\r?\n$/, '');
  if (!password) throw new CliFailure('no password on stdin');
  return password;
}

/** Initialises the data dir: database, first admin, and with `demo` a demo board and members. */
async function initialise(
  runtime: Runtime,
  io: CliIO,
  options: { demo: boolean; admin: string },
): Promise<boolean> {
  await ensurePrivateDir(runtime.config.paths.dataDir);
  if ((await listUsers(runtime.db)).length > 0) return false;
  const password = generatePassword();
  await createUser(runtime, CLI_ACTOR, {
    username: options.admin,
    displayName: 'Admin',
    password,
    roles: ['admin'],
  });
  io.out(`Created the admin login: ${options.admin} / ${password}\n`);
  if (options.demo) {
    const boardPassword = await createDemoUser(runtime, 'vorstand', 'Demo-Vorstand', [
      'board',
      'treasurer',
    ]);
    const count = await seedDemoMembers(runtime);
    io.out(`Created the demo board login: vorstand / ${boardPassword}\n`);
    io.out(`Added ${count} fictional members.\n`);
  }
  return true;
}

async function listen(
  fetch: (request: Request) => Response | Promise<Response>,
  hostname: string,
  port: number,
  front?: WkdNodeListener,
): Promise<ServerType> {
  // The WKD answers on Node's own request, before the adapter makes a fetch Request (keys).
  const adapter = getRequestListener(fetch, { hostname });
  const server = createServer((request, response) => {
    if (!front?.(request, response)) void adapter(request, response);
  });
  server.listen(port, hostname);
  await new Promise<void>((resolveListening, reject) => {
    server.once('listening', () => {
      resolveListening();
    });
    server.once('error', reject);
  });
  return server;
}

/**
 * Runs the public web server and, on its own loopback-only listener, the internal endpoints
 * (the Prosody password check), until SIGINT or SIGTERM.
 */
async function startServer(
  runtime: Runtime,
  io: CliIO,
  ports: { port?: number | undefined; internalPort?: number | undefined },
  options: { demo?: boolean; retention?: JobScope } = {},
): Promise<void> {
  const listenPort = ports.port ?? runtime.config.web.port;
  const internalPort = ports.internalPort ?? runtime.config.web.internalPort;
  const app = createApp(runtime, { demo: options.demo === true });
  const server = await listen(
    app.fetch,
    runtime.config.web.host,
    listenPort,
    wkdNodeListenerOf(app),
  );
  const internal = await listen(internalApp(runtime).fetch, '127.0.0.1', internalPort);
  // The mail intake, when the declaration asks for one: the WKS submission address (keys) and
  // the member-accounts address (requests) on one listener.
  const intake = await startMailIntake(runtime, undefined, [requestsMailRoute(runtime)]);
  const stopScheduler = startRetentionScheduler(runtime, { scope: options.retention ?? 'all' });
  const stopReminders = startReminderScheduler(runtime);
  // The doctor's verdicts for the transparency page, stored so a page view never runs it.
  const stopDoctor = startDoctorScheduler(runtime);
  // The daily signed statement of the transparency figures.
  const stopStatement = startStatementScheduler(runtime);
  // The WKD as files for nginx (services.wkd.exportDir): written now and after every change.
  const stopWkdExport = await startWkdExport(runtime);
  io.out(
    `treff listens on http://${runtime.config.web.host}:${listenPort}/ (${runtime.config.club.name}, ${runtime.dialect}); internal endpoints on 127.0.0.1:${internalPort}\n`,
  );
  await new Promise<void>((resolveStopped) => {
    const stop = () => {
      void intake?.close();
      stopScheduler();
      stopReminders();
      stopDoctor();
      stopStatement();
      void stopWkdExport?.();
      internal.close();
      server.close(() => {
        resolveStopped();
      });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/** Builds the `treff` command line. */
export function buildProgram(io: CliIO = processIO): Command {
  const program = new Command('treff')
    .description(
      'Privacy-first server for clubs: member registry, accounts and the privacy policy from one declaration.',
    )
    .showHelpAfterError()
    .configureOutput({
      writeOut: (text) => {
        io.out(text);
      },
      writeErr: (text) => {
        io.err(text);
      },
    })
    .exitOverride();

  registerServerCommands(program, io);
  registerConfigCommands(program, io);
  registerMemberCommands(program, io);
  registerAccountCommands(program, io);
  registerServiceCommands(program, io);
  registerRetentionCommands(program, io);
  registerUserCommands(program, io);
  registerPolicyCommands(program, io);
  registerSetupCommand(program, {
    out: (text) => {
      io.out(text);
    },
    exit: (code) => {
      if (code !== 0)
        throw new CliFailure('setup finished with a broken promise (see doctor above)', code);
    },
  });
  return program;
}

/** `treff init`, `demo`, `serve`. */
function registerServerCommands(program: Command, io: CliIO): void {
  program
    .command('init')
    .description('create the data dir and database and print the first admin login')
    .addOption(configOption())
    .option('--demo', 'also add a demo board login and fictional members')
    .option('--admin <username>', 'username of the first admin', 'admin')
    .action(async (options: { config?: string; demo?: boolean; admin: string }) => {
      await withRuntime(io, options.config, async (runtime) => {
        const created = await initialise(runtime, io, {
          demo: options.demo === true,
          admin: options.admin,
        });
        if (!created)
          io.out(`${runtime.config.paths.dataDir} is initialised already; nothing changed.\n`);
      });
    });

  program
    .command('demo')
    .description('start the example club: initialise with demo data on first start, then serve')
    .addOption(configOption())
    .option('--port <port>', 'port to listen on', parsePort)
    .option('--internal-port <port>', 'loopback port of the internal endpoints', parsePort)
    .action(async (options: { config?: string; port?: number; internalPort?: number }) => {
      await withRuntime(io, options.config, async (runtime) => {
        await initialise(runtime, io, { demo: true, admin: 'admin' });
        await startServer(
          runtime,
          io,
          { port: options.port, internalPort: options.internalPort },
          { demo: true },
        );
      });
    });

  program
    .command('serve')
    .description('run the web server')
    .addOption(configOption())
    .option('--port <port>', 'port to listen on (default: web.port)', parsePort)
    .option(
      '--internal-port <port>',
      'loopback port of the internal endpoints (default: web.internalPort)',
      parsePort,
    )
    .addOption(scopeOption('which retention jobs this server schedules'))
    .action(
      async (options: {
        config?: string;
        port?: number;
        internalPort?: number;
        retention: JobScope;
      }) => {
        const config = await loadConfig(configPath(options.config));
        const runtime = await createRuntime(config, {
          log: createLogger({ level: logLevel(process.env, 'info') }),
          ...io.runtimeOptions,
        });
        try {
          await startServer(
            runtime,
            io,
            { port: options.port, internalPort: options.internalPort },
            { retention: options.retention },
          );
        } finally {
          await runtime.close();
        }
      },
    );
}

/**
 * `--retention all|treff|system`: the installed treff.service schedules `treff`, and the root
 * treff-sync.service runs `system` (the folders of other daemons, which its user cannot sweep).
 */
function scopeOption(description: string): Option {
  return new Option('--retention <scope>', description)
    .choices(['all', 'treff', 'system'])
    .default('all');
}

/** `treff config check|schema`, `migrate`. */
function registerConfigCommands(program: Command, io: CliIO): void {
  const configCommand = program.command('config').description('check or describe the declaration');
  configCommand
    .command('check')
    .description('list every problem of a declaration, with its path')
    .argument('[file]', 'the declaration (default: --config, $TREFF_CONFIG, ./treff.yaml)')
    .addOption(configOption())
    .action(async (file: string | undefined, options: { config?: string }) => {
      const path = file ? resolve(file) : configPath(options.config);
      const config = await loadConfig(path);
      const problems = retentionProblems(config);
      if (problems.length > 0) {
        throw new CliFailure(`${path} has problems`, 1, formatIssues(problems));
      }
      io.out(`${path}: ok (${config.activities.length} processing activities)\n`);
    });
  configCommand
    .command('schema')
    .description('print the JSON Schema of treff.yaml, for editor completion')
    .option('--out <file>', 'write it to a file instead')
    .action(async (options: { out?: string }) => {
      const schema = `${JSON.stringify(z.toJSONSchema(TreffConfig, { io: 'input', unrepresentable: 'any' }), null, 2)}\n`;
      if (options.out) await writeFileAtomic(resolve(options.out), schema);
      else io.out(schema);
    });

  program
    .command('migrate')
    .description('apply pending database migrations')
    .addOption(configOption())
    .action(async (options: { config?: string }) => {
      await withRuntime(io, options.config, async (runtime) => {
        const applied = await migrateToLatest(runtime.db, runtime.pgSchema);
        io.out(
          applied.length === 0
            ? 'The database is up to date.\n'
            : `Applied: ${applied.join(', ')}\n`,
        );
      });
    });
  // createRuntime migrates on open; `treff migrate` exists so an admin can do it explicitly.
}

/** `treff members import|export|show`. */
function registerMemberCommands(program: Command, io: CliIO): void {
  const members = program.command('members').description('the member registry');
  members
    .command('import')
    .description(`import members from CSV (header: ${MEMBER_CSV_COLUMNS.join(',')})`)
    .argument('<file>', 'CSV file, UTF-8')
    .addOption(configOption())
    .option('--dry-run', 'check every row and report, write nothing')
    .action(async (file: string, options: { config?: string; dryRun?: boolean }) => {
      const csv = await readFile(resolve(file), 'utf8');
      await withRuntime(io, options.config, async (runtime) => {
        // Always check the whole file first, so every bad line is listed and nothing is written.
        const checked = await importMembers(runtime, CLI_ACTOR, csv, { dryRun: true });
        if (checked.issues.length > 0) {
          throw new CliFailure(
            `${file}: ${checked.issues.length} problem${checked.issues.length === 1 ? '' : 's'}, nothing imported`,
            1,
            checked.issues.map(
              (issue) =>
                `line ${issue.line}: ${issue.path ? `${issue.path}: ` : ''}${issue.message}`,
            ),
          );
        }
        const report = options.dryRun
          ? checked
          : await importMembers(runtime, CLI_ACTOR, csv, { dryRun: false });
        io.out(
          report.dryRun
            ? `${file}: ok, ${report.count} members would be imported (dry run)\n`
            : `Imported ${report.count} members.\n`,
        );
      });
    });
  registerStatementImport(members, {
    out: (text) => {
      io.out(text);
    },
    withRuntime: (flag, run) => withRuntime(io, flag, run),
  });
  members
    .command('export')
    .description('write the registry as CSV (never restricted former members)')
    .addOption(configOption())
    .addOption(
      new Option('--status <status>', 'which members')
        .choices(['active', 'left', 'all'])
        .default('all'),
    )
    .option('--out <file>', 'write to a file (mode 0600) instead of stdout')
    .action(async (options: { config?: string; status: string; out?: string }) => {
      await withRuntime(io, options.config, async (runtime) => {
        const csv = await exportMembers(runtime, CLI_ACTOR, options.status);
        if (options.out)
          await writeFileAtomic(resolve(options.out), csv, { mode: PRIVATE_FILE_MODE });
        else io.out(csv);
      });
    });
  members
    .command('show')
    .description('show one member')
    .argument('<number>', 'member number')
    .addOption(configOption())
    .option('--json', 'everything stored about the member (Art. 15) as JSON')
    .action(async (number: string, options: { config?: string; json?: boolean }) => {
      await withRuntime(io, options.config, async (runtime) => {
        const member = await getMemberByNumber(runtime, CLI_VISIBILITY, number);
        if (options.json) {
          const report = await buildAccessReport(runtime, CLI_ACTOR, CLI_VISIBILITY, member.id);
          io.out(`${JSON.stringify(report, null, 2)}\n`);
          return;
        }
        const account = await getAccount(runtime, CLI_VISIBILITY, member.id);
        const lines = [
          `${member.memberNumber}  ${member.firstName} ${member.lastName}${member.restrictedAt ? '  [restricted]' : ''}`,
          `joined ${member.joinedOn}${member.leftOn ? `, left ${member.leftOn}` : ''}`,
          `email ${member.email ?? '-'}, phone ${member.phone ?? '-'}`,
          `balance ${(account.balanceCents / 100).toFixed(2)} ${runtime.config.members.currency}`,
        ];
        io.out(`${lines.join('\n')}\n`);
      });
    });
}

/** `treff accounts …`, `sync`. */
function registerAccountCommands(program: Command, io: CliIO): void {
  const accounts = program
    .command('accounts')
    .description('member accounts for shell, mail and XMPP');
  accounts
    .command('list')
    .description('list the accounts')
    .addOption(configOption())
    .action(async (options: { config?: string }) => {
      await withRuntime(io, options.config, async (runtime) => {
        for (const account of await listAccounts(runtime.db)) {
          const services =
            (['shell', 'mail', 'xmpp'] as const)
              .filter((name) => account.services[name])
              .join(',') || '-';
          io.out(
            `${account.username}\t${account.status}\t${account.uid}\t${services}\t${account.passwordHash ? 'password' : 'no password'}\n`,
          );
        }
      });
    });
  accounts
    .command('create')
    .description(
      'create an active account for an active member and mail them a link to set the password',
    )
    .argument('<member-number>')
    .argument('<username>')
    .addOption(configOption())
    .option('--services <list>', 'comma-separated: shell, mail, xmpp', 'mail,xmpp')
    .action(
      async (number: string, username: string, options: { config?: string; services: string }) => {
        const wanted = options.services.split(',').map((name) => name.trim());
        const unknown = wanted.filter((name) => !['shell', 'mail', 'xmpp'].includes(name));
        if (unknown.length > 0)
          throw new CliFailure(`--services: unknown service ${unknown.join(', ')}`, 2);
        await withRuntime(io, options.config, async (runtime) => {
          const member = await getMemberByNumber(runtime, CLI_VISIBILITY, number);
          const services = {
            shell: wanted.includes('shell'),
            mail: wanted.includes('mail'),
            xmpp: wanted.includes('xmpp'),
          };
          const { account, linkSent } = await createAccount(
            runtime,
            CLI_ACTOR,
            member.id,
            username,
            services,
          );
          io.out(
            `Created ${account.username} (uid ${account.uid}). ${linkSent ? 'The member got a link to set the password.' : 'The member has no email address: use treff accounts set-password.'}\n`,
          );
        });
      },
    );
  accounts
    .command('set-password')
    .description('set an account password, read from stdin; ends its portal sessions and links')
    .argument('<username>')
    .addOption(configOption())
    .action(async (username: string, options: { config?: string }) => {
      const password = await readPassword(io);
      await withRuntime(io, options.config, async (runtime) => {
        const account = await getAccountByUsername(runtime, username);
        await setAccountPassword(runtime, CLI_ACTOR, account.id, password);
      });
      io.out(`Password of ${username} set.\n`);
    });
  accounts
    .command('disable')
    .description('disable an account on every service at once')
    .argument('<username>')
    .addOption(configOption())
    .action(async (username: string, options: { config?: string }) => {
      await withRuntime(io, options.config, async (runtime) => {
        await disableAccount(
          runtime,
          CLI_ACTOR,
          (await getAccountByUsername(runtime, username)).id,
        );
      });
      io.out(`Disabled ${username}.\n`);
    });
  accounts
    .command('delete')
    .description('delete an account; its home, mailbox and XMPP data go at the next sync')
    .argument('<username>')
    .addOption(configOption())
    .action(async (username: string, options: { config?: string }) => {
      await withRuntime(io, options.config, async (runtime) => {
        await deleteAccount(runtime, CLI_ACTOR, (await getAccountByUsername(runtime, username)).id);
      });
      io.out(`Deleted ${username}.\n`);
    });

  program
    .command('sync')
    .description('as root: write the account projections for sshd, Dovecot, Postfix and Prosody')
    .addOption(configOption())
    .option('--root <dir>', 'write under this directory instead of /', '/')
    .action(async (options: { config?: string; root: string }) => {
      await withRuntime(io, options.config, async (runtime) => {
        const report = await runSync(runtime, { root: resolve(options.root) });
        io.out(
          `sync: ${report.written.length} files written, ${report.unchanged} unchanged, ${report.homesCreated.length} homes created, ${report.accountsDisabled} accounts disabled, ${report.accountsDeleted} deleted, ${report.deletionsCarriedOut} deletions carried out\n`,
        );
        for (const warning of report.warnings) io.err(`treff: warning: ${warning}\n`);
      });
    });
}

/** `treff services render`, `doctor`. */
function registerServiceCommands(program: Command, io: CliIO): void {
  const services = program
    .command('services')
    .description('daemon configuration from the declaration');
  services
    .command('render')
    .description('write the daemon configuration files, laid out as under /')
    .addOption(configOption())
    .requiredOption('--out <dir>', 'directory to write into ("/" to install in place)')
    .option('--force', 'replace files that treff did not write')
    .option('--install-dir <dir>', 'where treff is installed', '/opt/treff')
    .option('--user <name>', 'the Unix user treff serve runs as', 'treff')
    .action(
      async (options: {
        config?: string;
        out: string;
        force?: boolean;
        installDir: string;
        user: string;
      }) => {
        const config = await loadConfig(configPath(options.config));
        const install = {
          ...defaultInstall(config),
          installDir: options.installDir,
          user: options.user,
          configFile: config.file,
          // The Dovecot syntax of the system the files are for (--out is its root).
          dovecot: await detectDovecot(config.services.mail?.dovecot, (path) =>
            readFile(join(resolve(options.out), path), 'utf8').catch(() => null),
          ),
        };
        const written = await writeRendered(resolve(options.out), renderAll(config, install), {
          force: options.force === true,
        });
        io.out(
          `Wrote ${written.length} files under ${resolve(options.out)}:\n${written.map((path) => `  ${path}\n`).join('')}`,
        );
      },
    );
  registerDoctorCommands(program, services, {
    out: (text) => {
      io.out(text);
    },
    loadConfig: (flag) => loadConfig(configPath(flag)),
    compareWkdExport: (flag) => withRuntime(io, flag, compareWkdExport),
    fail: (message) => {
      throw new CliFailure(message);
    },
  });
}

/** `treff retention run|status`, `backup`, `restore`, `keys …`. */
function registerRetentionCommands(program: Command, io: CliIO): void {
  const retention = program.command('retention').description('deletion as declared, and its proof');
  retention
    .command('run')
    .description('run the retention jobs now (all, or the one named)')
    .argument('[name]', 'a job name from treff retention status')
    .addOption(configOption())
    .option('--dry-run', 'count what would be deleted, delete nothing')
    .option('--root <dir>', 'look for log files and directories under this directory', '/')
    .addOption(scopeOption('which jobs, without a name'))
    .action(
      async (
        name: string | undefined,
        options: { config?: string; dryRun?: boolean; root: string; retention: JobScope },
      ) => {
        await withRuntime(io, options.config, async (runtime) => {
          const outcomes = await runRetention(runtime, {
            only: name,
            scope: options.retention,
            dryRun: options.dryRun === true,
            root: resolve(options.root),
            actor: CLI_ACTOR,
          });
          for (const outcome of outcomes) {
            const verb = options.dryRun ? 'would remove' : 'removed';
            const good = outcome.status === 'ok' && outcome.compliant !== false;
            io.out(
              `${good ? '✓' : '✗'} ${outcome.job}: ${verb} ${outcome.removed}${outcome.message ? ` (${outcome.message})` : ''}\n`,
            );
          }
          if (
            outcomes.some((outcome) => outcome.status === 'error' || outcome.compliant === false)
          ) {
            throw new CliFailure('a retention job failed or found a store keeping too long');
          }
        });
      },
    );
  retention
    .command('status')
    .description('per rule: declared period, last run, items removed, age of the oldest item kept')
    .addOption(configOption())
    .action(async (options: { config?: string }) => {
      await withRuntime(io, options.config, async (runtime) => {
        const rows = await retentionStatus(runtime);
        for (const row of rows) io.out(`${formatStatusLine(row, 'en')}\n`);
        const red = rows.filter((row) => row.state !== 'ok');
        io.out(`${rows.length} rules, ${red.length} need attention\n`);
        if (red.some((row) => row.state === 'over' || row.state === 'error'))
          throw new CliFailure('data is kept longer than declared');
      });
    });

  const transparencyContext = {
    out: (text: string) => {
      io.out(text);
    },
    withRuntime: (flag: string | undefined, run: (deps: Runtime) => Promise<void>) =>
      withRuntime(io, flag, run),
    fail: (message: string): never => {
      throw new CliFailure(message);
    },
  };
  registerStatementCommands(
    registerTransparencyCommands(program.command('transparency'), transparencyContext),
    transparencyContext,
  );

  registerSepaCommands(program, {
    out: (text) => {
      io.out(text);
    },
    withRuntime: (flag, run) => withRuntime(io, flag, run),
  });

  registerAssemblyCommands(program, {
    out: (text) => {
      io.out(text);
    },
    withRuntime: (flag, run) => withRuntime(io, flag, run),
  });

  registerBackupCommands(program, {
    out: (text) => {
      io.out(text);
    },
    withRuntime: (flag, run) => withRuntime(io, flag, run),
    loadConfig: (flag) => loadConfig(configPath(flag)),
    openRuntime: (config) =>
      createRuntime(config, { log: createLogger({ level: 'warn' }), ...io.runtimeOptions }),
  });

  registerKeyCommands(program.command('keys'), {
    out: (text) => {
      io.out(text);
    },
    withRuntime: (flag, run) => withRuntime(io, flag, run),
  });
  registerRequestCommands(program.command('requests'), {
    out: (text) => {
      io.out(text);
    },
    withRuntime: (flag, run) => withRuntime(io, flag, run),
  });
  registerReminderCommands(program.command('reminders'), {
    out: (text) => {
      io.out(text);
    },
    withRuntime: (flag, run) => withRuntime(io, flag, run),
  });
}

/** `treff users …`. */
function registerUserCommands(program: Command, io: CliIO): void {
  const users = program.command('users').description('web logins for board, admins and treasurers');
  users
    .command('add')
    .description(
      'add a login; the password is read from stdin, or generated and printed with --generate',
    )
    .argument('<username>')
    .addOption(configOption())
    .requiredOption('--roles <roles>', 'comma-separated: board, admin, treasurer')
    .option('--name <name>', 'display name')
    .option('--generate', 'generate a password and print it')
    .action(
      async (
        username: string,
        options: { config?: string; roles: string; name?: string; generate?: boolean },
      ) => {
        const password = options.generate ? generatePassword() : await readPassword(io);
        await withRuntime(io, options.config, async (runtime) => {
          await createUser(runtime, CLI_ACTOR, {
            username,
            displayName: options.name,
            password,
            roles: options.roles.split(',').map((role) => role.trim()),
          });
        });
        io.out(options.generate ? `Created ${username} / ${password}\n` : `Created ${username}.\n`);
      },
    );
  users
    .command('set-password')
    .description('set a login password (read from stdin); ends its sessions')
    .argument('<username>')
    .addOption(configOption())
    .action(async (username: string, options: { config?: string }) => {
      const password = await readPassword(io);
      await withRuntime(io, options.config, (runtime) =>
        setUserPassword(runtime, CLI_ACTOR, username, password),
      );
      io.out(`Password of ${username} changed.\n`);
    });
  users
    .command('list')
    .description('list the logins')
    .addOption(configOption())
    .action(async (options: { config?: string }) => {
      await withRuntime(io, options.config, async (runtime) => {
        for (const user of await listUsers(runtime.db))
          io.out(
            `${user.username}\t${user.roles.join(',')}\t${user.displayName}${user.disabledAt ? '\tdisabled' : ''}\n`,
          );
      });
    });
  users
    .command('disable')
    .description('stop a login from logging in and end its sessions (not the last admin)')
    .argument('<username>')
    .addOption(configOption())
    .action(async (username: string, options: { config?: string }) => {
      await withRuntime(io, options.config, (runtime) => disableUser(runtime, CLI_ACTOR, username));
      io.out(`Disabled ${username}; its sessions have ended.\n`);
    });
  users
    .command('enable')
    .description('let a disabled login log in again')
    .argument('<username>')
    .addOption(configOption())
    .action(async (username: string, options: { config?: string }) => {
      await withRuntime(io, options.config, (runtime) => enableUser(runtime, CLI_ACTOR, username));
      io.out(`Enabled ${username}.\n`);
    });
  users
    .command('delete')
    .description('delete a login when the office ends, with its sessions (not the last admin)')
    .argument('<username>')
    .addOption(configOption())
    .action(async (username: string, options: { config?: string }) => {
      await withRuntime(io, options.config, (runtime) => deleteUser(runtime, CLI_ACTOR, username));
      io.out(`Deleted ${username}.\n`);
    });
}

/** `treff policy render|record`. */
function registerPolicyCommands(program: Command, io: CliIO): void {
  const policy = program
    .command('policy')
    .description('the privacy policy and the Art. 30 record, rendered from the declaration');
  const langOption = () =>
    new Option('--lang <lang>', 'language (German is authoritative)')
      .choices(['de', 'en'])
      .default('de');
  policy
    .command('render')
    .description('print the privacy policy; records the date a new version is first published')
    .addOption(configOption())
    .addOption(langOption())
    .addOption(
      new Option('--format <format>', 'output format').choices(POLICY_FORMATS).default('md'),
    )
    .action(async (options: { config?: string; lang: 'de' | 'en'; format: 'html' | 'md' }) => {
      await withRuntime(io, options.config, async (runtime) => {
        const { publishedOn } = await publishPolicyEdition(runtime);
        io.out(renderPolicy(runtime.config, options.lang, options.format, publishedOn));
      });
    });
  policy
    .command('record')
    .description('print the record of processing activities (Art. 30 GDPR) as Markdown')
    .addOption(configOption())
    .addOption(langOption())
    .action(async (options: { config?: string; lang: 'de' | 'en' }) => {
      await withRuntime(io, options.config, async (runtime) => {
        const { publishedOn } = await publishPolicyEdition(runtime);
        io.out(renderRecord(runtime.config, options.lang, publishedOn));
      });
    });
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new CliFailure(`--port: expected 1 to 65535, got ${value}`, 2);
  return port;
}

/**
 * Runs the CLI and returns the exit code: 0 on success, 1 on a failure (one line on stderr,
 * then details such as every problem of a declaration or CSV file), 2 on a usage error.
 */
export async function runCli(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    return reportFailure(error, io);
  }
}

function reportFailure(error: unknown, io: CliIO): number {
  if (error instanceof Error && 'exitCode' in error && error.name === 'CommanderError') {
    // Commander printed its own message (or help, exit code 0).
    return (error as { exitCode: number }).exitCode;
  }
  if (error instanceof SetupError) {
    io.err(`treff setup: ${error.message}\n`);
    for (const line of error.details) io.err(`  ${line}\n`);
    return error.exitCode;
  }
  if (error instanceof CliFailure) {
    io.err(`treff: ${error.message}\n`);
    for (const line of error.details) io.err(`  ${line}\n`);
    return error.exitCode;
  }
  if (error instanceof ConfigError) {
    io.err(`treff: ${error.message}\n`);
    for (const line of formatIssues(error.issues)) io.err(`  ${line}\n`);
    return 1;
  }
  if (error instanceof AppError) {
    io.err(`treff: ${error.message}\n`);
    for (const line of formatIssues(error.issues)) io.err(`  ${line}\n`);
    return 1;
  }
  io.err(`treff: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
}
