import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { Linter } from 'eslint';
import boundaries, { listModules } from '../../eslint-rules/module-boundaries.js';

const repoSrc = path.resolve(import.meta.dirname, '../../src');

/** The rule's messages for `code` as if it were the file `file` (relative to `srcDir`). */
function lint(srcDir: string, file: string, code: string): string[] {
  const linter = new Linter({ configType: 'flat' });
  const messages = linter.verify(
    code,
    [
      {
        files: ['**/*.ts', '**/*.tsx'],
        plugins: { treff: boundaries },
        rules: { 'treff/module-boundaries': ['error', { srcDir }] },
      },
    ],
    path.join(srcDir, file),
  );
  return messages.map((message) => message.message);
}

describe('module boundaries (npm run lint)', () => {
  test('refuses an import of another module’s inner file', () => {
    const problems = lint(
      repoSrc,
      'keys/keys.service.ts',
      "import { findMember } from '../members/members.repo.ts';",
    );
    assert.deepEqual(problems, [
      "Import module 'members' only through src/members/index.ts, not its inner file 'members.repo.ts'.",
    ]);
  });

  test('refuses it from a nested folder, from a test, and as a re-export or dynamic import', () => {
    assert.equal(
      lint(repoSrc, 'services/prosody/x.ts', "import '../../accounts/sync.ts';").length,
      1,
    );
    assert.equal(
      lint(repoSrc, 'keys/keys.test.ts', "import '../members/members.repo.ts';").length,
      1,
    );
    assert.equal(
      lint(repoSrc, 'keys/index.ts', "export * from '../members/erasure.service.ts';").length,
      1,
    );
    assert.equal(lint(repoSrc, 'keys/x.ts', "await import('../members/dues.ts');").length, 1);
  });

  test('allows a module’s own files, core, another module’s index.ts and packages', () => {
    const code = [
      "import './keys.repo.ts';",
      "import '../core/db/database.ts';",
      "import '../members/index.ts';",
      "import 'hono';",
    ].join('\n');
    assert.deepEqual(lint(repoSrc, 'keys/keys.service.ts', code), []);
  });

  test('refuses any domain module in core, even its index.ts', () => {
    const problems = lint(repoSrc, 'core/http/app.tsx', "import '../../members/index.ts';");
    assert.deepEqual(problems, [
      "src/core must not import the domain module 'members': pass what core needs in as an argument.",
    ]);
  });

  test('the composition root beside main.ts reaches modules only through index.ts or their texts', () => {
    assert.equal(lint(repoSrc, 'cli.ts', "import './demo/demo.ts';").length, 1);
    assert.deepEqual(lint(repoSrc, 'cli.ts', "import './demo/index.ts';"), []);
    assert.deepEqual(lint(repoSrc, 'messages.ts', "import './keys/keys.messages.ts';"), []);
    assert.equal(lint(repoSrc, 'members/x.ts', "import '../keys/keys.messages.ts';").length, 1);
  });

  describe('a new module folder', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'treff-boundaries-'));
    after(() => {
      rmSync(dir, { recursive: true, force: true });
    });
    for (const folder of ['core', 'alpha', 'beta']) mkdirSync(path.join(dir, folder));

    test('is covered without being listed anywhere', () => {
      assert.deepEqual(listModules(dir), ['alpha', 'beta']);
      assert.equal(lint(dir, 'alpha/a.ts', "import '../beta/inner.ts';").length, 1);
      assert.equal(lint(dir, 'core/c.ts', "import '../beta/index.ts';").length, 1);
    });
  });

  test('every folder of src/ except core is a module', () => {
    const modules = listModules(repoSrc);
    assert.ok(modules.includes('members') && modules.includes('services'));
    assert.ok(!modules.includes('core'));
  });
});
