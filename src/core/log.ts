import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * The process logger. Log lines carry event names, ids and counts, never personal values; the
 * redact list is a second line of defence for fields that must not reach a log by accident.
 */
export function createLogger(
  options: { level?: string; destination?: NodeJS.WritableStream } = {},
): Logger {
  return pino(
    {
      level: options.level ?? process.env['TREFF_LOG_LEVEL'] ?? 'info',
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
