import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { ConfigError, parseConfig } from '../../src/core/config/load.ts';
import { corpus, fuzz, mutated, piece } from './fuzz.ts';

/**
 * `treff.yaml`, the declaration every command reads: any text either gives a config or a
 * {@link ConfigError} that names its problems; never another exception, never a hang (YAML
 * aliases, deep nesting).
 */

const FILE = '/etc/treff/treff.yaml';

function check(source: string): void {
  try {
    const config = parseConfig(source, FILE);
    assert.equal(typeof config.club.name, 'string');
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    assert.equal(error.code, 'config_invalid');
    for (const issue of error.issues) assert.equal(typeof issue.message, 'string');
  }
}

/** YAML-shaped values: what a declaration is made of, with nasty scalars mixed in. */
const yamlValue = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    piece,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(
        fc.constantFrom('club', 'services', 'activities', 'retention', 'web', 'database', 'keep'),
        piece,
      ),
      tie('value'),
      { maxKeys: 4 },
    ),
  ),
})).value;

test('treff.yaml: any text gives a config or a ConfigError, nothing else', async (t) => {
  const seeds = corpus('treff-yaml').map((seed) => ({
    name: seed.name,
    input: seed.bytes.toString('utf8'),
  }));
  await fuzz(t, 'treff-yaml', {
    seeds,
    arbitrary: fc.oneof(
      { weight: 3, arbitrary: mutated(seeds.map((seed) => seed.input)) },
      { weight: 1, arbitrary: yamlValue.map((value) => stringify(value)) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
    ),
    property: check,
  });
});
