import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { EXAMPLE_CONFIG } from '../../test/support/app.ts';
import { parseConfig } from '../core/config/load.ts';
import type { ProjectionRow } from './accounts.repo.ts';
import { buildProjection, PATHS } from './projections.ts';

const config = parseConfig(await readFile(EXAMPLE_CONFIG, 'utf8'), EXAMPLE_CONFIG, {
  TREFF_DATABASE_URL: 'sqlite::memory:',
});

function row(overrides: Partial<ProjectionRow>): ProjectionRow {
  return {
    id: 'a1',
    memberId: 'm1',
    username: 'ada',
    status: 'active',
    uid: 20000,
    passwordHash: '$y$j9T$abc$def',
    services: { shell: true, mail: true, xmpp: true },
    sshKeys: [],
    requestedAt: '2026-01-01T00:00:00.000Z',
    activatedAt: '2026-01-01T00:00:00.000Z',
    disabledAt: null,
    deleteAfter: null,
    firstName: 'Ada',
    lastName: 'Lovelace',
    joinedOn: '2024-01-01',
    leftOn: null,
    ...overrides,
  };
}

function file(rows: ProjectionRow[], path: string): string {
  const projection = buildProjection(rows, config, 'secret', '2026-03-01');
  return projection.files.find((candidate) => candidate.path === path)?.content ?? '';
}

test('a name with colons, line breaks, NUL or bidi overrides cannot add or bend a passwd line', () => {
  const passwd = file(
    [
      row({ firstName: 'Ada\nevil:x:0:0::/root:/bin/bash', lastName: 'Love\u0000la\u202Ece' }),
      row({ id: 'a2', username: 'bob', uid: 20001, firstName: 'B\r', lastName: 'x\u2066:y' }),
    ],
    PATHS.passwd,
  );
  const lines = passwd.trimEnd().split('\n');
  assert.equal(lines.length, 2);
  for (const line of lines) {
    assert.equal(line.split(':').length, 7, line);
    assert.doesNotMatch(line, /[\p{Cc}\p{Cf}]/u);
  }
  assert.equal(
    lines[0],
    'ada:x:20000:20000:Ada evil x 0 0  /root /bin/bash Love la ce:/home/ada:/bin/bash',
  );
});

test('an account whose stored username, hash or key could break a file is left out or locked', () => {
  const projection = buildProjection(
    [
      row({ username: 'evil\nroot', uid: 20000 }),
      row({ id: 'a2', username: 'bob', uid: 20001, passwordHash: '$y$x:0:0\nroot' }),
      row({
        id: 'a3',
        username: 'cy',
        uid: 20002,
        sshKeys: ['ssh-ed25519 AAAA laptop\u0000', 'ssh-ed25519 AAAA ok', 'ssh-ed25519 AAAA a\rb'],
      }),
    ],
    config,
    'secret',
    '2026-03-01',
  );
  const content = (path: string) =>
    projection.files.find((candidate) => candidate.path === path)?.content ?? '';
  assert.doesNotMatch(content(PATHS.passwd), /evil|^root/m);
  assert.equal(content(PATHS.shadow), 'bob:!::0:99999:7:::\ncy:$y$j9T$abc$def::0:99999:7:::\n');
  assert.deepEqual(projection.refused, ['uid 20000: the username is not a valid login name']);
  assert.deepEqual(
    projection.sshKeys.map((keys) => keys.content),
    ['ssh-ed25519 AAAA ok\n'],
  );
});
