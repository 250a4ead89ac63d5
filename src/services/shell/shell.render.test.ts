import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { EXAMPLE_CONFIG } from '../../../test/support/app.ts';
import { parseConfig } from '../../core/config/load.ts';
import { renderShellHistory } from './shell.render.ts';

async function config(edit: (yaml: string) => string = (yaml) => yaml) {
  return parseConfig(edit(await readFile(EXAMPLE_CONFIG, 'utf8')), '/etc/treff/treff.yaml');
}

test('turns shell history off for everyone when declared off', async () => {
  const off = await config((yaml) => yaml.replace('history: opt-in', 'history: off'));
  const text = renderShellHistory(off);
  assert.match(text, /^if true; then\n {2}unset HISTFILE$/m);
  assert.doesNotMatch(text, /keep_history/);
});
