import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Hono } from 'hono';
import { accessRoutes } from './access/index.ts';
import { adminRoutes } from './admin/index.ts';
import { assemblyRoutes } from './assembly/index.ts';
import { authRoutes, sessionMiddleware } from './auth/index.ts';
import { createBackground } from './core/background.ts';
import { systemClock, type Clock } from './core/clock.ts';
import type { Config } from './core/config/load.ts';
import { migrateToLatest, openDatabase } from './core/db/database.ts';
import type { Deps } from './core/deps.ts';
import { fileErasureJournal, journalPathIn, type ErasureJournal } from './core/erasure-journal.ts';
import { ensurePrivateDir, PRIVATE_FILE_MODE, writeFileAtomic } from './core/fs.ts';
import { createWebFrame } from './core/http/app.tsx';
import { dashboardRoutes } from './dashboard/index.ts';
import type { AppEnv } from './core/http/context.ts';
import { createLoginLimits } from './core/limits/login.ts';
import { createLogger, type Logger } from './core/log.ts';
import { outboxMailer, smtpMailer, type Mailer } from './core/mail/mailer.ts';
import { argon2Hasher, type AccountHasher, type PasswordHasher } from './core/password.ts';
import { accountRoutes, yescryptHasher } from './accounts/index.ts';
import { mountKeys } from './keys/index.ts';
import { memberRoutes } from './members/index.ts';
import { dunningRoutes } from './dunning/index.ts';
import { messages } from './messages.ts';
import { requestRoutes } from './requests/index.ts';
import { retentionRoutes } from './retention/index.ts';
import { policyRoutes } from './policy/index.ts';
import { sepaRoutes } from './sepa/index.ts';
import { siteRoutes } from './site/index.ts';
import { doctorRoutes } from './services/index.ts';
import { disclosureRoutes, statementRoutes, transparencyRoutes } from './transparency/index.ts';

/** Deps plus the means to release them. */
export interface Runtime extends Deps {
  close(): Promise<void>;
}

/** Overrides for tests and benchmarks. */
export interface RuntimeOptions {
  clock?: Clock;
  mailer?: Mailer;
  hasher?: PasswordHasher;
  accountHasher?: AccountHasher;
  log?: Logger;
  /** Put every PostgreSQL table into this schema (one schema per test). */
  pgSchema?: string;
  /** Apply pending migrations on open (default true). */
  migrate?: boolean;
  journal?: ErasureJournal;
}

/**
 * The composition root: opens the database (migrating it), reads or creates the secret, picks
 * the mailer, and returns the dependencies every entry point (web server, CLI) shares.
 */
export async function createRuntime(
  config: Config,
  options: RuntimeOptions = {},
): Promise<Runtime> {
  const log = options.log ?? createLogger();
  const clock = options.clock ?? systemClock;
  // Registry, secret, outbox and keys live here: private whatever the umask (README, Security).
  await ensurePrivateDir(config.paths.dataDir);
  const handle = await openDatabase(
    config.database.url,
    options.pgSchema ? { pgSchema: options.pgSchema } : {},
  );
  try {
    if (options.migrate !== false) await migrateToLatest(handle.db, handle.pgSchema);
    const secret = await loadOrCreateSecret(config.paths.secretFile);
    const mailer = options.mailer ?? (await createMailer(config, clock));
    const background = createBackground(log);
    return {
      config,
      db: handle.db,
      dialect: handle.dialect,
      ...(handle.pgSchema ? { pgSchema: handle.pgSchema } : {}),
      log,
      clock,
      mailer,
      hasher: options.hasher ?? argon2Hasher(),
      accountHasher: options.accountHasher ?? yescryptHasher(),
      background,
      loginLimits: createLoginLimits(clock),
      secret,
      journal: options.journal ?? fileErasureJournal(journalPathIn(config.paths.dataDir)),
      messages,
      close: async () => {
        await background.settle();
        await handle.close();
      },
    };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

async function createMailer(config: Config, clock: Clock): Promise<Mailer> {
  const smtp = config.mail.smtp;
  if (!smtp) return outboxMailer({ from: config.mail.from, dir: config.paths.outboxDir, clock });
  const password = smtp.passwordFile
    ? (await readFile(smtp.passwordFile, 'utf8')).trim()
    : undefined;
  return smtpMailer({
    from: config.mail.from,
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    user: smtp.user,
    password,
  });
}

/** Reads the 32-byte secret of this installation, creating it (mode 0600) on first use. */
export async function loadOrCreateSecret(path: string): Promise<Buffer> {
  try {
    const secret = await readFile(path);
    if (secret.length >= 32) return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(32);
  await writeFileAtomic(path, secret, { mode: PRIVATE_FILE_MODE });
  return secret;
}

/**
 * The whole web application: the frame plus every module's routes. `demo` (only `treff demo`)
 * shows one-time links in the outbox unmasked, for trying the example club.
 */
export function createApp(deps: Deps, options: { demo?: boolean } = {}): Hono<AppEnv> {
  const app = createWebFrame({
    log: deps.log,
    clock: deps.clock,
    secret: deps.secret,
    clubName: deps.config.club.name,
    publicUrl: deps.config.publicUrl,
    defaultLang: deps.config.club.defaultLanguage,
    messages: deps.messages,
    sessionMiddleware: sessionMiddleware(deps),
  });
  app.route('/', siteRoutes(deps.config));
  app.route('/', authRoutes(deps));
  app.route('/', memberRoutes(deps));
  app.route('/', dunningRoutes(deps));
  app.route('/', accessRoutes(deps));
  app.route('/', adminRoutes(deps, { revealOutboxLinks: options.demo === true }));
  app.route('/', policyRoutes(deps));
  app.route('/', accountRoutes(deps));
  app.route('/', doctorRoutes(deps));
  app.route('/', retentionRoutes(deps));
  app.route('/', requestRoutes(deps));
  app.route('/', transparencyRoutes(deps));
  app.route('/', statementRoutes(deps));
  app.route('/', disclosureRoutes(deps));
  app.route('/', sepaRoutes(deps));
  app.route('/', assemblyRoutes(deps));
  app.route('/', dashboardRoutes(deps));
  // Last: the WKD is dispatched in front of the frame (keys module).
  return mountKeys(app, deps);
}
