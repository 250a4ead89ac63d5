import type { Config } from '../../core/config/load.ts';
import { websiteLogPath } from '../declared.ts';
import {
  check,
  RENDER_FIX,
  type Check,
  type CheckContext,
  type Finding,
  type Promises,
} from '../doctor.ts';
import {
  effectiveAccessLogs,
  effectiveErrorLogs,
  formatVariables,
  locations,
  readNginxModel,
  serverHeaders,
  type NginxModel,
  type NginxServer,
} from './nginx.model.ts';
import type { NginxDirective } from './nginx.parse.ts';
import { FIELD_FORMATS } from './nginx.render.ts';

/**
 * The website's promises (services.md §2): every access log nginx writes holds exactly the
 * declared fields (OS and browser reduced from the User-Agent, the page without its query) and
 * goes to the declared file; no error log holds visitor data; the website sends security headers
 * with a CSP that allows no other origin.
 */

/** Variables each declared field may use, and what the maps behind them must be. */
function allowedVariables(fields: readonly string[]): Set<string> {
  const allowed = new Set<string>();
  for (const field of fields) {
    for (const variable of FIELD_FORMATS[field as keyof typeof FIELD_FORMATS].variables) {
      allowed.add(variable);
    }
  }
  return allowed;
}

/** Problems with the maps that reduce the User-Agent and the page (empty when sound). */
function mapProblems(model: NginxModel, variables: readonly string[]): string[] {
  const problems: string[] = [];
  for (const variable of variables) {
    if (variable === 'treff_os' || variable === 'treff_browser') {
      const map = model.maps.get(variable);
      if (!map) problems.push(`$${variable} is not defined by a map`);
      else if (map.source !== 'http_user_agent' || map.entries.some(([, v]) => v.includes('$'))) {
        problems.push(`$${variable} must map $http_user_agent to fixed names`);
      }
    }
    if (variable === 'treff_referer') {
      const map = model.maps.get(variable);
      // Every entry that copies part of the referer must stop before its query string.
      const sound =
        map?.source === 'http_referer' &&
        map.entries.some(([, value]) => value.includes('[redacted]')) &&
        map.entries.every(([key, value]) => !value.includes('$') || key.includes('[^?#]'));
      if (!sound)
        problems.push(
          '$treff_referer must map $http_referer without its query string, with token routes redacted',
        );
    }
    if (variable === 'treff_page') {
      const map = model.maps.get(variable);
      // $uri never holds the query string; $request_uri does unless each entry cuts it off.
      const keepsQuery =
        !map ||
        (map.source !== 'uri' &&
          (map.source !== 'request_uri' ||
            map.entries.some(([key, value]) => value.includes('$') && !key.includes('[^?]'))));
      if (keepsQuery)
        problems.push('$treff_page must be $uri, or $request_uri without its query string');
    }
  }
  return problems;
}

function describeServer(server: NginxServer): string {
  return `server ${server.names.join(' ') || '(no name)'} (${server.listens.join(', ') || 'port 80'})`;
}

