import type { Config } from '../../core/config/load.ts';
import { bareToken, header } from '../quoting.ts';

/**
 * Logins for member accounts (issue "Member accounts"): sshd finds members through
 * libnss-extrausers. Pure functions of the declaration; the paths match
 * src/accounts/projections.ts.
 */

/** sshd: members (group treff-shell) and the admins' groups only, keys from the projection. */
export function renderSshd(config: Config): string {
  const groups = ['treff-shell', ...(config.services.shell?.adminGroups ?? ['sudo'])]
    .map(bareToken)
    .join(' ');
  return `${header('#', 'treff.yaml')}# Logins of member accounts come from libnss-extrausers (see nsswitch.conf); sshd logs the
# client IP, the user name and the times of login and logout at INFO, as declared.
AllowGroups ${groups}
AuthorizedKeysFile .ssh/authorized_keys /var/lib/treff/ssh-keys/%u
PasswordAuthentication yes
KbdInteractiveAuthentication no
UsePAM yes
PermitRootLogin prohibit-password
LogLevel INFO
`;
}

/** Debian 12's nsswitch.conf with extrausers after files (its README requires that order). */
export function renderNsswitch(): string {
  return `${header('#', 'treff.yaml')}passwd:         files systemd extrausers
group:          files systemd extrausers
shadow:         files systemd extrausers
gshadow:        files systemd

hosts:          files mdns4_minimal [NOTFOUND=return] dns
networks:       files

protocols:      db files
services:       db files
ethers:         db files
rpc:            db files

netgroup:       nis
`;
}
