import assert from 'node:assert/strict';
import { once } from 'node:events';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CLI_ACTOR } from '../../src/core/audit/index.ts';
import {
  compareWkdExport,
  publishKeyDirectly,
  removeKeyByAddress,
  startWkdExport,
  wkdHash,
} from '../../src/keys/index.ts';
import { renderAll } from '../../src/services/index.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { freePort } from '../support/daemons.ts';
import { TEST_DIALECTS } from '../support/db.ts';
import {
  generateGpgKey,
  gnupgHome,
  locateByWkd,
  namespaceMissing,
  startWkdNamespaceFor,
  type GnupgHome,
  type WkdNamespace,
} from '../support/gnupg.ts';
import { requireTool } from '../support/integration.ts';
import { memberWithAccount } from '../support/keys.ts';
import { NGINX, startNginx, websiteServerForTest, type Nginx } from '../support/nginx.ts';

/**
 * The WKD served by the real nginx from treff's export (services.wkd.exportDir), through the
 * rendered website server: real gpg finds the key by both methods over HTTPS (in the private
 * namespace of wkd.md §2.2), the answers carry the headers the draft and GnuPG need, a removal
 * reaches nginx at once, and nothing under the WKD prefix is proxied to treff (the upstream is a
 * stub that answers 599). Needs root for the namespaces (fails under TREFF_REQUIRE_INTEGRATION=1).
 */

const skip = requireTool(NGINX, 'nginx (Debian package "nginx")') ?? namespaceMissing();
const DOMAIN = 'club.example';
const ADA = `ada@${DOMAIN}`;
const SUBMISSION = `key-submission@${DOMAIN}`;
const ADA_HASH = wkdHash('ada');
const WK = '/.well-known/openpgpkey';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

