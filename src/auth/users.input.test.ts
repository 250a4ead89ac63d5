import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { CLI_ACTOR } from '../core/audit/index.ts';
import { ValidationError } from '../core/errors.ts';
import { createUser, listUsers } from './auth.service.ts';

describe('web user input', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp('sqlite');
  });
  afterEach(() => t.close());

  test('refuses a display name with a control or bidi character and names the field', async () => {
    for (const displayName of ['Kasse\u0000', 'Kas\u202Ese', 'Kasse\nroot']) {
      await assert.rejects(
        createUser(t.deps, CLI_ACTOR, {
          username: 'kasse',
          displayName,
          password: 'a long enough password',
          roles: ['board'],
        }),
        (e: unknown) =>
          e instanceof ValidationError &&
          e.code === 'display_name_invalid' &&
          e.issues[0]?.path === 'displayName',
        JSON.stringify(displayName),
      );
    }
    assert.deepEqual(await listUsers(t.deps.db), []);
  });
});
