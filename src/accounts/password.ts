import { timingSafeEqual } from 'node:crypto';
import saslprep from '@mongodb-js/saslprep';
import koffi from 'koffi';
import { ValidationError } from '../core/errors.ts';
import type { AccountHasher } from '../core/password.ts';

/**
 * Member account passwords: one hash that every daemon checks itself — sshd through pam_unix,
 * Dovecot through `{CRYPT}`, and treff for Prosody and the web. All of them call crypt(3) from
 * the system's libxcrypt, so treff uses the same library (through koffi's FFI) instead of its own
 * implementation: what treff writes, the daemons verify, by construction (notes/auth.md §1).
 *
 * yescrypt (`$y$`) at cost 6: memory-hard (32 MiB per check, above the 19 MiB OWASP asks of
 * Argon2id, which libxcrypt and therefore pam_unix cannot check) and ~30 ms per check, which
 * Dovecot's single auth process pays on every IMAP and SMTP login. Hashing runs on koffi's worker
 * thread, so a login never blocks treff's event loop.
 */
export type { AccountHasher };

/** Bytes of `struct crypt_data` in libxcrypt 4.4 (crypt_rn's work area). */
const CRYPT_DATA_SIZE = 32768;

interface AsyncFunction {
  async(...args: unknown[]): void;
}

interface LibXcrypt {
  gensalt: (
    prefix: string,
    count: number,
    rbytes: null,
    nrbytes: number,
    output: Buffer,
    size: number,
  ) => unknown;
  crypt: ((phrase: string, setting: string, data: Buffer, size: number) => unknown) & AsyncFunction;
}

let library: LibXcrypt | undefined;

// Both functions write their result into the buffer they are given and return a pointer into
// it. The pointer is declared opaque and the string read from the buffer ourselves: koffi must
// not convert a returned pointer into memory it manages, and the buffer (a plain pointer, not
// `_Out_`, so koffi passes its memory directly) stays alive in the closure until the worker
// thread is done with it.
function libxcrypt(): LibXcrypt {
  if (!library) {
    const lib = koffi.load('libcrypt.so.1');
    library = {
      gensalt: lib.func(
        'void *crypt_gensalt_rn(const char *prefix, unsigned long count, const char *rbytes, int nrbytes, uint8_t *output, int output_size)',
      ) as LibXcrypt['gensalt'],
      crypt: lib.func(
        'void *crypt_rn(const char *phrase, const char *setting, uint8_t *data, int size)',
      ) as LibXcrypt['crypt'],
    };
  }
  return library;
}

/** The NUL-terminated string at the start of `buffer` (crypt_data.output is its first field). */
function cString(buffer: Buffer): string {
  const end = buffer.indexOf(0);
  return buffer.toString('latin1', 0, end === -1 ? buffer.length : end);
}

function cryptAsync(phrase: string, setting: string): Promise<string | null> {
  const data = Buffer.alloc(CRYPT_DATA_SIZE);
  return new Promise((resolve, reject) => {
    libxcrypt().crypt.async(
      phrase,
      setting,
      data,
      CRYPT_DATA_SIZE,
      (error: unknown, result: unknown) => {
        if (error) reject(error instanceof Error ? error : new Error('libxcrypt call failed'));
        else resolve(result === null ? null : cString(data));
      },
    );
  });
}

/** The `$y$<params>$` part of a yescrypt setting: method and cost, without the salt. */
function yescryptParams(hash: string): string | null {
  const match = /^\$y\$([^$]+)\$/.exec(hash);
  return match?.[1] ?? null;
}

/**
 * A yescrypt hasher at `cost` (libxcrypt's scale: 5 = 16 MiB, 6 = 32 MiB). It also verifies
 * older hashes of other crypt(3) methods (bcrypt `$2b$`, sha512crypt `$6$`), which
 * {@link AccountHasher.needsRehash} then flags for an upgrade.
 */
export function yescryptHasher(cost = 6): AccountHasher {
  const gensalt = (): string => {
    // A null rbytes lets libxcrypt draw the salt from the kernel's random source.
    const output = Buffer.alloc(128);
    if (libxcrypt().gensalt('$y$', cost, null, 0, output, 128) === null)
      throw new Error('libxcrypt could not make a yescrypt setting');
    return cString(output);
  };
  const target = yescryptParams(gensalt());
  return {
    async hash(password) {
      const result = await cryptAsync(password, gensalt());
      if (!result || result.startsWith('*'))
        throw new Error('libxcrypt could not hash the password');
      return result;
    },
    async verify(hash, password) {
      if (!hash.startsWith('$')) return false;
      const result = await cryptAsync(password, hash);
      if (!result || result.startsWith('*')) return false;
      const computed = Buffer.from(result);
      const stored = Buffer.from(hash);
      return computed.length === stored.length && timingSafeEqual(computed, stored);
    },
    needsRehash(hash) {
      return yescryptParams(hash) !== target;
    },
  };
}

export const MIN_PASSWORD_LENGTH = 12;
const MAX_PASSWORD_BYTES = 256;

/**
 * Refuses a password the services could not all accept alike: 12 characters to 256 bytes, no
 * control characters, and unchanged by SASLprep (RFC 4013) — Prosody SASLpreps PLAIN passwords
 * before checking them while Dovecot and sshd use the raw bytes, so a password SASLprep would
 * change would work for mail but not for XMPP (notes/auth.md §1.2).
 * @throws ValidationError `password_invalid` naming the rule.
 */
export function checkAccountPassword(password: string, username: string): void {
  const fail = (message: string) => {
    throw new ValidationError('password_invalid', `The password ${message}.`, [
      { path: 'password', message },
    ]);
  };
  // Code points, not grapheme clusters: the rule counts what a brute-force search must try.
  // eslint-disable-next-line @typescript-eslint/no-misused-spread
  if ([...password].length < MIN_PASSWORD_LENGTH)
    fail(`must have at least ${MIN_PASSWORD_LENGTH} characters`);
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES)
    fail(`must have at most ${MAX_PASSWORD_BYTES} bytes`);
  if (/\p{Cc}/u.test(password)) fail('must not contain control characters');
  let prepared: string;
  try {
    prepared = saslprep(password);
  } catch {
    prepared = '';
  }
  if (prepared !== password)
    fail('contains characters that XMPP would change (SASLprep); please avoid them');
  if (password.toLowerCase().includes(username.toLowerCase()))
    fail('must not contain the username');
}
