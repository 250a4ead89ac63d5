import { runInNewContext } from 'node:vm';
import {
  check,
  RENDER_FIX,
  type Check,
  type CheckContext,
  type Finding,
  type Promises,
} from '../doctor.ts';
import { logLevels } from '../prosody/prosody.doctor.ts';
import { prosodyGet, prosodyHosts, prosodyModules, readProsody } from '../prosody/prosody.parse.ts';
import { parseProperties } from '../readers.ts';
import { readHocon, type HoconValue } from './hocon.parse.ts';

/**
 * Jitsi Meet (services.md §3): the club's STUN server is the only one the client, Prosody's
 * XEP-0215 answer and the videobridge use; the web app makes no third-party request; nothing
 * about calls is logged (jicofo, videobridge, Prosody). Its STUN server is checked in coturn/,
 * its nginx server in nginx/.
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
  findings.push(...thirdPartyFindings(config, base, promises));
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

/** The settings of config.js that would contact other servers: avatars, analytics, services. */
function thirdPartyFindings(
  config: Record<string, Json>,
  base: { file: string; fix: string },
  promises: Promises,
): Finding[] {
  const findings: Finding[] = [];
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

/** The Jitsi checks. */
export const JITSI_CHECKS: readonly Check[] = [
  { id: 'jitsi-config', run: configJs },
  { id: 'jitsi-prosody', run: jitsiProsody },
  { id: 'videobridge', run: videobridge },
];
