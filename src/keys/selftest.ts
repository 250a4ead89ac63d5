import type { Deps } from '../core/deps.ts';
import { listAccounts, accountAddresses } from '../accounts/index.ts';
import { loadOpenPgp } from './pgp.ts';
import { listPublishedKeys } from './keys.repo.ts';
import { policyText } from './wkd.routes.ts';
import { submissionAddress } from './submission-key.ts';
import { asciiLower, normaliseAddress, wkdHash, wkdHashOfAddress } from './zbase32.ts';

/**
 * `treff keys check`: the checks the public WKD checkers make (wkd.md §2.7), run against the
 * live directory: policy present and LF-terminated for each method, the submission address,
 * and every published key at the URL its address hashes to, with exactly
 * `Content-Type: application/octet-stream`, `Access-Control-Allow-Origin: *`, one binary key
 * with the right fingerprint and only the address's user ID; no 401 for Thunderbird's Basic
 * auth, HEAD like GET, 404 (not a page or a redirect) for an unknown hash, and the domain in the
 * advanced path taken case-insensitively. Makes requests only when asked to (an admin command).
 */

/** One check and how it went. */
export interface WkdCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/** Where to look: the public URLs by default, or one base URL for both methods (tests, proxies). */
export interface SelfTestOptions {
  /** e.g. `http://127.0.0.1:8080`: both methods' paths are asked there. */
  baseUrl?: string | undefined;
  fetch?: typeof fetch;
}

const TIMEOUT_MS = 10_000;
// Thunderbird's header (wkd.md §2.4): a server that answers it with 401 breaks its lookups.
const THUNDERBIRD_AUTH = 'Basic bm8tdXNlcjo=';

