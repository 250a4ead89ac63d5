import { posix } from 'node:path';
import { uploadExpirySeconds } from '../declared.ts';
import { check, RENDER_FIX, type Check, type CheckContext, type Finding } from '../doctor.ts';
import {
  luaStrings,
  prosodyGet,
  prosodyHosts,
  prosodyModules,
  readProsody,
  type LuaValue,
  type ProsodyConfig,
} from './prosody.parse.ts';
import {
  prosodyHostDir,
  uploadCleanerMinutes,
  uploadDir,
  UPLOAD_CLEANER_ACCURACY_MINUTES,
  UPLOAD_CLEANER_INTERVAL_MINUTES,
} from './prosody.render.ts';

/**
 * The club's XMPP promises (services.md §8): room history as declared, nothing stored of
 * one-to-one chats, uploads deleted as declared, an info-level log of logins and logouts; live:
 * no offline or archive stores, no room configured for a longer history, no expired upload.
 */

export const PROSODY_CONFIG = '/etc/prosody/prosody.cfg.lua';
const DATA = '/var/lib/prosody';

/** The levels a Prosody `log` setting sends somewhere (loggingmanager.lua, 0.12). */
export function logLevels(log: LuaValue | undefined): Set<string> {
  const order = ['debug', 'info', 'warn', 'error'];
  const levels = new Set<string>();
  const fromCriteria = (criteria: LuaValue | undefined) => {
    if (criteria && typeof criteria === 'object') {
      const min = criteria.fields['min'];
      const max = criteria.fields['max'];
      if (typeof min === 'string' || typeof max === 'string') {
        const from = typeof min === 'string' ? order.indexOf(min) : 0;
        const to = typeof max === 'string' ? order.indexOf(max) : order.length - 1;
        for (const level of order.slice(Math.max(0, from), to + 1)) levels.add(level);
      }
      for (const item of criteria.list) if (typeof item === 'string') levels.add(item);
    } else {
      for (const level of order) levels.add(level);
    }
  };
  if (log === undefined || log === null) {
    // Default: info and above to the console (or a file when daemonized).
    for (const level of order.slice(1)) levels.add(level);
  } else if (typeof log === 'string') {
    // A file name or "*syslog": every level from debug on (loggingmanager: "Log all levels").
    for (const level of order) levels.add(level);
  } else if (typeof log === 'object') {
    for (const [key, value] of Object.entries(log.fields)) {
      if (order.includes(key) && value !== null) {
        for (const level of order.slice(order.indexOf(key))) levels.add(level);
      }
    }
    for (const sink of log.list) {
      if (sink && typeof sink === 'object') fromCriteria(sink.fields['levels']);
    }
  }
  return levels;
}

function describe(value: LuaValue | undefined): string {
  if (value === undefined) return 'unset';
  if (value === null) return 'nil';
  if (typeof value === 'object') return `{ ${luaStrings(value).join(', ')} }`;
  return JSON.stringify(value);
}

async function prosody(context: CheckContext): Promise<Finding[]> {
  const xmpp = context.config.services.xmpp;
  if (!xmpp) return [];
  const { promises } = context;
  const config = await readProsody(context.fs, PROSODY_CONFIG);
  const findings: Finding[] = [];
  if (!config.files.includes(PROSODY_CONFIG)) {
    return [
      check(false, {
        promise: promises.roomHistory,
        file: PROSODY_CONFIG,
        setting: 'configuration',
        expected: 'present',
        actual: 'missing',
        fix: RENDER_FIX,
      }),
    ];
  }
  for (const problem of config.problems) {
    findings.push(
      check(
        false,
        {
          promise: promises.roomHistory,
          file: problem.file,
          setting: 'configuration',
          expected: 'readable by treff doctor',
          actual: problem.message,
          fix: 'keep settings to literal values so they can be checked',
        },
        'warning',
      ),
    );
  }
  findings.push(...rooms(context, config), ...direct(context, config), ...uploads(context, config));
  findings.push(...logging(context, config));
  return findings;
}

