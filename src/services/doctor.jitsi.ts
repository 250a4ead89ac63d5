import { posix } from 'node:path';
import { runInNewContext } from 'node:vm';
import { check, RENDER_FIX, type Check, type CheckContext, type Finding } from './doctor.ts';
import { cspOtherOrigins } from './doctor.web.ts';
import { logLevels } from './doctor.xmpp.ts';
import { readNginxModel, serverHeaders } from './nginx.model.ts';
import { readHocon, type HoconValue } from './parse/hocon.ts';
import { prosodyGet, prosodyHosts, prosodyModules, readProsody } from './parse/prosody.ts';
import { parseProperties, parseTurnserver, readSystemd } from './parse/simple.ts';

/**
 * Jitsi Meet and its STUN server (services.md §3, §4): the club's STUN server is the only one
 * the client, Prosody's XEP-0215 answer and the videobridge use; the web app makes no
 * third-party request; nothing about calls is logged (nginx, jicofo, videobridge, Prosody);
 * coturn answers STUN only and logs nothing, to no file and not to the journal.
 */

const JITSI_PROSODY = '/etc/prosody-jitsi/prosody.cfg.lua';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Evaluates Jitsi's config.js (`var config = {…}`) and returns `config`. The file is root-owned
 * configuration like Prosody's Lua; it runs in an empty context with a time limit and without
 * string compilation, and only its JSON-like result is kept; null unless that is an object.
 */
export function evaluateConfigJs(source: string): Record<string, Json> | null {
  const sandbox = Object.create(null) as Record<string, unknown>;
  try {
    runInNewContext(`${source}\n;globalThis.__treff = JSON.stringify(config);`, sandbox, {
      timeout: 1000,
      contextCodeGeneration: { strings: false, wasm: false },
    });
  } catch {
    return null;
  }
  const text = sandbox['__treff'];
  if (typeof text !== 'string') return null;
  const parsed = JSON.parse(text) as Json;
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : null;
}

/** A value for a finding: JSON, or `unset`. */
function show(value: unknown): string {
  return value === undefined ? 'unset' : JSON.stringify(value);
}

