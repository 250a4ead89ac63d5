import type { Config } from '../../core/config/load.ts';
import type { WEB_LOG_FIELDS } from '../../core/config/vocabulary.ts';
import { tlsPaths, websiteLogPath } from '../declared.ts';
import { nginxString, nginxToken } from '../formats.ts';
import { header } from '../quoting.ts';

/**
 * nginx from the declaration (issue #6, services.md §2): an access log with exactly the declared
 * website fields (operating system and browser reduced from the User-Agent, the page without its
 * query), nothing logged anywhere else, an error log without visitor data, and security headers
 * with a CSP that allows no other origin. Pure functions.
 */

type WebLogField = (typeof WEB_LOG_FIELDS)[number];

/** The log_format every logging server uses. */
export const LOG_FORMAT_NAME = 'treff_privacy';

/**
 * What each declared field becomes in the log line. The doctor accepts exactly these variables
 * for a field, so the format can only log what the declaration lists.
 */
export const FIELD_FORMATS: Record<WebLogField, { text: string; variables: readonly string[] }> = {
  ip: { text: '$remote_addr', variables: ['remote_addr'] },
  time: { text: '[$time_iso8601]', variables: ['time_iso8601'] },
  operatingSystem: { text: '"$treff_os"', variables: ['treff_os'] },
  browser: { text: '"$treff_browser"', variables: ['treff_browser'] },
  referer: { text: '"$treff_referer"', variables: ['treff_referer'] },
  page: { text: '"$treff_page"', variables: ['treff_page'] },
};

/**
 * Operating systems from the User-Agent, first match wins (nginx maps test regexes in file
 * order): Android before Linux (Android agents contain "Linux"), iOS before macOS ("like Mac OS
 * X"). Tested with the Debian nginx 1.22.1 binary (services.md §2.1).
 */
const OS_PATTERNS: readonly [string, string][] = [
  ['~*android', 'Android'],
  ['~*(iphone|ipad|ipod)', 'iOS'],
  ['~*windows', 'Windows'],
  ['~*cros', 'ChromeOS'],
  ['~*mac os x', 'macOS'],
  ['~*linux', 'Linux'],
  ['~*bsd', 'BSD'],
];

/** Browsers: Edge and Opera before Chrome, Chrome before Safari (their agents name both). */
const BROWSER_PATTERNS: readonly [string, string][] = [
  ['~*(bot|crawler|spider)', 'bot'],
  ['~*edg(e|a|ios)?/', 'Edge'],
  ['~*(opr|opera)/', 'Opera'],
  ['~*(firefox|fxios)/', 'Firefox'],
  ['~*(chrome|crios|chromium)/', 'Chrome'],
  ['~*safari/', 'Safari'],
  ['~*curl/', 'curl'],
];

function userAgentMap(variable: string, patterns: readonly [string, string][]): string {
  const width = Math.max(...patterns.map(([pattern]) => pattern.length)) + 3;
  const lines = patterns.map(([pattern, name]) => `    ${`"${pattern}"`.padEnd(width)}"${name}";`);
  return `map $http_user_agent $${variable} {
    ${'default'.padEnd(width)}"other";
    ${'""'.padEnd(width)}"-";
${lines.join('\n')}
}`;
}

/**
 * Path prefixes (nginx regexes) after which the logged page is cut: the one-time tokens of login
 * links (`/login/link/TOKEN`) and password links (`/account/password/TOKEN`), and the WKD hash of
 * the looked-up local part (`/.well-known/openpgpkey/[DOMAIN/]hu/HASH`, which names a member).
 */
export const REDACTED_PATHS: readonly string[] = [
  '/login/link/',
  '/account/password/',
  '/\\.well-known/openpgpkey/(?:[^/]+/)?hu/',
];

