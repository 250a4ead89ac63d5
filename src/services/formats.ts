/**
 * Quoting for the formats of the daemons added by issue #6 (nginx, JavaScript, HOCON, systemd,
 * logrotate), next to quoting.ts. Every value from the declaration goes through one of these, so
 * a domain or a path can never break out of its setting; what cannot be quoted is refused.
 */

/**
 * A bare nginx parameter (a domain, a path): refused unless it holds only characters nginx reads
 * literally. `$` would start a variable, `;`, `{`, `}`, quotes and whitespace end the parameter.
 */
export function nginxToken(value: string): string {
  if (!/^[A-Za-z0-9@%._:/+=,~-]+$/.test(value)) {
    throw new Error(`${JSON.stringify(value)} cannot appear in an nginx configuration`);
  }
  return value;
}

/**
 * A double-quoted nginx string for fixed header values (a CSP): nginx unescapes `\"` and `\\`;
 * a `$` would interpolate a variable, so it is refused rather than escaped.
 */
export function nginxString(value: string): string {
  if (/[$\r\n]/.test(value)) {
    throw new Error(`${JSON.stringify(value)} cannot appear in an nginx string`);
  }
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** A JavaScript string literal (Jitsi's config.js): JSON is valid JavaScript since ES2019. */
export function jsString(value: string): string {
  return JSON.stringify(value);
}

/** A HOCON quoted string (jvb.conf, jicofo.conf): HOCON quoted strings are JSON strings. */
export function hoconString(value: string): string {
  return JSON.stringify(value);
}

/**
 * A path in a systemd unit: `%` starts a specifier (systemd.unit(5) "Specifiers") and is doubled;
 * whitespace and quotes are refused because ExecStart= would split or unquote them.
 */
export function systemdPath(value: string): string {
  if (!/^[A-Za-z0-9@%._:/+=,~-]+$/.test(value)) {
    throw new Error(`${JSON.stringify(value)} cannot appear as a path in a systemd unit`);
  }
  return value.replaceAll('%', '%%');
}

/**
 * A path in a logrotate configuration: logrotate splits paths on whitespace. `*` is allowed for
 * treff's own patterns (`/var/log/nginx/*.log`); a declared path never contains one (the schema
 * would have to allow it, and the doctor would then check every match).
 */
export function logrotatePath(value: string): string {
  if (!/^\/[A-Za-z0-9@%._/+=,~*-]+$/.test(value)) {
    throw new Error(`${JSON.stringify(value)} cannot appear as a logrotate path`);
  }
  return value;
}
