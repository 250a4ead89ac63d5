import { pino, type Logger } from 'pino';
import { ValidationError } from './errors.ts';

export type { Logger };

/** The levels `TREFF_LOG_LEVEL` may name, most severe first. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * The log level `TREFF_LOG_LEVEL` asks for, else `fallback` (each command has its own: the
 * server logs requests at `info`, one-shot commands only warnings).
 * @throws ValidationError `log_level_invalid` naming the variable for a value that is no level.
 */
export function logLevel(env: NodeJS.ProcessEnv, fallback: (typeof LOG_LEVELS)[number]): string {
  const value = env['TREFF_LOG_LEVEL']?.trim().toLowerCase();
  if (!value) return fallback;
  if (!(LOG_LEVELS as readonly string[]).includes(value)) {
    throw new ValidationError('log_level_invalid', 'TREFF_LOG_LEVEL is not a log level.', [
      { path: 'TREFF_LOG_LEVEL', message: `expected one of: ${LOG_LEVELS.join(', ')}` },
    ]);
  }
  return value;
}

/**
 * The process logger. Log lines carry event names, ids and counts, never personal values; the
 * redact list is a second line of defence for fields that must not reach a log by accident.
 */
export function createLogger(
  options: { level?: string; destination?: NodeJS.WritableStream } = {},
): Logger {
  return pino(
    {
      level: options.level ?? logLevel(process.env, 'info'),
      base: null,
      redact: {
        paths: [
          'email',
          '*.email',
          'password',
          '*.password',
          'token',
          '*.token',
          'req.headers.cookie',
          'req.headers.authorization',
        ],
        censor: '[redacted]',
      },
    },
    options.destination ?? process.stderr,
  );
}

/** A logger that drops everything, for tests and quiet CLI commands. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
