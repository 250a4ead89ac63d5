import type { Config } from '../../core/config/load.ts';
import type { InstallOptions } from '../accounts.render.ts';
import { header, luaString } from '../quoting.ts';

/**
 * Prosody for member accounts (issue "Member accounts"): Prosody asks treff through
 * mod_auth_treff. Pure function of the declaration; the paths match src/accounts/projections.ts.
 */

/** Prosody authentication through treff (mod_auth_treff). */
export function renderProsodyAuth(config: Config, install: InstallOptions): string {
  const xmpp = config.services.xmpp;
  if (!xmpp) return `${header('--', 'treff.yaml')}-- No XMPP service is declared.\n`;
  return `${header('--', 'treff.yaml')}-- Passwords are checked by treff over loopback, asynchronously (mod_auth_treff); the user
-- list is the projection \`treff sync\` writes. Registration stays off: accounts come from treff.
plugin_paths = { ${luaString(`${install.installDir}/integrations/prosody`)} }
allow_registration = false

VirtualHost ${luaString(xmpp.domain)}
  authentication = "treff"
  treff_auth_url = ${luaString(`http://127.0.0.1:${config.web.internalPort}/internal/xmpp/auth`)}
  treff_auth_secret_file = "/etc/prosody/treff-auth.secret"
  treff_users_file = "/var/lib/treff/xmpp-users"
`;
}
