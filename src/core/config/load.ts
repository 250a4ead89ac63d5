import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { AppError, type FieldIssue } from '../errors.ts';
import { friendlyErrorMap, issuesFromZod } from '../validation.ts';
import { TreffConfig, type TreffConfigParsed } from './schema.ts';

/** The validated declaration with every path made absolute. */
export interface Config extends TreffConfigParsed {
  /** Absolute path of the file the declaration was read from. */
  file: string;
  paths: {
    dataDir: string;
    outboxDir: string;
    /** Inbound mail the parser refused (core/mail/quarantine.ts). */
    quarantineDir: string;
    secretFile: string;
  };
  /** The address used in mailed links, without a trailing slash. */
  publicUrl: string;
}

/** The declaration cannot be used; `issues` lists every problem with its path. */
export class ConfigError extends AppError {
  readonly file: string;
  constructor(file: string, message: string, issues: readonly FieldIssue[]) {
    super('validation', 'config_invalid', message, { issues });
    this.name = 'ConfigError';
    this.file = file;
  }
}

/**
 * Picks the declaration file: the `--config` flag, else `$TREFF_CONFIG`, else `./treff.yaml`.
 */
export function configPath(flag?: string): string {
  return resolve(flag ?? process.env['TREFF_CONFIG'] ?? 'treff.yaml');
}

/**
 * Reads, parses and validates a declaration. Throws {@link ConfigError} naming *all* problems
 * (YAML syntax errors with line and column, schema problems with their path).
 * `TREFF_DATABASE_URL` overrides `database.url`, so one declaration can run on either database.
 */
export async function loadConfig(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Config> {
  const absolute = resolve(file);
  let source: string;
  try {
    source = await readFile(absolute, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(error);
    throw new ConfigError(absolute, `Cannot read ${absolute}: ${reason}`, []);
  }
  return parseConfig(source, absolute, env);
}

/** Validates declaration text as if read from `file` (relative paths resolve against its folder). */
export function parseConfig(source: string, file: string, env: NodeJS.ProcessEnv = {}): Config {
  const document = parseDocument(source, { uniqueKeys: true });
  if (document.errors.length > 0) {
    const issues = document.errors.map((error) => {
      const position = error.linePos?.[0];
      return {
        path: position ? `line ${position.line}, column ${position.col}` : '',
        message: (error.message.split('\n')[0] ?? error.message).replace(
          / at line \d+, column \d+:?$/,
          '',
        ),
      };
    });
    throw new ConfigError(file, `${file} is not valid YAML`, issues);
  }
  let raw: unknown;
  try {
    raw = document.toJS();
  } catch (error) {
    // The yaml library refuses alias bombs ("billion laughs") and aliases to themselves here.
    throw new ConfigError(file, `${file} is not valid YAML`, [
      { path: '', message: error instanceof Error ? error.message : String(error) },
    ]);
  }
  const result = TreffConfig.safeParse(raw ?? {}, { error: friendlyErrorMap });
  if (!result.success) {
    throw new ConfigError(file, `${file} has problems`, issuesFromZod(result.error));
  }
  return resolveConfig(result.data, file, env);
}

function resolveConfig(parsed: TreffConfigParsed, file: string, env: NodeJS.ProcessEnv): Config {
  const base = dirname(file);
  const at = (path: string) => (isAbsolute(path) ? path : resolve(base, path));
  const dataDir = at(parsed.dataDir);
  let url = env['TREFF_DATABASE_URL'] ?? parsed.database.url;
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    url = path === ':memory:' ? url : `sqlite:${at(path)}`;
  }
  const publicUrl = (
    parsed.web.publicUrl ?? `http://${parsed.web.host}:${parsed.web.port}`
  ).replace(/\/+$/, '');
  // A directory store may name a folder of treff's own (`./data/outbox`): relative to this
  // file, as dataDir is.
  const activities = parsed.activities.map((activity) =>
    activity.store.kind === 'directory' && !isAbsolute(activity.store.path)
      ? { ...activity, store: { ...activity.store, path: at(activity.store.path) } }
      : activity,
  );
  return {
    ...parsed,
    activities,
    dataDir,
    database: { url },
    file,
    publicUrl,
    paths: {
      dataDir,
      outboxDir: join(dataDir, 'outbox'),
      quarantineDir: join(dataDir, 'quarantine'),
      secretFile: join(dataDir, 'secret.key'),
    },
  };
}