function rooms(context: CheckContext, config: ProsodyConfig): Finding[] {
  const xmpp = context.config.services.xmpp;
  if (!xmpp) return [];
  const host = xmpp.muc.domain;
  const promise = context.promises.roomHistory;
  const module = config.hosts.get(host)?.get('component_module');
  if (module !== 'muc') {
    return [
      check(false, {
        promise,
        file: PROSODY_CONFIG,
        setting: `Component "${host}" "muc"`,
        expected: `a MUC with max_history_messages = ${xmpp.muc.history}`,
        actual: 'missing (Prosody would keep 20 messages per room, owners could raise it)',
        fix: RENDER_FIX,
      }),
    ];
  }
  const max = prosodyGet(config, host, 'max_history_messages');
  const defaultLength = prosodyGet(config, host, 'muc_room_default_history_length');
  const modules = prosodyModules(config, host);
  const archiving = ['muc_mam', 'muc_log', 'http_muc_log'].filter((m) => modules.has(m));
  return [
    check(max === xmpp.muc.history, {
      promise,
      file: PROSODY_CONFIG,
      setting: `${host} max_history_messages`,
      expected: String(xmpp.muc.history),
      actual:
        max === undefined ? 'unset (no cap: room owners may raise the history)' : describe(max),
      fix: RENDER_FIX,
    }),
    check(
      defaultLength === undefined ||
        (typeof defaultLength === 'number' && defaultLength >= xmpp.muc.history),
      {
        promise,
        file: PROSODY_CONFIG,
        setting: `${host} muc_room_default_history_length`,
        expected: `${xmpp.muc.history} (rooms offer the last ${xmpp.muc.history})`,
        actual: describe(defaultLength),
        fix: RENDER_FIX,
      },
    ),
    check(archiving.length === 0, {
      promise,
      file: PROSODY_CONFIG,
      setting: `${host} modules`,
      expected: 'no muc_mam, muc_log or http_muc_log (they archive every message)',
      actual: archiving.length === 0 ? 'none of them' : archiving.join(', '),
      fix: `remove ${archiving.join(', ')} from modules_enabled; ${RENDER_FIX}`,
    }),
  ];
}

function direct(context: CheckContext, config: ProsodyConfig): Finding[] {
  const xmpp = context.config.services.xmpp;
  if (!xmpp) return [];
  const modules = prosodyModules(config, xmpp.domain);
  const storing = ['offline', 'mam', 'lastlog', 'lastlog2'].filter((m) => modules.has(m));
  return [
    check(storing.length === 0, {
      promise: context.promises.directNotStored,
      file: PROSODY_CONFIG,
      setting: `${xmpp.domain} modules`,
      expected: 'no offline, mam, lastlog or lastlog2 (modules_disabled = { "offline" })',
      actual:
        storing.length === 0
          ? 'none of them'
          : `${storing.join(', ')}${storing.includes('offline') ? ' (offline is loaded unless disabled)' : ''}`,
      fix: RENDER_FIX,
    }),
  ];
}

function uploads(context: CheckContext, config: ProsodyConfig): Finding[] {
  const xmpp = context.config.services.xmpp;
  const expiry = uploadExpirySeconds(context.config);
  if (!xmpp || expiry === null) return [];
  const host = xmpp.upload.domain;
  const promise = context.promises.uploads;
  if (config.hosts.get(host)?.get('component_module') !== 'http_file_share') {
    return [
      check(false, {
        promise,
        file: PROSODY_CONFIG,
        setting: `Component "${host}" "http_file_share"`,
        expected: `uploads that expire after ${expiry} s`,
        actual: 'missing',
        fix: RENDER_FIX,
      }),
    ];
  }
  const value = prosodyGet(config, host, 'http_file_share_expires_after');
  return [
    check(typeof value === 'number' && value > 0 && value <= expiry, {
      promise,
      file: PROSODY_CONFIG,
      setting: `${host} http_file_share_expires_after`,
      expected: `a number of seconds, at most ${expiry}`,
      actual:
        value === undefined
          ? 'unset (default: 7 days)'
          : typeof value === 'string'
            ? `${describe(value)} (Prosody 0.12 reads only numbers: 7 days)`
            : describe(value),
      fix: RENDER_FIX,
    }),
  ];
}

function logging(context: CheckContext, config: ProsodyConfig): Finding[] {
  const xmpp = context.config.services.xmpp;
  if (!xmpp) return [];
  const levels = logLevels(prosodyGet(config, '*', 'log'));
  const modules = prosodyModules(config, xmpp.domain);
  const findings = [
    check(!levels.has('debug') && levels.has('info'), {
      promise: context.promises.xmppLog,
      file: PROSODY_CONFIG,
      setting: 'log',
      expected: 'info and above (logins and logouts), no debug (client IPs)',
      actual: levels.size === 0 ? 'nothing' : [...levels].join(', '),
      fix: RENDER_FIX,
    }),
    check(!modules.has('log_auth'), {
      promise: context.promises.xmppLog,
      file: PROSODY_CONFIG,
      setting: `${xmpp.domain} modules`,
      expected: 'no log_auth (it logs the IP of every failed login)',
      actual: modules.has('log_auth') ? 'log_auth' : 'no log_auth',
      fix: RENDER_FIX,
    }),
  ];
  const jitsi = context.config.services.jitsi;
  if (jitsi) {
    const shared = prosodyHosts(config).filter(
      (host) => host === jitsi.domain || host.endsWith(`.${jitsi.domain}`),
    );
    findings.push(
      check(shared.length === 0, {
        promise: context.promises.jitsiNoLogs,
        file: PROSODY_CONFIG,
        setting: 'hosts',
        expected: `no Jitsi host in the club's Prosody (its info log would record every join)`,
        actual: shared.length === 0 ? 'none' : shared.join(', '),
        fix: `${RENDER_FIX} (it includes only conf.d/treff-auth.cfg.lua); Jitsi runs on prosody-jitsi`,
      }),
    );
  }
  return findings;
}

