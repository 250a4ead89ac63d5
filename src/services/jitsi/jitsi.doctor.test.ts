import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evaluateConfigJs } from './jitsi.doctor.ts';

describe('the doctor’s readers', () => {
  test('evaluate Jitsi’s config.js without letting it compile code', () => {
    assert.deepEqual(
      evaluateConfigJs("var x = 'a'; var config = { p2p: { stunServers: [{ urls: x }] } };"),
      {
        p2p: { stunServers: [{ urls: 'a' }] },
      },
    );
    assert.equal(evaluateConfigJs("var config = eval('1');"), null);
    assert.equal(evaluateConfigJs('while (true) {}'), null);
    assert.equal(evaluateConfigJs('var config = "not an object";'), null);
  });
});