/**
 * The referer: the page a visitor came from, without its query string or fragment (they may hold
 * search terms), and with a token route cut like the page, because a browser sends the page it
 * is on as the referer of its stylesheet and favicon, so a login link's own page would otherwise
 * log its token. Other sites send at most their origin (their default referrer policy); treff's
 * pages send `same-origin`, since their forms need a real `Origin` header.
 */
function refererMap(): string {
  const routes = REDACTED_PATHS.join('|');
  const entries: [string, string][] = [
    ['""', '"-"'],
    [`"~*^(?<treff_referer_route>[^?#]*?(?:${routes}))"`, '"${treff_referer_route}[redacted]"'],
    ['"~^(?<treff_referer_path>[^?#]*)"', '$treff_referer_path'],
  ];
  const width = 36;
  return `# The referer without its query string, with what follows a token route replaced.
map $http_referer $treff_referer {
    ${'default'.padEnd(width)} "-";
${entries.map(([key, value]) => `    ${key.padEnd(width)} ${value};`).join('\n')}
}`;
}

/** The `log_format` line for the declared fields, in the declared order. */
export function logFormatText(fields: readonly WebLogField[]): string {
  return fields.map((field) => FIELD_FORMATS[field].text).join(' ');
}

/**
 * `/etc/nginx/conf.d/treff-privacy.conf`, read at the http level of Debian's nginx.conf: the
 * maps and the log format generated from `services.website.logFields`, and `access_log off`,
 * which cancels Debian's http-level `access_log /var/log/nginx/access.log` (combined format with
 * the full User-Agent): a server logs only if it names the privacy format itself.
 */
export function renderNginxPrivacy(config: Config): string {
  const fields = config.services.website?.logFields ?? [];
  const maps: string[] = [];
  if (fields.includes('operatingSystem')) maps.push(userAgentMap('treff_os', OS_PATTERNS));
  if (fields.includes('browser')) maps.push(userAgentMap('treff_browser', BROWSER_PATTERNS));
  if (fields.includes('page')) {
    const width = Math.max(...REDACTED_PATHS.map((prefix) => prefix.length)) + 23;
    const redacted = REDACTED_PATHS.map(
      (prefix) =>
        `    ${`"~*^(?<treff_route>${prefix})"`.padEnd(width)}"\${treff_route}[redacted]";`,
    );
    maps.push(`# The page: nginx's normalised path ($uri: decoded, dot segments and double slashes
# resolved, without the query string, which may hold tokens or search terms), with what follows
# a one-time token route or a WKD hash route replaced, so no login link, password link or
# looked-up address reaches the log.
map $uri $treff_page {
    ${'default'.padEnd(width)}$uri;
${redacted.join('\n')}
}`);
  }
  if (fields.includes('referer')) maps.push(refererMap());
  const format =
    fields.length > 0
      ? `log_format ${LOG_FORMAT_NAME} escape=default '${logFormatText(fields)}';`
      : `# No log fields are declared: nothing is logged.`;
  return `${header('#', 'treff.yaml')}# The website's log holds exactly the declared fields: ${fields.join(', ') || 'none'} (services.website.logFields,
# services.md §2.1). Included at the http level by Debian's nginx.conf (conf.d/*.conf).
${maps.join('\n\n')}

${format}

# Cancels Debian's http-level access_log (combined format, full User-Agent): only servers that
# name the ${LOG_FORMAT_NAME} format log anything.
access_log off;
`;
}