async function stores(context: CheckContext): Promise<Finding[]> {
  const xmpp = context.config.services.xmpp;
  if (!xmpp) return [];
  const { fs, now, promises } = context;
  if (!(await fs.exists(DATA))) return [];
  const findings: Finding[] = [];
  const hostDir = posix.join(DATA, prosodyHostDir(xmpp.domain));
  const storing: string[] = [];
  for (const store of ['offline', 'archive', 'archive2', 'lastlog', 'lastlog2']) {
    if ((await fs.list(posix.join(hostDir, store))).length > 0) storing.push(store);
  }
  findings.push(
    check(storing.length === 0, {
      promise: promises.directNotStored,
      file: hostDir,
      setting: 'stores',
      expected: 'no offline, archive or lastlog store',
      actual: storing.length === 0 ? 'none' : storing.join(', '),
      fix: `delete ${storing.map((store) => posix.join(hostDir, store)).join(' ')}; ${RENDER_FIX}`,
    }),
  );
  const roomConfig = posix.join(DATA, prosodyHostDir(xmpp.muc.domain), 'config');
  const longer: string[] = [];
  for (const name of await fs.list(roomConfig)) {
    const text = (await fs.read(posix.join(roomConfig, name))) ?? '';
    const match = /\["history_length"\]\s*=\s*(\d+)/.exec(text);
    if (match && Number(match[1]) > xmpp.muc.history) longer.push(`${name}: ${match[1]}`);
  }
  findings.push(
    check(
      longer.length === 0,
      {
        promise: promises.roomHistory,
        file: roomConfig,
        setting: 'history_length of rooms',
        expected: `at most ${xmpp.muc.history} (max_history_messages caps it anyway)`,
        actual: longer.length === 0 ? 'none longer' : longer.slice(0, 5).join(', '),
        fix: 'max_history_messages caps them; lower the rooms’ setting in a client',
      },
      'warning',
    ),
  );
  const expiry = uploadExpirySeconds(context.config);
  if (expiry !== null) {
    const dir = uploadDir(xmpp.upload.domain, DATA);
    const old: string[] = [];
    for (const name of await fs.list(dir)) {
      const info = await fs.stat(posix.join(dir, name));
      if (info?.isFile() && info.mtimeMs < now.getTime() - expiry * 1000) old.push(name);
    }
    findings.push(
      check(old.length === 0, {
        promise: promises.uploads,
        file: dir,
        setting: 'uploaded files',
        expected: `none older than ${expiry} s`,
        actual: old.length === 0 ? 'none too old' : `${old.length} too old`,
        fix: 'systemctl start treff-upload-expiry.service; systemctl enable --now treff-upload-expiry.timer',
      }),
    );
  }
  return findings;
}

async function cleaner(context: CheckContext): Promise<Finding[]> {
  const xmpp = context.config.services.xmpp;
  const expiry = uploadExpirySeconds(context.config);
  if (!xmpp || expiry === null) return [];
  const file = '/etc/systemd/system/treff-upload-expiry.service';
  const text = await context.fs.read(file);
  const dir = uploadDir(xmpp.upload.domain).replaceAll('%', '%%');
  const match = text ? /^ExecStart=.*find (\S+) .*-mmin \+(\d+).*-delete/m.exec(text) : null;
  const minutes = match ? Number(match[2]) : null;
  const limit = uploadCleanerMinutes(expiry);
  return [
    check(match !== null && match[1] === dir && minutes !== null && minutes <= limit, {
      promise: context.promises.uploads,
      file,
      setting: 'ExecStart',
      expected: `find ${dir} … -mmin +${limit} -delete (every ${UPLOAD_CLEANER_INTERVAL_MINUTES} min, ${UPLOAD_CLEANER_ACCURACY_MINUTES} min slack)`,
      actual:
        text === null
          ? 'missing (Prosody alone keeps files up to twice as long)'
          : (match?.[0] ?? 'another command'),
      fix: RENDER_FIX,
    }),
  ];
}

/** The XMPP checks. */
export const XMPP_CHECKS: readonly Check[] = [
  { id: 'prosody', run: prosody },
  { id: 'upload-cleaner', run: cleaner },
  { id: 'prosody-stores', run: stores },
];
