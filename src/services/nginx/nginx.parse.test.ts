import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readNginx, tokenizeNginx } from './nginx.parse.ts';
import { tempRoot } from '../../../test/support/rootfs.ts';

describe('the doctor’s readers', () => {
  const { fs, put } = tempRoot();

  test('read nginx with quotes, comments and includes expanded in place', async () => {
    assert.deepEqual(
      tokenizeNginx(`log_format x '$a "q" \\'s\\'' # c\n;`).map((token) => token.text),
      ['log_format', 'x', `$a "q" 's'`, ';'],
    );
    await put('etc/nginx/nginx.conf', 'http {\n  access_log off;\n  include conf.d/*.conf;\n}\n');
    await put('etc/nginx/conf.d/a.conf', 'server { server_name a.example; }\n');
    const problems: { file: string; message: string }[] = [];
    const main = await readNginx(fs, '/etc/nginx/nginx.conf', problems);
    const http = main[0]?.block ?? [];
    assert.deepEqual(
      http.map((d) => d.name),
      ['access_log', 'server'],
    );
    assert.equal(http[1]?.file, '/etc/nginx/conf.d/a.conf');
    assert.deepEqual(problems, []);
  });
});