/** The website's Content-Security-Policy: the same as treff's own (core/http/app.tsx). */
export const WEBSITE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Security headers of the website, set by nginx on every answer (`always`). */
export const WEBSITE_HEADERS: readonly [string, string][] = [
  ['Content-Security-Policy', WEBSITE_CSP],
  // same-origin, not no-referrer: treff's forms need a real Origin header (README, design).
  ['Referrer-Policy', 'same-origin'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
  ['Permissions-Policy', 'camera=(), microphone=(), geolocation=(), interest-cohort=()'],
  ['Strict-Transport-Security', 'max-age=31536000'],
];

/**
 * `/etc/nginx/conf.d/treff-website.conf`: the website is treff's public site, proxied. Its
 * access log uses the privacy format and goes to the declared file; errors go nowhere, because
 * nginx writes the client's IP, the request with its query and the referrer into every
 * per-request error line (services.md §2.1); `log_not_found off` drops the 404 lines.
 */
export function renderNginxWebsite(config: Config): string {
  const website = config.services.website;
  if (!website) return `${header('#', 'treff.yaml')}# No website is declared.\n`;
  const domain = nginxToken(website.domain);
  const tls = tlsPaths(config);
  const logPath = websiteLogPath(config);
  const accessLog =
    logPath && website.logFields.length > 0
      ? `access_log ${nginxToken(logPath)} ${LOG_FORMAT_NAME};`
      : 'access_log off;';
  const upstream = `http://${nginxToken(config.web.host)}:${config.web.port}`;
  const hide = WEBSITE_HEADERS.map(([name]) => `    proxy_hide_header ${name};`).join('\n');
  const add = WEBSITE_HEADERS.map(
    ([name, value]) => `    add_header ${name} ${nginxString(value)} always;`,
  ).join('\n');
  return `${header('#', 'treff.yaml')}# The club's website (treff's public pages, the member portal and the WKD), behind nginx.

server {
    listen 80;
    listen [::]:80;
    server_name ${domain};
    access_log off;
    error_log /dev/null;
    location ^~ /.well-known/acme-challenge/ {
        default_type "text/plain";
        root /var/www/letsencrypt;
    }
    location / {
        return 301 https://$host$request_uri;
    }
}

server {
    listen 443 ssl http2;
    listen [::]:443 ssl http2;
    server_name ${domain};
    ssl_certificate ${nginxToken(tls.certificate)};
    ssl_certificate_key ${nginxToken(tls.key)};
    ssl_protocols TLSv1.2 TLSv1.3;

    # Exactly the declared fields (conf.d/treff-privacy.conf), into the declared file.
    ${accessLog}
    error_log /dev/null;
    log_not_found off;

    # treff sets the same headers; nginx sends one copy of each on every answer.
${hide}
${add}

${website.root ? staticSite(website.root, upstream) : proxyLocation('/', upstream)}
}
`;
}

/** A location that hands the request to treff. */
function proxyLocation(match: string, upstream: string): string {
  return `    location ${match} {
        proxy_pass ${upstream};
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header X-Forwarded-For $remote_addr;
    }`;
}

/**
 * The first path segments of treff's own pages (portal, logins, admin, policy and its versions,
 * transparency, requests, its assets and health check). With a website directory these stay
 * treff's; everything else comes from the directory. The internal endpoints are not here: they
 * listen on their own loopback port (web.internalPort), never behind nginx.
 */
export const TREFF_PATHS: readonly string[] = [
  'me',
  'login',
  'logout',
  'home',
  'account',
  'admin',
  'requests',
  'datenschutz',
  'privacy',
  'transparenz',
  'transparency',
  'assets',
  'healthz',
];

/**
 * The club's own static site (services.website.root, e.g. what Hugo generates) at `/`, with the
 * server's log, headers and CSP: no directory listing, no dotfile (`.git`, `.env`, `.htpasswd`),
 * nothing but files. treff's pages and the WKD stay proxied under their paths; the WKD's `^~`
 * prefix wins over the dotfile rule, and the dotfile rule comes before treff's paths.
 */
function staticSite(root: string, upstream: string): string {
  return `    # The club's website from ${nginxToken(root)}; treff's pages under their own paths.
    root ${nginxToken(root)};
    index index.html;
    autoindex off;
    location ~ /\\. {
        return 404;
    }
${proxyLocation('^~ /.well-known/openpgpkey/', upstream)}
${proxyLocation(`~ ^/(${TREFF_PATHS.join('|')})(/|$)`, upstream)}
    location / {
        try_files $uri $uri/ =404;
    }`;
}
