import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import { createApp, createRuntime, type Runtime } from '../../src/app.ts';
import { yescryptHasher } from '../../src/accounts/index.ts';
import { createUser } from '../../src/auth/index.ts';
import { CLI_ACTOR } from '../../src/core/audit/index.ts';
import { manualClock, type ManualClock } from '../../src/core/clock.ts';
import { parseConfig } from '../../src/core/config/load.ts';
import type { Dialect } from '../../src/core/db/database.ts';
import type { AppEnv } from '../../src/core/http/context.ts';
import { silentLogger } from '../../src/core/log.ts';
import type { Mailer, OutgoingMail } from '../../src/core/mail/mailer.ts';
import { argon2Hasher } from '../../src/core/password.ts';
import { createMember } from '../../src/members/index.ts';
import { createTestDatabase } from './db.ts';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const EXAMPLE_CONFIG = join(ROOT, 'examples', 'chaostreff-osnabrueck', 'treff.yaml');

/** Argon2id at minimal cost: the real algorithm, fast enough for hundreds of test logins. */
export const testHasher = argon2Hasher({ memoryCost: 64, timeCost: 1, parallelism: 1 });

/** yescrypt at cost 4 (8 MiB): the real libxcrypt, a quarter of the production work. */
export const testAccountHasher = yescryptHasher(4);

/** Captures outgoing mail (the one external that tests replace). */
export interface CapturingMailer extends Mailer {
  sent: OutgoingMail[];
}

export function capturingMailer(): CapturingMailer {
  const sent: OutgoingMail[] = [];
  return {
    sent,
    send: (mail) => {
      sent.push(mail);
      return Promise.resolve();
    },
  };
}

/** A running treff for one test: the example club on a fresh database, a manual clock. */
export interface TestApp {
  app: Hono<AppEnv>;
  deps: Runtime;
  clock: ManualClock;
  mail: CapturingMailer;
  dir: string;
  /** Waits for the work requests left to run after their response (mails). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the example club's treff on a fresh database of `dialect`, with a manual clock at
 * 2026-03-01, captured mail and a temp data dir. `configEdit` may rewrite the YAML first.
 */
export async function createTestApp(
  dialect: Dialect,
  options: { configEdit?: (yaml: string) => string; realMailer?: boolean } = {},
): Promise<TestApp> {
  const dir = await mkdtemp(join(tmpdir(), 'treff-test-'));
  const database = await createTestDatabase(dialect, dir);
  let yaml = await readFile(EXAMPLE_CONFIG, 'utf8');
  if (options.configEdit) yaml = options.configEdit(yaml);
  const file = join(dir, 'treff.yaml');
  await writeFile(file, yaml);
  const config = parseConfig(yaml, file, { TREFF_DATABASE_URL: database.url });
  const clock = manualClock('2026-03-01T10:00:00.000Z');
  const mail = capturingMailer();
  const deps = await createRuntime(config, {
    clock,
    log: silentLogger(),
    hasher: testHasher,
    accountHasher: testAccountHasher,
    ...(options.realMailer ? {} : { mailer: mail }),
    ...(database.pgSchema ? { pgSchema: database.pgSchema } : {}),
  });
  return {
    app: createApp(deps),
    deps,
    clock,
    mail,
    dir,
    settle: () => deps.background.settle(),
    close: async () => {
      await deps.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Creates a web user with the given roles; returns its password. */
export async function addUser(
  deps: Runtime,
  username: string,
  roles: string[],
  memberId: string | null = null,
): Promise<string> {
  const password = `pw-${username}-long-enough`;
  await createUser(deps, CLI_ACTOR, { username, password, roles, memberId });
  return password;
}

/** Registry fields of a valid member, with overrides. */
export function memberInput(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    memberNumber: '42',
    firstName: 'Ada',
    lastName: 'Lovelace',
    birthDate: '1990-12-10',
    street: 'Beispielweg 1',
    postcode: '49074',
    city: 'Osnabrück',
    email: 'ada@example.org',
    phone: '+49 541 123456',
    openpgpFingerprint: '',
    joinedOn: '2024-01-01',
    leftOn: '',
    ...overrides,
  };
}

/** The three members the bank-import tests match transfers to: number, first name, address. */
export const IMPORT_MEMBERS = [
  ['42', 'Ada', 'ada@example.org'],
  ['7', 'Alan', 'alan@example.org'],
  ['9', 'Margaret', 'margaret@example.org'],
] as const;

/** Registers `members` (number, first name, address) with the CLI as actor. */
export async function seedMembers(
  t: Pick<TestApp, 'deps'>,
  members: readonly (readonly [string, string, string])[] = IMPORT_MEMBERS,
): Promise<void> {
  for (const [number, first, email] of members)
    await createMember(
      t.deps,
      CLI_ACTOR,
      memberInput({ memberNumber: number, firstName: first, email }),
    );
}