/** Runs every check; never throws for a failed check (it is a result), only for a bug. */
export async function checkLiveWkd(
  deps: Pick<Deps, 'db' | 'config' | 'clock'>,
  options: SelfTestOptions = {},
): Promise<WkdCheck[]> {
  const wkd = deps.config.services.wkd;
  if (!wkd) return [{ name: 'services.wkd', ok: false, detail: 'the declaration has no WKD' }];
  const get = options.fetch ?? fetch;
  const checks: WkdCheck[] = [];
  const add = (name: string, ok: boolean, detail = '') => {
    checks.push({ name, ok, detail });
  };
  const request = async (
    url: string,
    init: { method?: string; headers?: Record<string, string> } = {},
  ) => {
    try {
      const response = await get(url, {
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
        // GnuPG's request (wkd.md §2.1).
        headers: { 'Cache-Control': 'no-cache', Pragma: 'no-cache', ...init.headers },
        ...(init.method ? { method: init.method } : {}),
      });
      return { response, body: new Uint8Array(await response.arrayBuffer()) };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  };

  const direct = options.baseUrl ?? `https://${wkd.domain}`;
  const advanced = options.baseUrl ?? `https://openpgpkey.${wkd.domain}`;
  const methods: { name: string; base: string }[] = [
    { name: 'direct', base: `${direct}/.well-known/openpgpkey` },
  ];
  if (wkd.method === 'advanced' || options.baseUrl) {
    methods.unshift({ name: 'advanced', base: `${advanced}/.well-known/openpgpkey/${wkd.domain}` });
  }
  const expectedPolicy = policyText(deps.config);
  const submission = submissionAddress(deps.config);
  const servable = await servableKeys(deps);
  const openpgp = await loadOpenPgp();

  for (const method of methods) {
    const policy = await request(`${method.base}/policy`);
    if ('error' in policy) {
      add(`${method.name}: policy`, false, policy.error ?? '');
      continue;
    }
    const policyBody = Buffer.from(policy.body).toString('utf8');
    add(
      `${method.name}: policy`,
      policy.response.status === 200 && policyBody.endsWith('\n') && policyBody === expectedPolicy,
      `status ${policy.response.status}${policyBody.endsWith('\n') ? '' : ', last line without LF'}`,
    );
    add(
      `${method.name}: policy CORS`,
      policy.response.headers.get('access-control-allow-origin') === '*',
      `Access-Control-Allow-Origin: ${policy.response.headers.get('access-control-allow-origin') ?? '(none)'}`,
    );
    if (submission) {
      const file = await request(`${method.base}/submission-address`);
      const text = 'error' in file ? '' : Buffer.from(file.body).toString('utf8');
      add(
        `${method.name}: submission-address`,
        !('error' in file) && file.response.status === 200 && text === `${submission}\n`,
        'error' in file ? (file.error ?? '') : `status ${file.response.status}`,
      );
    }
    const unknown = await request(`${method.base}/hu/${wkdHash('treff-selftest-no-such-user')}`, {
      headers: { Authorization: THUNDERBIRD_AUTH },
    });
    add(
      `${method.name}: unknown address is 404`,
      !('error' in unknown) &&
        unknown.response.status === 404 &&
        unknown.response.headers.get('access-control-allow-origin') === '*',
      'error' in unknown ? (unknown.error ?? '') : `status ${unknown.response.status}`,
    );
    for (const key of servable) {
      const name = `${method.name}: key ${key.address}`;
      const url = `${method.base}/hu/${wkdHashOfAddress(key.address)}?l=${encodeURIComponent(key.address.split('@')[0] ?? '')}`;
      const answer = await request(url, { headers: { Authorization: THUNDERBIRD_AUTH } });
      if ('error' in answer) {
        add(name, false, answer.error ?? '');
        continue;
      }
      const { response, body } = answer;
      const problems: string[] = [];
      if (response.status !== 200) problems.push(`status ${response.status}`);
      if (response.headers.get('content-type') !== 'application/octet-stream')
        problems.push(`Content-Type ${response.headers.get('content-type') ?? '(none)'}`);
      if (response.headers.get('access-control-allow-origin') !== '*')
        problems.push('no Access-Control-Allow-Origin: *');
      if (response.status === 200) {
        try {
          const keys = await openpgp.readKeys({ binaryKeys: body });
          const [first] = keys;
          if (keys.length !== 1 || !first) problems.push(`${keys.length} keys in the file`);
          else {
            if (first.getFingerprint().toUpperCase() !== key.fingerprint)
              problems.push('another fingerprint than published');
            const ids = first.users.map((user) => asciiLower(user.userID?.email ?? ''));
            if (ids.length !== 1 || ids[0] !== key.address)
              problems.push('user IDs other than the address');
          }
        } catch {
          problems.push('not a binary OpenPGP key');
        }
      }
      add(name, problems.length === 0, problems.join(', ') || 'ok');
    }
    const [sample] = servable;
    if (sample) {
      const head = await request(`${method.base}/hu/${wkdHashOfAddress(sample.address)}`, {
        method: 'HEAD',
      });
      add(
        `${method.name}: HEAD`,
        !('error' in head) && head.response.status === 200 && head.body.length === 0,
        'error' in head ? (head.error ?? '') : `status ${head.response.status}`,
      );
    }
  }
  const [sample] = servable;
  if (sample && methods.some((m) => m.name === 'advanced')) {
    const mixed = `${advanced}/.well-known/openpgpkey/${wkd.domain.toUpperCase()}/hu/${wkdHashOfAddress(sample.address)}`;
    const answer = await request(mixed);
    add(
      'advanced: domain in the path is case-insensitive',
      !('error' in answer) && answer.response.status === 200,
      'error' in answer ? (answer.error ?? '') : `status ${answer.response.status}`,
    );
  }
  return checks;
}

/** The published keys the directory should serve (active member, active account, not expired). */
async function servableKeys(
  deps: Pick<Deps, 'db' | 'config' | 'clock'>,
): Promise<{ address: string; fingerprint: string }[]> {
  const accounts = (await listAccounts(deps.db)).filter((a) => a.status === 'active');
  const addresses = new Set(
    accounts.flatMap((a) => {
      const mail = accountAddresses(deps.config, a.username).mail;
      return mail ? [normaliseAddress(mail)] : [];
    }),
  );
  const now = deps.clock.now().getTime();
  return (await listPublishedKeys(deps.db))
    .filter((key) => addresses.has(key.address))
    .filter((key) => !key.keyExpiresAt || Date.parse(key.keyExpiresAt) > now)
    .map((key) => ({ address: key.address, fingerprint: key.fingerprint }));
}
