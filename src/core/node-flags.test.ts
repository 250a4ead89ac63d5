import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../../test/support/app.ts';
import { SERVER_NODE_FLAGS } from './node-flags.ts';

test('the treff executable and npm start run Node with the server flags', async () => {
  const shebang = (await readFile(join(ROOT, 'src', 'main.ts'), 'utf8')).split('\n')[0];
  assert.equal(shebang, `#!/usr/bin/env -S node ${SERVER_NODE_FLAGS.join(' ')}`);
  const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  assert.match(manifest.scripts['start'] ?? '', /&& node (.*) dist\/main\.js demo /);
  const flags = /&& node (.*) dist\/main\.js demo /.exec(manifest.scripts['start'] ?? '')?.[1];
  assert.deepEqual(flags?.split(' '), [...SERVER_NODE_FLAGS]);
});