for (const dialect of TEST_DIALECTS) {
  describe(
    `WKD from the export through the rendered nginx, with real gpg (${dialect})`,
    { skip },
    () => {
      let t: TestApp;
      let ns: WkdNamespace;
      let nginx: Nginx;
      let upstream: Server;
      let stopExport: (() => Promise<void>) | null;
      let ada: GnupgHome;
      let adaFingerprint: string;
      let exportParent: string;

      const ask = (
        path: string,
        options: { method?: string; headers?: Record<string, string> } = {},
      ): Promise<Answer> =>
        new Promise((resolve, reject) => {
          const req = request(
            {
              host: '127.0.0.1',
              port: nginx.port,
              path,
              method: options.method ?? 'GET',
              headers: { host: DOMAIN, ...options.headers },
              rejectUnauthorized: false,
            },
            (res) => {
              const chunks: Buffer[] = [];
              res.on('data', (chunk: Buffer) => chunks.push(chunk));
              res.on('end', () => {
                resolve({
                  status: res.statusCode ?? 0,
                  headers: res.headers,
                  body: Buffer.concat(chunks),
                });
              });
            },
          );
          req.on('error', reject);
          req.end();
        });

      before(async () => {
        exportParent = await mkdtemp(join(tmpdir(), 'treff-wkd-nginx-'));
        await chmod(exportParent, 0o755);
        t = await createTestApp(dialect, {
          configEdit: (yaml) =>
            yaml
              .replaceAll('chaostreff-osnabrueck.de', DOMAIN)
              .replace(
                'requireClubUid: true',
                `requireClubUid: true\n    submissionAddress: ${SUBMISSION}\n    exportDir: ${exportParent}/wkd`,
              ),
        });
        // Keys made by gpg are created "now": treff must judge them by the real time.
        t.clock.set(new Date());
        await memberWithAccount(t, 'ada', '42');
        ada = await gnupgHome();
        adaFingerprint = await generateGpgKey(ada, `Ada <${ADA}>`);
        const armored = await ada.gpgOk(['--armor', '--export', adaFingerprint]);
        // Again after gpg made the key: set before, a key made a second later was "in the future".
        t.clock.set(new Date());
        const result = await publishKeyDirectly(t.deps, CLI_ACTOR, ADA, armored, {
          recordFingerprint: false,
        });
        if ('kind' in result) throw new Error('unreachable');
        stopExport = await startWkdExport(t.deps, { pollMs: 60_000 });

        const files = renderAll(t.deps.config);
        const text = (path: string) => files.find((file) => file.path === path)?.content ?? '';
        const upstreamPort = await freePort();
        upstream = createServer((_req, res) => {
          res.writeHead(599);
          res.end('proxied to treff');
        });
        upstream.listen(upstreamPort, '127.0.0.1');
        await once(upstream, 'listening');
        ns = await startWkdNamespaceFor(DOMAIN, async ({ dir: nsDir, cert, key }) => {
          const socket = join(nsDir, 'nginx.sock');
          nginx = await startNginx(({ dir, port }) => {
            const tls = websiteServerForTest(text('etc/nginx/conf.d/treff-website.conf'), {
              domain: DOMAIN,
              listen: [`127.0.0.1:${port}`, `unix:${socket}`],
              certificate: cert,
              key,
              logDir: dir,
              upstreamPort,
            }).replace(
              // The advanced method's host reaches the same server (as its DNS name would).
              `server_name ${DOMAIN};`,
              `server_name ${DOMAIN} openpgpkey.${DOMAIN};`,
            );
            return [text('etc/nginx/conf.d/treff-privacy.conf'), tls];
          });
          return { socket, close: () => nginx.stop() };
        });
      });
      after(async () => {
        await stopExport?.();
        await ns?.close();
        upstream?.close();
        await ada?.remove();
        await t?.close();
        await rm(exportParent, { recursive: true, force: true });
      });

      const locate = (advanced: boolean) => locateByWkd(ns, ADA, advanced);

      for (const advanced of [true, false]) {
        test(`gpg --locate-external-keys finds the key by the ${advanced ? 'advanced' : 'direct'} method`, async () => {
          const result = await locate(advanced);
          assert.equal(result.code, 0, result.stderr);
          assert.match(result.listing, new RegExp(`^fpr:+${adaFingerprint}:`, 'm'));
          assert.match(result.listing, new RegExp(`^uid:.*Ada <${ADA}>`, 'm'));
        });
      }

      test('keys, policy and submission address come with the headers of treff’s own route, the same bytes, and ?l= ignored', async () => {
        for (const base of [WK, `${WK}/${DOMAIN}`, `${WK}/Club.Example`]) {
          const key = await ask(`${base}/hu/${ADA_HASH}?l=ada`);
          assert.equal(key.status, 200, base);
          assert.equal(key.headers['content-type'], 'application/octet-stream');
          assert.equal(key.headers['access-control-allow-origin'], '*');
          assert.equal(key.headers['content-length'], String(key.body.length));
          assert.equal(key.headers['set-cookie'], undefined);
          const own = await t.app.request(`http://${DOMAIN}${base}/hu/${ADA_HASH}`);
          assert.deepEqual(key.body, Buffer.from(await own.arrayBuffer()));
          const policy = await ask(`${base}/policy`);
          assert.equal(policy.status, 200);
          assert.equal(policy.headers['content-type'], 'text/plain; charset=utf-8');
          assert.equal(policy.headers['access-control-allow-origin'], '*');
          assert.equal(
            policy.body.toString(),
            await (await t.app.request(`http://${DOMAIN}${base}/policy`)).text(),
          );
          const submission = await ask(`${base}/submission-address`);
          assert.equal(submission.body.toString(), `${SUBMISSION}\n`);
          assert.equal(submission.headers['content-type'], 'text/plain; charset=utf-8');
        }
        const head = await ask(`${WK}/hu/${ADA_HASH}`, { method: 'HEAD' });
        assert.equal(head.status, 200);
        assert.ok(Number(head.headers['content-length']) > 0);
        assert.equal(head.body.length, 0);
      });

      test('unknown hashes, directories and other domains are 404s with CORS, never a redirect or a listing, nor proxied', async () => {
        for (const path of [
          `${WK}/hu/${wkdHash('nobody')}`,
          `${WK}/hu/`,
          `${WK}/hu`,
          `${WK}/`,
          `${WK}/${DOMAIN}/hu/`,
          `${WK}/${DOMAIN}`,
          `${WK}/other.example/hu/${ADA_HASH}`,
        ]) {
          const answer = await ask(path);
          assert.equal(answer.status, 404, path);
          assert.equal(answer.headers['access-control-allow-origin'], '*', path);
          assert.equal(answer.headers['location'], undefined, path);
        }
        const preflight = await ask(`${WK}/hu/${ADA_HASH}`, {
          method: 'OPTIONS',
          headers: { origin: 'https://mail.example', 'access-control-request-method': 'GET' },
        });
        assert.equal(preflight.status, 204);
        assert.equal(preflight.headers['access-control-allow-origin'], '*');
        assert.equal(preflight.headers['access-control-allow-methods'], 'GET, HEAD, OPTIONS');
        // Basic auth (Thunderbird) changes nothing: never a 401.
        const basic = await ask(`${WK}/hu/${ADA_HASH}`, {
          headers: { authorization: 'Basic eDp5' },
        });
        assert.equal(basic.status, 200);
      });

      test('a removal reaches nginx at once, and the doctor finds the export in step', async () => {
        assert.deepEqual(await compareWkdExport(t.deps), {
          dir: `${exportParent}/wkd`,
          present: true,
          missing: [],
          stale: [],
          extra: [],
          modes: [],
        });
        await removeKeyByAddress(t.deps, CLI_ACTOR, ADA);
        let status = 0;
        for (let i = 0; i < 100 && status !== 404; i++) {
          status = (await ask(`${WK}/hu/${ADA_HASH}`)).status;
          if (status !== 404) await new Promise((resolve) => setTimeout(resolve, 20));
        }
        assert.equal(status, 404);
        const result = await locate(false);
        assert.notEqual(result.code, 0);
        assert.deepEqual((await compareWkdExport(t.deps))?.extra, []);
      });
    },
  );
}
