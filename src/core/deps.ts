import type { Background } from './background.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config/load.ts';
import type { Db, Dialect } from './db/database.ts';
import type { ErasureJournal } from './erasure-journal.ts';
import type { Catalogue } from './i18n/index.ts';
import type { LoginLimits } from './limits/login.ts';
import type { Logger } from './log.ts';
import type { Mailer } from './mail/mailer.ts';
import type { AccountHasher, PasswordHasher } from './password.ts';

/**
 * Everything a service may depend on, built once by the composition root (`src/app.ts`) for the
 * web server and the CLI alike. Functions take only the part they use
 * (`Pick<Deps, 'db' | 'clock'>`); there is no module-level state.
 */
export interface Deps {
  config: Config;
  db: Db;
  dialect: Dialect;
  /** The PostgreSQL schema of the tables, when not the default (tests). */
  pgSchema?: string;
  log: Logger;
  clock: Clock;
  mailer: Mailer;
  /** Web logins of board, treasurer and admins (Argon2id). */
  hasher: PasswordHasher;
  /** Member accounts, checked by the daemons too (yescrypt through libxcrypt). */
  accountHasher: AccountHasher;
  /** Work that runs after the response (mails whose sending must not show in the answer). */
  background: Background;
  /** The password-guessing limits shared by the web login and Prosody's check (per process). */
  loginLimits: LoginLimits;
  /** 32 random bytes from the data dir, for signing anonymous form tokens. */
  secret: Buffer;
  /** Every erasure by kind and id, outside the database, replayed after a restore. */
  journal: ErasureJournal;
  /** Every text of every module (src/messages.ts), for `translator(lang, deps.messages)`. */
  messages: Catalogue;
}
