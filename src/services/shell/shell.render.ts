import type { Config } from '../../core/config/load.ts';
import { header } from '../quoting.ts';

/**
 * Shell history as declared (issue #6, services.md §5.3): `opt-in` keeps bash from saving a
 * history unless the member created `~/.keep_history`; `off` never saves one. Pure function.
 */

/** The file a member creates to keep a shell history. */
export const KEEP_HISTORY_MARKER = '.keep_history';

/** Where the snippet goes and the line /etc/bash.bashrc needs (see the install guide). */
export const HISTORY_SNIPPET = '/etc/profile.d/treff-history.sh';
export const BASHRC_HOOK = `[ -r ${HISTORY_SNIPPET} ] && . ${HISTORY_SNIPPET}`;

/**
 * `/etc/profile.d/treff-history.sh`. Login shells read it through /etc/profile; interactive
 * shells that are not login shells read only /etc/bash.bashrc, which sources it through the one
 * line the install guide appends there. bash writes `$HISTFILE` at exit: unset, nothing is
 * written. A member's own ~/.bashrc runs later and may set HISTFILE again: that is the member's
 * own choice, like the marker. The same goes for other tools' histories in the home directory.
 */
export function renderShellHistory(config: Config): string {
  const shell = config.services.shell;
  if (!shell) return `${header('#', 'treff.yaml')}# No login shell is declared.\n`;
  const condition =
    shell.history === 'opt-in'
      ? `[ ! -e "\${HOME:-/nonexistent}/${KEEP_HISTORY_MARKER}" ]`
      : 'true';
  const why =
    shell.history === 'opt-in'
      ? `# Shell history is opt-in (services.shell.history): a member who wants one creates
# ~/${KEEP_HISTORY_MARKER}; without it bash, less, the Node.js REPL, mysql, psql and sqlite3 save none.`
      : `# Shell history is off (services.shell.history): bash, less, the Node.js REPL, mysql, psql and
# sqlite3 save none.`;
  return `${header('#', 'treff.yaml')}${why}
if ${condition}; then
  unset HISTFILE
  LESSHISTFILE=-
  NODE_REPL_HISTORY=
  MYSQL_HISTFILE=/dev/null
  PSQL_HISTORY=/dev/null
  SQLITE_HISTORY=/dev/null
  export LESSHISTFILE NODE_REPL_HISTORY MYSQL_HISTFILE PSQL_HISTORY SQLITE_HISTORY
fi
`;
}
