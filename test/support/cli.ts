import type { RuntimeOptions } from '../../src/app.ts';
import { runCli, type CliIO } from '../../src/cli.ts';

/** What one in-process run of the command line printed, and its exit code. */
export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs `treff ARGS` in this process, as tests do, capturing stdout and stderr. */
export async function runTreff(
  args: readonly string[],
  options: { stdin?: string; runtimeOptions?: RuntimeOptions } = {},
): Promise<CliRun> {
  let out = '';
  let err = '';
  const io: CliIO = {
    out: (text) => (out += text),
    err: (text) => (err += text),
    readStdin: () => Promise.resolve(options.stdin ?? ''),
    ...(options.runtimeOptions ? { runtimeOptions: options.runtimeOptions } : {}),
  };
  const code = await runCli([...args], io);
  return { code, out, err };
}
