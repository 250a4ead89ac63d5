import { check, RENDER_FIX, type Check, type CheckContext, type Finding } from './doctor.ts';
import { readSystemd } from './readers.ts';

/**
 * treff's own units keep their sandbox (issue 14): the web server runs as its own user, never
 * root, with the system read-only and no capability; the root one-shots (sync, apply) keep
 * ProtectSystem=strict, NoNewPrivileges and a bounded set of capabilities. An edit or drop-in
 * that weakens one (User=root, ProtectSystem removed, CapabilityBoundingSet widened) is red. A
 * unit that is not installed is not reported (a tree without treff's units is not treff's).
 */

/** The promise these findings belong to. */
export const SANDBOX_PROMISE = 'treff runs unprivileged and sandboxed';

const YES = /^(1|yes|true|on)$/i;

interface Rule {
  key: string;
  expected: string;
  ok(value: string | undefined): boolean;
}

const COMMON: readonly Rule[] = [
  { key: 'ProtectSystem', expected: 'strict', ok: (value) => value === 'strict' },
  { key: 'NoNewPrivileges', expected: 'yes', ok: (value) => YES.test(value ?? '') },
  { key: 'PrivateTmp', expected: 'yes', ok: (value) => YES.test(value ?? '') },
  { key: 'PrivateDevices', expected: 'yes', ok: (value) => YES.test(value ?? '') },
  {
    key: 'SystemCallFilter',
    expected: 'a filter (@system-service)',
    ok: (value) => value !== undefined && value !== '',
  },
  {
    key: 'RestrictAddressFamilies',
    expected: 'a list of families',
    ok: (value) => value !== undefined && value !== '',
  },
];

const WEB: readonly Rule[] = [
  {
    key: 'User',
    expected: 'a user of its own, not root',
    ok: (value) => value !== undefined && value !== '' && value !== 'root' && value !== '0',
  },
  ...COMMON,
  {
    key: 'ProtectHome',
    expected: 'yes (or read-only, tmpfs)',
    ok: (value) => YES.test(value ?? '') || value === 'read-only' || value === 'tmpfs',
  },
  {
    key: 'CapabilityBoundingSet',
    expected: 'empty (no capability)',
    ok: (value) => value === '',
  },
];

const ROOT_ONESHOT: readonly Rule[] = [
  ...COMMON,
  {
    key: 'CapabilityBoundingSet',
    expected: 'set (only the capabilities its files need)',
    ok: (value) => value !== undefined && !/^~/.test(value),
  },
];

const UNITS: readonly { unit: string; rules: readonly Rule[] }[] = [
  { unit: 'treff.service', rules: WEB },
  { unit: 'treff-sync.service', rules: ROOT_ONESHOT },
  { unit: 'treff-apply.service', rules: ROOT_ONESHOT },
];

async function unitFindings(
  context: CheckContext,
  unit: string,
  rules: readonly Rule[],
): Promise<Finding[]> {
  const main = [`/etc/systemd/system/${unit}`, `/usr/lib/systemd/system/${unit}`];
  const settings = await readSystemd(context.fs, main, `systemd/system/${unit}.d`);
  if (settings.files.length === 0 || !settings.files.some((file) => main.includes(file))) return [];
  return rules.map((rule) => {
    const setting = settings.get('Service', rule.key);
    return check(rule.ok(setting?.value), {
      promise: SANDBOX_PROMISE,
      file: setting?.file ?? settings.files[0] ?? main[0] ?? unit,
      setting: `${unit} ${rule.key}`,
      expected: rule.expected,
      actual: setting === undefined ? 'unset' : setting.value === '' ? 'empty' : setting.value,
      fix: `${RENDER_FIX} (and remove any drop-in that overrides it)`,
    });
  });
}

async function unitSandboxes(context: CheckContext): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const { unit, rules } of UNITS) findings.push(...(await unitFindings(context, unit, rules)));
  return findings;
}

/** The checks of treff's own units. */
export const UNIT_CHECKS: readonly Check[] = [{ id: 'unit-sandbox', run: unitSandboxes }];