function field(object: Json | undefined, ...path: string[]): Json | undefined {
  let current = object;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** Host and port of a STUN/TURN URL or `host:port` (`stun:meet.example.org:3478`). */
function stunHost(url: string): string {
  return url
    .replace(/^(stuns?|turns?):/, '')
    .replace(/\?.*$/, '')
    .replace(/:\d+$/, '');
}

async function configJs(context: CheckContext): Promise<Finding[]> {
  const jitsi = context.config.services.jitsi;
  if (!jitsi) return [];
  const { promises } = context;
  const file = `/etc/jitsi/meet/${jitsi.domain}-config.js`;
  const source = await context.fs.read(file);
  const base = { file, fix: RENDER_FIX };
  if (source === null) {
    return [
      check(false, {
        ...base,
        promise: promises.ownStun,
        setting: 'config.js',
        expected: 'present',
        actual: 'missing',
      }),
    ];
  }
  const config = evaluateConfigJs(source);
  if (!config) {
    return [
      check(
        false,
        {
          ...base,
          promise: promises.jitsiThirdParty,
          setting: 'config.js',
          expected: 'a script that defines config',
          actual: 'cannot be evaluated',
        },
        'warning',
      ),
    ];
  }
  const findings: Finding[] = [];
  const servers = field(config, 'p2p', 'stunServers');
  const urls = Array.isArray(servers)
    ? servers.flatMap((server) => {
        const value = field(server, 'urls');
        const list = Array.isArray(value) ? value : [value];
        return list.map((url) => (typeof url === 'string' ? url : show(url)));
      })
    : [];
  const foreign = urls.filter((url) => stunHost(url) !== jitsi.stun.host);
  findings.push(
    check(urls.length > 0 && foreign.length === 0, {
      ...base,
      promise: promises.ownStun,
      setting: 'p2p.stunServers',
      expected: `stun:${jitsi.stun.host}:${jitsi.stun.port} only`,
      actual:
        urls.length === 0
          ? 'unset (lib-jitsi-meet falls back to meet-jit-si-turnrelay.jitsi.net)'
          : urls.join(', '),
    }),
  );
  const third = (setting: string, ok: boolean, expected: string, actual: string) =>
    check(ok, { ...base, promise: promises.jitsiThirdParty, setting, expected, actual });
  const disabled = field(config, 'disableThirdPartyRequests');
  findings.push(third('disableThirdPartyRequests', disabled === true, 'true', show(disabled)));
  const gravatar = field(config, 'gravatar');
  findings.push(
    third(
      'gravatar',
      field(gravatar, 'disabled') === true,
      '{ disabled: true } (an object: jitsi-meet#14107)',
      gravatar === undefined ? 'unset (avatars are fetched from gravatar.com)' : show(gravatar),
    ),
  );
  const analytics = field(config, 'analytics');
  const trackers = [
    'googleAnalyticsTrackingId',
    'matomoEndpoint',
    'matomoSiteID',
    'amplitudeAPPKey',
    'rtcstatsEndpoint',
  ].filter((key) => {
    const value = field(analytics, key);
    return value !== undefined && value !== null && value !== '';
  });
  for (const flag of ['rtcstatsEnabled', 'watchRTCEnabled']) {
    if (field(analytics, flag) === true) trackers.push(flag);
  }
  const scripts = field(analytics, 'scriptURLs');
  if (Array.isArray(scripts) && scripts.length > 0) trackers.push('scriptURLs');
  findings.push(
    third(
      'analytics',
      field(analytics, 'disabled') === true && trackers.length === 0,
      '{ disabled: true } without trackers',
      trackers.length > 0 ? trackers.join(', ') : show(analytics),
    ),
  );
  const services = [
    ['giphy.enabled', field(config, 'giphy', 'enabled') === true],
    [
      'whiteboard.collabServerBaseUrl',
      field(config, 'whiteboard', 'collabServerBaseUrl') !== undefined,
    ],
    ['dynamicBrandingUrl', field(config, 'dynamicBrandingUrl') !== undefined],
    ['etherpad_base', field(config, 'etherpad_base') !== undefined],
    ['dropbox.appKey', field(config, 'dropbox', 'appKey') !== undefined],
    ['callStatsID', field(config, 'callStatsID') !== undefined],
  ] as const;
  const used = services.filter(([, on]) => on).map(([name]) => name);
  findings.push(
    third(
      'other services',
      used.length === 0,
      'none',
      used.length === 0 ? 'none' : used.join(', '),
    ),
  );
  if (!jitsi.browserStorage.includes('recentConferences')) {
    findings.push(
      check(field(config, 'doNotStoreRoom') === true, {
        ...base,
        promise: promises.jitsiStorage,
        setting: 'doNotStoreRoom',
        expected: 'true (recent rooms are not declared)',
        actual: show(field(config, 'doNotStoreRoom')),
      }),
    );
  }
  return findings;
}

async function jitsiProsody(context: CheckContext): Promise<Finding[]> {
  const jitsi = context.config.services.jitsi;
  if (!jitsi) return [];
  const { promises } = context;
  const config = await readProsody(context.fs, JITSI_PROSODY);
  if (!config.files.includes(JITSI_PROSODY)) {
    // Without its own Prosody, Jitsi runs in the club's (checked there): nothing more here.
    return [
      check(false, {
        promise: promises.jitsiNoLogs,
        file: JITSI_PROSODY,
        setting: 'Prosody for Jitsi',
        expected: 'a Prosody of its own (the club’s logs logins at info)',
        actual: 'missing',
        fix: RENDER_FIX,
      }),
    ];
  }
  const findings: Finding[] = [];
  const levels = logLevels(prosodyGet(config, '*', 'log'));
  findings.push(
    check(!levels.has('debug') && !levels.has('info'), {
      promise: promises.jitsiNoLogs,
      file: JITSI_PROSODY,
      setting: 'log',
      expected: 'warn and error only (info logs every join)',
      actual: [...levels].join(', ') || 'nothing',
      fix: RENDER_FIX,
    }),
  );
  const services = prosodyGet(config, jitsi.domain, 'external_services');
  const entries = services && typeof services === 'object' ? services.list : [];
  const hosts = entries.map((entry) =>
    entry && typeof entry === 'object' && typeof entry.fields['host'] === 'string'
      ? entry.fields['host']
      : show(entry),
  );
  const foreign = hosts.filter((host) => host !== jitsi.stun.host);
  findings.push(
    check(foreign.length === 0, {
      promise: promises.ownStun,
      file: JITSI_PROSODY,
      setting: 'external_services (XEP-0215)',
      expected: `${jitsi.stun.host} only`,
      actual: hosts.length === 0 ? 'none' : hosts.join(', '),
      fix: RENDER_FIX,
    }),
  );
  for (const host of prosodyHosts(config)) {
    if (config.hosts.get(host)?.get('component_module') !== 'muc') continue;
    const storage = prosodyGet(config, host, 'storage');
    const archiving = ['muc_mam', 'muc_log'].filter((m) => prosodyModules(config, host).has(m));
    findings.push(
      check(storage === 'memory' && archiving.length === 0, {
        promise: promises.jitsiNoLogs,
        file: JITSI_PROSODY,
        setting: `${host} storage`,
        expected: '"memory", no muc_mam (chats live only as long as the room)',
        actual: `${show(storage)}${archiving.length > 0 ? `, ${archiving.join(', ')}` : ''}`,
        fix: `set storage = "memory" for ${host} in /etc/prosody/conf.avail/${jitsi.domain}.cfg.lua`,
      }),
    );
  }
  return findings;
}

function hoconStrings(value: HoconValue | undefined): string[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value.map(String) : String(value).split(',');
}

async function videobridge(context: CheckContext): Promise<Finding[]> {
  const jitsi = context.config.services.jitsi;
  if (!jitsi) return [];
  const { fs, promises } = context;
  const findings: Finding[] = [];
  const dir = '/etc/jitsi/videobridge';
  const jvbConf = (await fs.exists(`${dir}/jvb.conf`))
    ? `${dir}/jvb.conf`
    : `${dir}/treff-privacy.conf`;
  const hocon = await readHocon(fs, jvbConf);
  const properties = parseProperties((await fs.read(`${dir}/sip-communicator.properties`)) ?? '');
  // The legacy property is read before jvb.conf (ice4j HarvestConfig).
  const legacy = properties.get('org.ice4j.ice.harvest.STUN_MAPPING_HARVESTER_ADDRESSES');
  const addresses =
    legacy !== undefined
      ? hoconStrings(legacy)
      : hoconStrings(hocon.values.get('ice4j.harvest.mapping.stun.addresses'));
  const foreign = addresses.filter((address) => stunHost(address.trim()) !== jitsi.stun.host);
  findings.push(
    check(foreign.length === 0 && hocon.problems.length === 0, {
      promise: promises.ownStun,
      file: legacy !== undefined ? `${dir}/sip-communicator.properties` : jvbConf,
      setting:
        legacy !== undefined
          ? 'org.ice4j.ice.harvest.STUN_MAPPING_HARVESTER_ADDRESSES'
          : 'ice4j.harvest.mapping.stun.addresses',
      expected: `${jitsi.stun.host}:${jitsi.stun.port}, or none`,
      actual:
        hocon.problems.length > 0
          ? hocon.problems.map((p) => `${p.file}: ${p.message}`).join('; ')
          : addresses.join(', ') || 'none',
      fix:
        legacy !== undefined
          ? `delete that line from ${dir}/sip-communicator.properties; ${RENDER_FIX}`
          : `append include "treff-privacy.conf" to ${dir}/jvb.conf; ${RENDER_FIX}`,
    }),
  );
  const redact = hocon.values.get('videobridge.redact-remote-addresses');
  findings.push(
    check(redact !== false, {
      promise: promises.jitsiNoLogs,
      file: jvbConf,
      setting: 'videobridge.redact-remote-addresses',
      expected: 'true',
      actual:
        redact === undefined ? 'unset (true since jitsi-videobridge PR #2188)' : String(redact),
      fix: RENDER_FIX,
    }),
  );
  for (const [program, file] of [
    ['videobridge', `${dir}/logging.properties`],
    ['jicofo', '/etc/jitsi/jicofo/logging.properties'],
  ] as const) {
    const text = await fs.read(file);
    const values = parseProperties(text ?? '');
    const chatty = [...values.entries()]
      .filter(([key]) => key.endsWith('.level') && !/Handler\.level$/.test(key))
      .filter(([, level]) => !/^(WARNING|SEVERE|OFF)$/.test(level.trim()))
      .map(([key, level]) => `${key}=${level.trim()}`);
    const root = values.get('.level')?.trim();
    findings.push(
      check(text !== null && root !== undefined && chatty.length === 0, {
        promise: promises.jitsiNoLogs,
        file,
        setting: `${program} log levels`,
        expected: '.level=WARNING and no logger below it (INFO logs rooms and joins)',
        actual:
          text === null
            ? 'missing (the package logs at INFO)'
            : chatty.join(', ') || `.level=${root ?? 'unset (INFO)'}`,
        fix: RENDER_FIX,
      }),
    );
  }
  return findings;
}

async function coturn(context: CheckContext): Promise<Finding[]> {
  const jitsi = context.config.services.jitsi;
  if (!jitsi) return [];
  const { fs, promises } = context;
  const file = '/etc/turnserver.conf';
  const text = await fs.read(file);
  const base = { file, fix: RENDER_FIX };
  if (text === null) {
    return [
      check(false, {
        ...base,
        promise: promises.ownStun,
        setting: 'turnserver.conf',
        expected: 'present (coturn as the club’s STUN server)',
        actual: 'missing',
      }),
    ];
  }
  const options = parseTurnserver(text);
  const has = (name: string) => options.has(name);
  const findings: Finding[] = [];
  const port = options.get('listening-port')?.at(-1) ?? '3478';
  findings.push(
    check(has('stun-only'), {
      ...base,
      promise: promises.ownStun,
      setting: 'stun-only',
      expected: 'set (STUN only, no relay)',
      actual: has('stun-only') ? 'set' : 'unset (TURN relaying is on)',
    }),
    check(Number(port) === jitsi.stun.port, {
      ...base,
      promise: promises.ownStun,
      setting: 'listening-port',
      expected: String(jitsi.stun.port),
      actual: port,
    }),
  );
  const logging = ['syslog', 'verbose', 'Verbose', 'log-binding'].filter(has);
  const logFile = options.get('log-file')?.at(-1);
  findings.push(
    check(logging.length === 0, {
      ...base,
      promise: promises.stunNoLogs,
      setting: 'logging',
      expected: 'no syslog, verbose, Verbose or log-binding',
      actual: logging.length === 0 ? 'none' : logging.join(', '),
    }),
    check(logFile === '/dev/null' && has('simple-log'), {
      ...base,
      promise: promises.stunNoLogs,
      setting: 'log-file',
      expected: '/dev/null with simple-log',
      actual:
        logFile === undefined
          ? 'unset (coturn writes turn_<pid>_<date>.log to /var/log or /var/tmp)'
          : logFile === '/dev/null' && !has('simple-log')
            ? '/dev/null without simple-log (coturn falls back to /var/log, /var/tmp or /tmp)'
            : logFile,
    }),
    check(has('no-stdout-log'), {
      ...base,
      promise: promises.stunNoLogs,
      setting: 'no-stdout-log',
      expected: 'set (stdout goes to the journal)',
      actual: has('no-stdout-log') ? 'set' : 'unset',
    }),
  );
  const unit = await readSystemd(
    fs,
    [
      '/etc/systemd/system/coturn.service',
      '/lib/systemd/system/coturn.service',
      '/usr/lib/systemd/system/coturn.service',
    ],
    'systemd/system/coturn.service.d',
  );
  const output = unit.get('Service', 'StandardOutput');
  findings.push(
    check(output?.value === 'null', {
      promise: promises.stunNoLogs,
      file: output?.file ?? '/etc/systemd/system/coturn.service.d/treff.conf',
      setting: 'StandardOutput',
      expected: 'null (socket errors are printed with the client IP, coturn #911)',
      actual: output?.value ?? 'unset (journal)',
      fix: RENDER_FIX,
    }),
  );
  // Live: files coturn wrote despite the settings.
  const found: string[] = [];
  for (const dir of ['/var/log', '/var/log/turnserver', '/var/tmp', '/tmp']) {
    for (const name of await fs.list(dir)) {
      if (/^turn.*\.log$/.test(name)) found.push(posix.join(dir, name));
      if (name.startsWith('systemd-private-') && name.includes('coturn')) {
        for (const inner of await fs.list(posix.join(dir, name, 'tmp'))) {
          if (/^turn.*\.log$/.test(inner)) found.push(posix.join(dir, name, 'tmp', inner));
        }
      }
    }
  }
  findings.push(
    check(found.length === 0, {
      promise: promises.stunNoLogs,
      file: '/var/log, /var/tmp, /tmp',
      setting: 'coturn log files',
      expected: 'none',
      actual: found.length === 0 ? 'none' : found.join(', '),
      fix: `delete them; ${RENDER_FIX}`,
    }),
  );
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
  // Logs of these servers are checked with all servers (doctor.web.ts); here the CSP.
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

/** The Jitsi and STUN checks. */
export const JITSI_CHECKS: readonly Check[] = [
  { id: 'jitsi-config', run: configJs },
  { id: 'jitsi-prosody', run: jitsiProsody },
  { id: 'videobridge', run: videobridge },
  { id: 'coturn', run: coturn },
  { id: 'jitsi-nginx', run: jitsiNginx },
];