async function webLog(context: CheckContext): Promise<Finding[]> {
  const website = context.config.services.website;
  if (!website) return [];
  const { promises } = context;
  const model = await readNginxModel(context.fs);
  const allowed = allowedVariables(website.logFields);
  const declaredPath = websiteLogPath(context.config);
  const findings: Finding[] = [];
  const jitsiDomain = context.config.services.jitsi?.domain;
  for (const server of model.servers) {
    const where = `${server.file}:${server.line}`;
    const chains: ReturnType<typeof locations> = [[], ...locations(server.block)];
    const isWebsite = server.names.includes(website.domain);
    const isJitsi = jitsiDomain !== undefined && server.names.includes(jitsiDomain);
    findings.push(
      ...accessLogFindings(
        { model, server, chains, where, isWebsite, isJitsi },
        { website, allowed, declaredPath, promises },
      ),
    );
    // Error logs: nginx writes the client's IP, the request line with its query and the
    // referrer into every per-request error (services.md §2.1).
    const errorTargets = new Set(
      chains.flatMap((chain) => effectiveErrorLogs(model, server, chain)),
    );
    const leaking = [...errorTargets].filter((target) => target !== '/dev/null');
    findings.push(
      check(leaking.length === 0, {
        promise: isJitsi ? promises.jitsiNoLogs : promises.webLog,
        file: where,
        setting: `${describeServer(server)} error_log`,
        expected: '/dev/null (error lines hold the client IP, the request and the referrer)',
        actual: leaking.length === 0 ? '/dev/null' : leaking.join(', '),
        fix:
          server.names.includes('_') || server.names.length === 0
            ? 'remove Debian’s default server: rm /etc/nginx/sites-enabled/default'
            : RENDER_FIX,
      }),
    );
  }
  if (!model.servers.some((server) => server.names.includes(website.domain))) {
    findings.push(
      check(false, {
        promise: promises.webLog,
        file: '/etc/nginx/conf.d/treff-website.conf',
        setting: `server ${website.domain}`,
        expected: 'a server for the website',
        actual: 'missing',
        fix: RENDER_FIX,
      }),
    );
  }
  for (const problem of model.problems) {
    findings.push(
      check(
        false,
        {
          promise: promises.webLog,
          file: problem.file,
          setting: 'configuration',
          expected: 'readable',
          actual: problem.message,
          fix: 'nginx -t',
        },
        'warning',
      ),
    );
  }
  return findings;
}

/** The access logs of a server and of each location with its own: the declared fields only. */
function accessLogFindings(
  site: {
    model: NginxModel;
    server: NginxServer;
    chains: readonly (readonly NginxDirective[])[];
    where: string;
    isWebsite: boolean;
    isJitsi: boolean;
  },
  declared: {
    website: NonNullable<Config['services']['website']>;
    allowed: ReadonlySet<string>;
    declaredPath: string | null;
    promises: Promises;
  },
): Finding[] {
  const { model, server, chains, where, isWebsite, isJitsi } = site;
  const { website, allowed, declaredPath, promises } = declared;
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const chain of chains) {
    const logs = effectiveAccessLogs(model, server, chain);
    if (logs === 'off') continue;
    for (const log of logs) {
      const key = `${log.path} ${log.format}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const format = model.formats.get(log.format);
      const variables = format === undefined ? [] : formatVariables(format);
      const extra = [...new Set(variables.filter((variable) => !allowed.has(variable)))];
      const problems =
        format === undefined ? [`unknown format ${log.format}`] : mapProblems(model, variables);
      findings.push(
        check(extra.length === 0 && problems.length === 0 && !isJitsi, {
          promise: isJitsi ? promises.jitsiNoLogs : promises.webLog,
          file: where,
          setting: `${describeServer(server)} access_log ${log.path} ${log.format}`,
          expected: isJitsi ? 'off' : `only the declared fields (${website.logFields.join(', ')})`,
          actual:
            extra.length > 0
              ? `also ${extra.map((v) => `$${v}`).join(', ')}`
              : problems.length > 0
                ? problems.join('; ')
                : 'the declared fields',
          fix: RENDER_FIX,
        }),
      );
      if (isWebsite && declaredPath) {
        findings.push(
          check(log.path === declaredPath, {
            promise: promises.webLog,
            file: where,
            setting: `${describeServer(server)} access_log path`,
            expected: `${declaredPath} (the declared store, rotated as declared)`,
            actual: log.path,
            fix: RENDER_FIX,
          }),
        );
      }
    }
  }
  return findings;
}

/** Whether every source of a CSP is a keyword, data:/blob:, or one of `origins`. */
export function cspOtherOrigins(csp: string, origins: readonly string[]): string[] {
  const others: string[] = [];
  for (const directive of csp.split(';')) {
    const [, ...sources] = directive.trim().split(/\s+/);
    for (const source of sources) {
      if (/^'[^']*'$/.test(source)) continue;
      if (source === 'data:' || source === 'blob:') continue;
      if (origins.includes(source)) continue;
      others.push(source);
    }
  }
  return [...new Set(others)];
}

async function webHeaders(context: CheckContext): Promise<Finding[]> {
  const website = context.config.services.website;
  if (!website) return [];
  const model = await readNginxModel(context.fs);
  const servers = model.servers.filter(
    (server) =>
      server.names.includes(website.domain) && server.listens.some((l) => /ssl|443/.test(l)),
  );
  const promise = context.promises.webOrigins;
  if (servers.length === 0) {
    return [
      check(false, {
        promise,
        file: '/etc/nginx/conf.d/treff-website.conf',
        setting: `HTTPS server ${website.domain}`,
        expected: 'present, with security headers',
        actual: 'missing',
        fix: RENDER_FIX,
      }),
    ];
  }
  const findings: Finding[] = [];
  for (const server of servers) {
    const headers = serverHeaders(server.block);
    const where = `${server.file}:${server.line}`;
    const csp = headers.get('content-security-policy');
    const others = csp ? cspOtherOrigins(csp.value, [`https://${website.domain}`]) : [];
    findings.push(
      check(
        csp !== undefined && csp.always && others.length === 0 && /default-src/.test(csp.value),
        {
          promise,
          file: where,
          setting: 'Content-Security-Policy',
          expected: 'default-src and no other origin, sent always',
          actual:
            csp === undefined
              ? 'missing'
              : others.length > 0
                ? `allows ${others.join(' ')}`
                : csp.value,
          fix: RENDER_FIX,
        },
      ),
    );
    for (const [name, pattern, expected] of [
      [
        'referrer-policy',
        /^(no-referrer|same-origin|strict-origin)$/,
        'no-referrer or same-origin',
      ],
      ['x-content-type-options', /^nosniff$/, 'nosniff'],
      ['strict-transport-security', /max-age=\d+/, 'max-age=…'],
    ] as const) {
      const header = headers.get(name);
      findings.push(
        check(header !== undefined && pattern.test(header.value), {
          promise,
          file: where,
          setting: name,
          expected,
          actual: header?.value ?? 'missing',
          fix: RENDER_FIX,
        }),
      );
    }
  }
  return findings;
}

