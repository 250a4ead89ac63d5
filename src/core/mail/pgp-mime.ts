/**
 * An OpenPGP/MIME message (RFC 3156 §4): `multipart/encrypted` with the version part and the
 * armored ciphertext as `application/octet-stream`. nodemailer's own composer builds only its
 * fixed structures, so the message is put together with its MIME node class (which encodes
 * the header fields, RFC 2047) and sent as it is.
 */
export async function composeEncryptedMail(fields: {
  from: string;
  to: string;
  subject: string;
  date: Date;
  messageId?: string | undefined;
  headers?: Record<string, string> | undefined;
  armored: string;
}): Promise<Buffer> {
  // Loaded on first use, as the mailer loads nodemailer (core/mail/mailer.ts).
  const { default: MimeNode } = await import('nodemailer/lib/mime-node/index.js');
  const root = new MimeNode('multipart/encrypted; protocol="application/pgp-encrypted"');
  root.setHeader({
    From: fields.from,
    To: fields.to,
    Subject: fields.subject,
    Date: fields.date.toUTCString().replace('GMT', '+0000'),
    ...(fields.messageId ? { 'Message-ID': fields.messageId } : {}),
    ...fields.headers,
  });
  root
    .createChild('application/pgp-encrypted')
    .setHeader('Content-Description', 'PGP/MIME version identification')
    .setHeader('Content-Transfer-Encoding', '7bit')
    .setContent('Version: 1\r\n');
  root
    .createChild('application/octet-stream; name="encrypted.asc"')
    .setHeader('Content-Description', 'OpenPGP encrypted message')
    .setHeader('Content-Disposition', 'inline; filename="encrypted.asc"')
    .setHeader('Content-Transfer-Encoding', '7bit')
    .setContent(fields.armored);
  return root.build();
}

/**
 * The MIME entity to encrypt for an OpenPGP/MIME mail (RFC 3156 §4: the plaintext is a MIME
 * entity, so the reader's client shows it as the mail's text).
 */
export function plainEntity(text: string): string {
  return `Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${text.replace(/\r?\n/g, '\r\n')}`;
}
