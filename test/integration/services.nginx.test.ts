import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import { request } from 'node:https';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { parseConfig } from '../../src/core/config/load.ts';
import { renderAll } from '../../src/services/index.ts';
import { WEBSITE_CSP } from '../../src/services/nginx/nginx.render.ts';
import { EXAMPLE_CONFIG } from '../support/app.ts';
import { freePort } from '../support/daemons.ts';
import { requireTool } from '../support/integration.ts';
import { NGINX, startNginx, websiteServerForTest, type Nginx } from '../support/nginx.ts';

const skip =
  requireTool(NGINX, 'nginx (Debian package "nginx")') ??
  requireTool('/usr/bin/openssl', 'openssl');

const UA = {
  firefoxLinux: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  edgeWindows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87',
  safariIos:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  chromeAndroid:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.122 Mobile Safari/537.36',
};

/** GET over TLS to nginx on loopback; resolves with status and headers. */
function get(
  port: number,
  path: string,
  headers: Record<string, string>,
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  raw: string[];
  body: string;
}> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        headers: { host: 'chaostreff-osnabrueck.de', ...headers },
        rejectUnauthorized: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, raw: res.rawHeaders, body });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('nginx with the rendered log format and website server', { skip }, () => {
  let nginx: Nginx;
  let upstream: Server;
  before(async () => {
    const files = renderAll(
      parseConfig(await readFile(EXAMPLE_CONFIG, 'utf8'), '/etc/treff/treff.yaml'),
    );
    const text = (path: string) => files.find((file) => file.path === path)?.content ?? '';
    // treff's web server stands in as a stub that sends a CSP of its own, as treff does.
    const upstreamPort = await freePort();
    upstream = createServer((req, res) => {
      res.setHeader('Content-Security-Policy', "default-src 'none'");
      res.writeHead(req.url?.startsWith('/missing') ? 404 : 200, { 'content-type': 'text/html' });
      res.end('<p>treff</p>');
    });
    upstream.listen(upstreamPort, '127.0.0.1');
    await once(upstream, 'listening');
    nginx = await startNginx(({ dir, port, certificate, key }) => {
      const tls = websiteServerForTest(text('etc/nginx/conf.d/treff-website.conf'), {
        domain: 'chaostreff-osnabrueck.de',
        listen: [`127.0.0.1:${port}`],
        certificate,
        key,
        logDir: dir,
        upstreamPort,
      });
      return [text('etc/nginx/conf.d/treff-privacy.conf'), tls];
    });
  });
  after(async () => {
    await nginx?.stop();
    upstream?.close();
  });

  test('writes a line with exactly the declared fields for a request with a known User-Agent', async () => {
    const answer = await get(nginx.port, '/datenschutz?token=secret', {
      'user-agent': UA.firefoxLinux,
      referer: 'https://example.net/ref?q=1',
    });
    assert.equal(answer.status, 200);
    const lines = (await nginx.read('web')).trim().split('\n');
    const line = lines.at(-1) ?? '';
    const match = /^(\S+) \[([^\]]+)\] "([^"]*)" "([^"]*)" "([^"]*)" "([^"]*)"$/.exec(line);
    assert.ok(match, line);
    const [, ip, time, os, browser, referer, page] = match;
    assert.deepEqual(
      { ip, os, browser, referer, page },
      {
        ip: '127.0.0.1',
        os: 'Linux',
        browser: 'Firefox',
        referer: 'https://example.net/ref',
        page: '/datenschutz',
      },
    );
    assert.match(time ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
    assert.doesNotMatch(line, /token|secret|q=1|Mozilla|rv:128|x86_64|HTTP\/1|200/);
  });

  test('reduces other User-Agents to an operating system and a browser', async () => {
    const cases: [string, string, string][] = [
      [UA.edgeWindows, 'Windows', 'Edge'],
      [UA.safariIos, 'iOS', 'Safari'],
      [UA.chromeAndroid, 'Android', 'Chrome'],
      ['', '-', '-'],
      ['curl/7.88.1', 'other', 'curl'],
    ];
    for (const [agent, os, browser] of cases) {
      await get(nginx.port, '/', { 'user-agent': agent });
      const line = (await nginx.read('web')).trim().split('\n').at(-1) ?? '';
      assert.match(line, new RegExp(` "${os}" "${browser}" "-" "/"$`), `${agent}: ${line}`);
    }
  });

  test('logs token and key-hash routes with the token redacted, however the path is spelt', async () => {
    const cases: [string, string][] = [
      ['/login/link/SECRET1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '/login/link/[redacted]'],
      ['/account/password/SECRET2?next=/me', '/account/password/[redacted]'],
      ['/login/lin%6B/SECRET3', '/login/link/[redacted]'],
      ['//login//link/SECRET4', '/login/link/[redacted]'],
      ['/x/../login/link/SECRET5', '/login/link/[redacted]'],
      ['/.well-known/openpgpkey/hu/SECRET6?l=ada', '/.well-known/openpgpkey/hu/[redacted]'],
      [
        '/.well-known/openpgpkey/chaostreff-osnabrueck.de/hu/SECRET7',
        '/.well-known/openpgpkey/chaostreff-osnabrueck.de/hu/[redacted]',
      ],
      ['/login/link', '/login/link'],
    ];
    for (const [path, page] of cases) {
      await get(nginx.port, path, {});
      const line = (await nginx.read('web')).trim().split('\n').at(-1) ?? '';
      assert.ok(line.endsWith(` "${page}"`), `${path}: ${line}`);
    }
    assert.doesNotMatch(await nginx.read('web'), /SECRET|ada/);
  });

  test('logs a login link page that is the referer of its stylesheet with the token redacted', async () => {
    const cases: [string, string][] = [
      [
        'https://treff.example/login/link/SECRET8aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
        'https://treff.example/login/link/[redacted]',
      ],
      [
        'https://treff.example/account/password/SECRET9',
        'https://treff.example/account/password/[redacted]',
      ],
      ['https://treff.example/admin/members?q=SECRET10', 'https://treff.example/admin/members'],
    ];
    for (const [referer, logged] of cases) {
      await get(nginx.port, '/assets/pico.css', { referer });
      const line = (await nginx.read('web')).trim().split('\n').at(-1) ?? '';
      assert.ok(line.endsWith(` "${logged}" "/assets/pico.css"`), `${referer}: ${line}`);
    }
    assert.doesNotMatch(await nginx.read('web'), /SECRET/);
  });

  test('sends one copy of each security header, with a CSP that allows no other origin', async () => {
    const answer = await get(nginx.port, '/', {});
    const names = answer.raw
      .filter((_, index) => index % 2 === 0)
      .map((name) => name.toLowerCase());
    assert.equal(names.filter((name) => name === 'content-security-policy').length, 1);
    assert.equal(answer.headers['content-security-policy'], WEBSITE_CSP);
    assert.equal(answer.headers['referrer-policy'], 'same-origin');
    assert.equal(answer.headers['x-content-type-options'], 'nosniff');
    assert.match(String(answer.headers['strict-transport-security']), /max-age=31536000/);
    const missing = await get(nginx.port, '/missing', {});
    assert.equal(missing.status, 404);
    assert.equal(
      missing.headers['content-security-policy'],
      WEBSITE_CSP,
      'also on errors (always)',
    );
  });

  test('writes no visitor data to an error log, and cancels Debian’s combined access log', async () => {
    upstream.close();
    await once(upstream, 'close');
    const failed = await get(nginx.port, '/gone?token=secret', {
      referer: 'https://example.net/x',
    });
    assert.equal(failed.status, 502);
    for (const name of ['main-error.log', 'startup-error.log']) {
      const text = await nginx.read(name);
      assert.doesNotMatch(text, /client:|127\.0\.0\.1|token|example\.net/, `${name}: ${text}`);
    }
    assert.equal(await nginx.read('debian-access.log'), '');
  });
});

describe('nginx serving the club’s own website directory, treff under its paths', { skip }, () => {
  let nginx: Nginx;
  let upstream: Server;
  const treffAsked: string[] = [];
  before(async () => {
    const example = await readFile(EXAMPLE_CONFIG, 'utf8');
    const yaml = example.replace('    # root: /var/www/club\n', '    root: /var/www/club\n');
    assert.notEqual(yaml, example, "the example's commented website root is gone");
    const files = renderAll(parseConfig(yaml, '/etc/treff/treff.yaml'));
    const text = (path: string) => files.find((file) => file.path === path)?.content ?? '';
    const upstreamPort = await freePort();
    upstream = createServer((req, res) => {
      treffAsked.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<p>from treff</p>');
    });
    upstream.listen(upstreamPort, '127.0.0.1');
    await once(upstream, 'listening');
    nginx = await startNginx(({ dir, port, certificate, key }) => [
      text('etc/nginx/conf.d/treff-privacy.conf'),
      websiteServerForTest(text('etc/nginx/conf.d/treff-website.conf'), {
        domain: 'chaostreff-osnabrueck.de',
        listen: [`127.0.0.1:${port}`],
        certificate,
        key,
        logDir: dir,
        upstreamPort,
      }).replaceAll('/var/www/club', join(dir, 'site')),
    ]);
    const site = join(nginx.dir, 'site');
    await mkdir(join(site, 'news'), { recursive: true });
    await mkdir(join(site, 'files'), { recursive: true });
    await mkdir(join(site, '.git'), { recursive: true });
    await writeFile(join(site, 'index.html'), '<h1>Chaostreff static</h1>');
    await writeFile(join(site, 'news', 'index.html'), '<h1>News</h1>');
    await writeFile(join(site, 'files', 'plan.txt'), 'Dienstags 19 Uhr');
    await writeFile(join(site, '.git', 'config'), '[remote] url = secret');
    await writeFile(join(site, '.env'), 'TOKEN=secret');
  });
  after(async () => {
    await nginx?.stop();
    upstream?.close();
  });

  test('serves index.html and a file from the directory, with the headers and no cookie', async () => {
    const index = await get(nginx.port, '/', { 'user-agent': UA.firefoxLinux });
    assert.equal(index.status, 200);
    assert.equal(index.body, '<h1>Chaostreff static</h1>');
    assert.equal(index.headers['content-security-policy'], WEBSITE_CSP);
    assert.equal(index.headers['x-content-type-options'], 'nosniff');
    assert.equal(index.headers['set-cookie'], undefined);
    const file = await get(nginx.port, '/files/plan.txt', {});
    assert.equal(file.body, 'Dienstags 19 Uhr');
    assert.equal((await get(nginx.port, '/news/', {})).body, '<h1>News</h1>');
    assert.equal(treffAsked.length, 0, 'treff was not asked for the static pages');
    const line = (await nginx.read('web')).trim().split('\n')[0] ?? '';
    // The page is nginx's $uri, which the index rule has turned into the file served.
    assert.match(line, /^127\.0\.0\.1 \[[^\]]+\] "Linux" "Firefox" "-" "\/index\.html"$/);
  });

  test('hands treff its pages and the WKD, and logs them in the declared format', async () => {
    for (const path of [
      '/datenschutz',
      '/privacy/v/1',
      '/me',
      '/login/link/SECRETaaaa',
      '/admin/members',
      '/transparenz',
      '/assets/pico.css',
      '/.well-known/openpgpkey/policy',
    ]) {
      const answer = await get(nginx.port, path, {});
      assert.equal(answer.body, '<p>from treff</p>', path);
      assert.equal(answer.headers['set-cookie'], undefined);
      assert.equal(answer.headers['content-security-policy'], WEBSITE_CSP);
    }
    assert.deepEqual(treffAsked.slice(0, 2), ['/datenschutz', '/privacy/v/1']);
    const log = await nginx.read('web');
    assert.match(log, /"-" "\/datenschutz"\n/);
    assert.match(log, /"\/login\/link\/\[redacted\]"\n/);
    assert.doesNotMatch(log, /SECRET/);
  });

  test('lists no directory and serves no dotfile', async () => {
    await mkdir(join(nginx.dir, 'site', 'empty'), { recursive: true });
    assert.equal((await get(nginx.port, '/empty/', {})).status, 403);
    for (const path of ['/.git/config', '/.env', '/files/.hidden', '/%2egit/config']) {
      const answer = await get(nginx.port, path, {});
      assert.equal(answer.status, 404, path);
      assert.doesNotMatch(answer.body, /secret/);
    }
    assert.equal((await get(nginx.port, '/nothing-here', {})).status, 404);
    assert.ok(!treffAsked.some((path) => path.includes('git') || path.includes('env')));
  });
});
