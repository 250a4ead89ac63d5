import type { Target } from './target.ts';

/** What dpkg knows about the target: installed packages and their unmodified conffiles' md5. */
export interface DpkgState {
  installed: ReadonlySet<string>;
  /** conffile path → md5 of the file as its package shipped it, and the package. */
  conffiles: ReadonlyMap<string, { md5: string; pkg: string }>;
}

/**
 * Reads `/var/lib/dpkg/status` of the target: the same database `dpkg-query` reads, read
 * directly so that a `--root` target without binaries answers too. A missing file is an empty
 * system (nothing installed).
 */
export async function readDpkgState(target: Target): Promise<DpkgState> {
  const text = (await target.read('/var/lib/dpkg/status')) ?? '';
  const installed = new Set<string>();
  const conffiles = new Map<string, { md5: string; pkg: string }>();
  for (const block of text.split(/\n\s*\n/)) {
    const pkg = /^Package: (\S+)/m.exec(block)?.[1];
    const status = /^Status: (.*)$/m.exec(block)?.[1];
    if (!pkg || !status?.trim().endsWith(' installed')) continue;
    installed.add(pkg);
    const list = /^Conffiles:\n((?: .*\n?)*)/m.exec(block)?.[1] ?? '';
    for (const line of list.split('\n')) {
      const [path, md5] = line.trim().split(/\s+/);
      if (path && md5 && md5 !== 'newconffile') conffiles.set(path, { md5, pkg });
    }
  }
  return { installed, conffiles };
}
