import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';

/**
 * The system `treff setup` installs into: `/`, or another root (`--root DIR`, a chroot-to-be or
 * a test's temporary directory). Paths are written as on the target (`/etc/treff/treff.yaml`)
 * and mapped here; commands run inside it with `chroot`, or with the tool's own root flag where
 * it has one (systemctl, systemd-tmpfiles, useradd), which works without binaries in the root.
 */
export class Target {
  readonly root: string;

  constructor(root: string) {
    this.root = posix.resolve(root);
  }

  /** Whether setup works on the running system itself. */
  get live(): boolean {
    return this.root === '/';
  }

  /** The host path of a target path. */
  path(targetPath: string): string {
    return posix.join(this.root, targetPath);
  }

  /** A file's text, or null when it does not exist. */
  async read(targetPath: string): Promise<string | null> {
    try {
      return await readFile(this.path(targetPath), 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return null;
      throw error;
    }
  }

  /** argv of a command run inside the target, optionally as another user. */
  exec(argv: readonly string[], user?: string): string[] {
    if (this.live) return user ? ['runuser', '-u', user, '--', ...argv] : [...argv];
    return ['chroot', ...(user ? [`--userspec=${user}:${user}`] : []), this.root, ...argv];
  }

  /** argv of systemctl acting on the target's unit files (offline when not live). */
  systemctl(...args: string[]): string[] {
    return ['systemctl', ...(this.live ? [] : ['--root', this.root]), ...args];
  }

  /** The `--root` flag of tools that have one (useradd, groupadd, systemd-tmpfiles). */
  rootFlag(): string[] {
    return this.live ? [] : ['--root', this.root];
  }
}
