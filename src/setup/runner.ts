import { spawn } from 'node:child_process';

/** One command setup runs: the argv, and whether it only reads (so a dry run runs it too). */
export interface CommandSpec {
  argv: readonly string[];
  /** True when the command changes nothing (a query): dry runs and recorders run it for real. */
  readOnly?: boolean;
  /** Text for its stdin. */
  input?: string;
  /** Extra environment variables. */
  env?: Readonly<Record<string, string>>;
}

/** What a command did. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the commands of `treff setup`. The real runner spawns them; the recording runner (dry
 * runs, tests) writes down what would have run and runs only what the caller lets through.
 */
export interface CommandRunner {
  run(spec: CommandSpec): Promise<CommandResult>;
}

/** Spawns each command (no shell), collecting its output. A missing binary is exit code 127. */
export class SystemRunner implements CommandRunner {
  async run(spec: CommandSpec): Promise<CommandResult> {
    const [command, ...args] = spec.argv;
    if (!command) throw new Error('empty command');
    return new Promise((resolvePromise) => {
      const child = spawn(command, args, {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { ...process.env, ...spec.env },
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
      child.on('error', (error: NodeJS.ErrnoException) => {
        resolvePromise({
          code: error.code === 'ENOENT' ? 127 : 126,
          stdout: '',
          stderr: error.message,
        });
      });
      child.on('close', (code) => {
        resolvePromise({
          code: code ?? 1,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
        });
      });
      child.stdin.on('error', () => undefined);
      child.stdin.end(spec.input ?? '');
    });
  }
}

/**
 * Records every command instead of running it, answering exit code 0 and no output. Commands
 * for which `pass` says yes (by default: the read-only ones) run for real through `inner`.
 */
export class RecordingRunner implements CommandRunner {
  readonly recorded: CommandSpec[] = [];
  private readonly inner: CommandRunner;
  private readonly pass: (spec: CommandSpec) => boolean;
  private readonly answer: (spec: CommandSpec) => Promise<string>;

  /**
   * `answer` gives the stdout of a recorded command (tests: what the real program prints once
   * its work is done); default none.
   */
  constructor(
    options: {
      inner?: CommandRunner;
      pass?: (spec: CommandSpec) => boolean;
      answer?: (spec: CommandSpec) => Promise<string>;
    } = {},
  ) {
    this.inner = options.inner ?? new SystemRunner();
    this.pass = options.pass ?? ((spec) => spec.readOnly === true);
    this.answer = options.answer ?? (() => Promise.resolve(''));
  }

  async run(spec: CommandSpec): Promise<CommandResult> {
    if (this.pass(spec)) return this.inner.run(spec);
    this.recorded.push(spec);
    return { code: 0, stdout: await this.answer(spec), stderr: '' };
  }

  /** The recorded argvs joined by spaces, for assertions and the dry-run listing. */
  get lines(): string[] {
    return this.recorded.map((spec) => spec.argv.join(' '));
  }
}
