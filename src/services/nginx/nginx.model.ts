import type { ReadProblem, RootFs } from '../rootfs.ts';
import { directivesNamed, readNginx, type NginxDirective } from './nginx.parse.ts';

/**
 * What nginx logs where, computed from its configuration with nginx's inheritance rules
 * (ngx_http_log_module, ngx_core error_log): an `access_log off` anywhere on a level cancels the
 * level's logs; a level without access_log or error_log inherits its parent's; without any, http
 * logs to /var/log/nginx/access.log in the combined format and errors go to the main log (Debian
 * build: stderr).
 */

export interface NginxServer {
  names: string[];
  listens: string[];
  block: NginxDirective[];
  file: string;
  line: number;
}

export interface NginxModel {
  main: NginxDirective[];
  http: NginxDirective[];
  servers: NginxServer[];
  /** log_format name → format text. */
  formats: Map<string, string>;
  /** map target variable (without $) → source variable and entries. */
  maps: Map<string, { source: string; entries: [string, string][] }>;
  problems: ReadProblem[];
  /** The file the configuration starts at (nginx.conf, or Debian's layout when it is missing). */
  entry: string;
}

/** nginx's predefined format (ngx_http_log_module). */
const COMBINED =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"';

export const NGINX_CONF = '/etc/nginx/nginx.conf';

/**
 * Reads nginx's configuration under root. Without /etc/nginx/nginx.conf (a rendered tree) it
 * reads what Debian's nginx.conf includes at the http level: conf.d/*.conf and sites-enabled/*.
 */
export async function readNginxModel(fs: RootFs): Promise<NginxModel> {
  const problems: ReadProblem[] = [];
  let main: NginxDirective[];
  if (await fs.exists(NGINX_CONF)) {
    main = await readNginx(fs, NGINX_CONF, problems);
  } else {
    const http: NginxDirective[] = [];
    for (const pattern of ['/etc/nginx/conf.d/*.conf', '/etc/nginx/sites-enabled/*']) {
      for (const file of await fs.glob(pattern))
        http.push(...(await readNginx(fs, file, problems)));
    }
    main = [{ name: 'http', args: [], block: http, file: NGINX_CONF, line: 0 }];
  }
  const http = directivesNamed(main, 'http').flatMap((directive) => directive.block ?? []);
  const formats = new Map<string, string>([['combined', COMBINED]]);
  for (const directive of directivesNamed(http, 'log_format')) {
    const [name = '', ...rest] = directive.args;
    formats.set(name, rest.filter((part) => !part.startsWith('escape=')).join(''));
  }
  const maps = new Map<string, { source: string; entries: [string, string][] }>();
  for (const directive of directivesNamed(http, 'map')) {
    const [source = '', target = ''] = directive.args;
    maps.set(target.replace(/^\$/, ''), {
      source: source.replace(/^\$/, ''),
      entries: (directive.block ?? []).map((entry) => [entry.name, entry.args.join(' ')]),
    });
  }
  const servers = directivesNamed(http, 'server').map((directive) => {
    const block = directive.block ?? [];
    return {
      names: directivesNamed(block, 'server_name').flatMap((d) => d.args),
      listens: directivesNamed(block, 'listen').map((d) => d.args.join(' ')),
      block,
      file: directive.file,
      line: directive.line,
    };
  });
  return {
    main,
    http,
    servers,
    formats,
    maps,
    problems,
    entry: (await fs.exists(NGINX_CONF)) ? NGINX_CONF : '/etc/nginx/conf.d',
  };
}

/** An access log: off, or files with their format. */
export type AccessLogs = 'off' | { path: string; format: string }[];

function accessLogsAt(block: readonly NginxDirective[]): AccessLogs | null {
  const logs = directivesNamed(block, 'access_log');
  if (logs.length === 0) return null;
  if (logs.some((directive) => directive.args[0] === 'off')) return 'off';
  return logs.map((directive) => ({
    path: directive.args[0] ?? '',
    format: directive.args[1] ?? 'combined',
  }));
}

function errorLogsAt(block: readonly NginxDirective[]): string[] | null {
  const logs = directivesNamed(block, 'error_log');
  return logs.length === 0 ? null : logs.map((directive) => directive.args[0] ?? '');
}

/** Every location block in a server, nested ones too, with the chain of its parents. */
export function locations(block: readonly NginxDirective[]): NginxDirective[][] {
  const chains: NginxDirective[][] = [];
  const visit = (inner: readonly NginxDirective[], chain: NginxDirective[]) => {
    for (const directive of directivesNamed(inner, 'location')) {
      const next = [...chain, directive];
      chains.push(next);
      visit(directive.block ?? [], next);
    }
  };
  visit(block, []);
  return chains;
}

/** The access logs in effect for a server (and optionally a location chain inside it). */
export function effectiveAccessLogs(
  model: NginxModel,
  server: NginxServer,
  chain: readonly NginxDirective[] = [],
): AccessLogs {
  for (const location of [...chain].reverse()) {
    const logs = accessLogsAt(location.block ?? []);
    if (logs) return logs;
  }
  return (
    accessLogsAt(server.block) ??
    accessLogsAt(model.http) ?? [{ path: '/var/log/nginx/access.log', format: 'combined' }]
  );
}

/** The error log destinations in effect for a server (and optionally a location chain). */
export function effectiveErrorLogs(
  model: NginxModel,
  server: NginxServer,
  chain: readonly NginxDirective[] = [],
): string[] {
  for (const location of [...chain].reverse()) {
    const logs = errorLogsAt(location.block ?? []);
    if (logs) return logs;
  }
  return (
    errorLogsAt(server.block) ?? errorLogsAt(model.http) ?? errorLogsAt(model.main) ?? ['stderr']
  );
}

/** The variables a log format uses, without `$`. */
export function formatVariables(format: string): string[] {
  return [...format.matchAll(/\$\{?([A-Za-z0-9_]+)\}?/g)].map((match) => match[1] ?? '');
}

/** The headers a server adds (`add_header NAME VALUE [always]`) at its own level. */
export function serverHeaders(
  block: readonly NginxDirective[],
): Map<string, { value: string; always: boolean }> {
  const headers = new Map<string, { value: string; always: boolean }>();
  for (const directive of directivesNamed(block, 'add_header')) {
    const [name = '', value = '', flag] = directive.args;
    headers.set(name.toLowerCase(), { value, always: flag === 'always' });
  }
  return headers;
}