async function jitsiNginx(context: CheckContext): Promise<Finding[]> {
  const jitsi = context.config.services.jitsi;
  if (!jitsi) return [];
  const model = await readNginxModel(context.fs);
  const servers = model.servers.filter((server) => server.names.includes(jitsi.domain));
  if (servers.length === 0) {
    return [
      check(false, {
        promise: context.promises.jitsiNoLogs,
        file: '/etc/nginx/conf.d/treff-jitsi.conf',
        setting: `server ${jitsi.domain}`,
        expected: 'present, without logs',
        actual: 'missing',
        fix: RENDER_FIX,
      }),
    ];
  }
  // Logs of these servers are checked with all servers (webLog); here the CSP.
  return servers
    .filter((server) => server.listens.some((listen) => /ssl|443/.test(listen)))
    .map((server) => {
      const csp = serverHeaders(server.block).get('content-security-policy');
      const others = csp
        ? cspOtherOrigins(csp.value, [`https://${jitsi.domain}`, `wss://${jitsi.domain}`])
        : [];
      return check(csp !== undefined && others.length === 0, {
        promise: context.promises.jitsiThirdParty,
        file: `${server.file}:${server.line}`,
        setting: 'Content-Security-Policy',
        expected: 'no other origin',
        actual:
          csp === undefined
            ? 'missing'
            : others.length > 0
              ? `allows ${others.join(' ')}`
              : 'own origin only',
        fix: RENDER_FIX,
      });
    });
}

/** The nginx checks: the Jitsi server's CSP, every server's logs, the website's headers. */
export const WEB_CHECKS: readonly Check[] = [
  { id: 'jitsi-nginx', run: jitsiNginx },
  { id: 'nginx-logs', run: webLog },
  { id: 'nginx-headers', run: webHeaders },
];
