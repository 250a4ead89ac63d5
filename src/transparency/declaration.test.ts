import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addUser, createTestApp, type TestApp } from '../../test/support/app.ts';
import { TestClient } from '../../test/support/client.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import {
  generateGpgKey,
  gnupgHome,
  gnupgMissing,
  type GnupgHome,
} from '../../test/support/gnupg.ts';
import { localDate } from '../core/clock.ts';
import { writeTodaysStatement } from './statement.daily.ts';

/**
 * The board's own declaration, signed offline with gpg by a board key whose fingerprint the
 * declaration lists in `transparency.boardKeys`: accepted with a good signature, refused with
 * a bad one or another key, shown with its expiry on the public page.
 */

const skip = gnupgMissing();
const DAY = 86_400_000;

for (const dialect of TEST_DIALECTS) {
  describe(`the board's signed declaration (${dialect})`, { skip }, () => {
    let t: TestApp;
    let boardMember: GnupgHome;
    let stranger: GnupgHome;
    let board: TestClient;
    let boardKey: string;
    let strangerKey: string;
    let expires: string;
    const sign = (home: GnupgHome, text: string) => home.gpgOk(['--clearsign'], text);
    const upload = async (signedText: string, publicKey: string) => {
      // gpg signed a moment ago at the real time; judge the upload at the real time too.
      t.clock.set(new Date());
      await board.get('/admin/transparency/declaration');
      return board.post('/admin/transparency/declaration', { signedText, publicKey });
    };

    before(async () => {
      boardMember = await gnupgHome();
      stranger = await gnupgHome();
      const fingerprint = await generateGpgKey(
        boardMember,
        'Vorstand <vorstand@chaostreff-osnabrueck.de>',
      );
      await generateGpgKey(stranger, 'Someone <someone@example.org>');
      boardKey = await boardMember.gpgOk(['--armor', '--export']);
      strangerKey = await stranger.gpgOk(['--armor', '--export']);
      t = await createTestApp(dialect, {
        configEdit: (yaml) => yaml.replace('boardKeys: []', `boardKeys: [${fingerprint}]`),
      });
      // gpg signs at the real time; the declaration is judged at the same time.
      t.clock.set(new Date());
      expires = localDate(new Date(Date.now() + 30 * DAY), 'Europe/Berlin');
      board = new TestClient(t.app);
      await board.login('vorstand', await addUser(t.deps, 'vorstand', ['board']));
    });
    after(async () => {
      await boardMember.remove();
      await stranger.remove();
      await t.close();
    });

    test('refuses a text whose signature no longer matches it', async () => {
      const signed = await sign(
        boardMember,
        `Uns liegen keine geheimen Anordnungen vor.\nExpires: ${expires}\n`,
      );
      const tampered = signed.replace('keine geheimen', 'zwei geheime');
      const response = await upload(tampered, boardKey);
      assert.equal(response.status, 422);
      assert.match(await response.text(), /carries no good signature by [0-9A-F]{40}/);
      assert.equal((await t.app.request('/transparency/declaration.asc')).status, 404);
    });

    test('refuses a text signed by a key that is not a board key', async () => {
      const signed = await sign(
        stranger,
        `Uns liegen keine geheimen Anordnungen vor.\nExpires: ${expires}\n`,
      );
      const response = await upload(signed, strangerKey);
      assert.equal(response.status, 422);
      assert.match(
        await response.text(),
        /is not one of the board keys in transparency\.boardKeys/,
      );
    });

    test('refuses a text without an expiry date', async () => {
      const response = await upload(
        await sign(boardMember, 'Uns liegen keine geheimen Anordnungen vor.\n'),
        boardKey,
      );
      assert.equal(response.status, 422);
      assert.match(
        await response.text(),
        /needs a line &quot;Expires: YYYY-MM-DD&quot;|needs a line "Expires: YYYY-MM-DD"/,
      );
    });

    test('publishes a well-signed text, shows its expiry and signs it into the statement', async () => {
      const signed = await sign(
        boardMember,
        `Uns liegen keine geheimen Anordnungen vor.\nExpires: ${expires}\n`,
      );
      const response = await upload(signed, boardKey);
      assert.equal(response.status, 200);
      const [year, month, day] = expires.split('-');
      assert.match(await response.text(), new RegExp(`gilt bis ${day}\\.${month}\\.${year}`));
      const published = await t.app.request('/transparency/declaration.asc');
      assert.equal(await published.text(), signed);
      const page = await (await t.app.request('/transparenz')).text();
      assert.match(page, /Uns liegen keine geheimen Anordnungen vor\./);
      assert.match(page, new RegExp(`gültig bis ${day}\\.${month}\\.${year}`));
      // Anyone can check it with gpg and the key published beside it.
      const checker = await gnupgHome();
      try {
        await checker.gpgOk(
          ['--import'],
          await (await t.app.request('/transparency/declaration.key.asc')).text(),
        );
        const verified = await checker.gpg(['--verify'], signed);
        assert.equal(verified.code, 0, verified.stderr);
      } finally {
        await checker.remove();
      }
      const statement = await writeTodaysStatement(t.deps);
      assert.ok(statement.path);
      const events = await t.deps.db
        .selectFrom('audit_events')
        .select('event')
        .where('event', '=', 'transparency.declaration.published')
        .execute();
      assert.equal(events.length, 1);
    });

    test('shows on the public page when the declaration has expired', async () => {
      t.clock.set(new Date(Date.now() + 40 * DAY));
      const page = await (await t.app.request('/transparency')).text();
      assert.match(page, /This declaration expired on/);
      t.clock.set(new Date());
    });
  });
}
