/**
 * Logs in to an XMPP server and joins a room, as a separate process so that the server's test
 * certificate can be trusted through NODE_EXTRA_CA_CERTS (read by Node only at start) without
 * turning off certificate checks in the test process. Used by test/e2e/setup.fresh-root.test.ts:
 *
 *   NODE_EXTRA_CA_CERTS=cert.pem node --import tsx test/support/xmpp-join.ts \
 *     HOST PORT DOMAIN USER ROOM-JID   (the password on stdin)
 *
 * Prints one JSON line: the bound JID and the room's presence for the joining occupant. Exits 1 with the client's error otherwise.
 */
import { xmppLogin, type XmlElement } from './prosody.ts';

const [host = '', port = '', domain = '', username = '', room = ''] = process.argv.slice(2);
const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const password = Buffer.concat(chunks).toString('utf8').trim();

const session = await xmppLogin({ host, port: Number(port), domain, username, password });
try {
  const presences: XmlElement[] = [];
  const joined = new Promise<XmlElement>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`no presence from ${room}/${username} within 15 s`));
    }, 15_000);
    session.onStanza((stanza) => {
      if (stanza.is('presence') && stanza.attrs['from'] === `${room}/${username}`) {
        clearTimeout(timer);
        presences.push(stanza);
        resolve(stanza);
      }
    });
  });
  await session.send(session.xml('presence'));
  await session.send(
    session.xml(
      'presence',
      { to: `${room}/${username}` },
      session.xml('x', { xmlns: 'http://jabber.org/protocol/muc' }),
    ),
  );
  const presence = await joined;
  process.stdout.write(
    `${JSON.stringify({
      jid: session.jid,
      presence: presence.toString(),
    })}\n`,
  );
} finally {
  await session.stop();
}
