/**
 * Which Dovecot syntax to render: Debian 12 ships Dovecot 2.3, Debian 13 ships 2.4, whose
 * configuration is not compatible (an unknown setting is fatal). Decided in this order:
 * `services.mail.dovecot` in the declaration; the installed dovecot-core in the target's dpkg
 * status; the target's Debian release (12 or older: 2.3); else 2.4 (Debian 13, treff's target).
 */
export type DovecotVersion = '2.3' | '2.4';

/** Reads a file of the target by its absolute path; null when it is missing. */
export type TargetReader = (path: string) => Promise<string | null>;

/** The installed dovecot-core's major version from dpkg's status text, if installed. */
export function dovecotInStatus(status: string): DovecotVersion | undefined {
  for (const block of status.split(/\n\s*\n/)) {
    if (!/^Package: dovecot-core$/m.test(block)) continue;
    if (!/^Status: .* installed$/m.test(block)) continue;
    const version = /^Version: (?:\d+:)?(\d+)\.(\d+)/m.exec(block);
    if (!version) return undefined;
    return Number(version[1]) > 2 || Number(version[2]) >= 4 ? '2.4' : '2.3';
  }
  return undefined;
}

/** The Dovecot syntax for the target (see the module comment). */
export async function detectDovecot(
  declared: DovecotVersion | undefined,
  read: TargetReader,
): Promise<DovecotVersion> {
  if (declared) return declared;
  const installed = dovecotInStatus((await read('/var/lib/dpkg/status')) ?? '');
  if (installed) return installed;
  const release = /^(\d+)/.exec((await read('/etc/debian_version')) ?? '')?.[1];
  if (release && Number(release) <= 12) return '2.3';
  return '2.4';
}
