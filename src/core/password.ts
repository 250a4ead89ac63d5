import { hash, verify, type Algorithm } from '@node-rs/argon2';

// `Algorithm` is a const enum, which isolated modules cannot read: 2 is Argon2id.
// eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- see above
const ARGON2ID = 2 as Algorithm;

/**
 * Hashes and checks the passwords of web users (board, admin, treasurer). These secrets are
 * checked by treff alone, so they use Argon2id with OWASP's minimum parameters
 * (m=19 MiB, t=2, p=1; Password Storage Cheat Sheet). Member account passwords that the
 * daemons check are a separate matter (notes/auth.md, the accounts module).
 */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

export interface Argon2Params {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export const OWASP_ARGON2ID: Argon2Params = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

/** An Argon2id hasher; tests pass cheaper parameters. */
export function argon2Hasher(params: Argon2Params = OWASP_ARGON2ID): PasswordHasher {
  return {
    hash: (password) => hash(password, { algorithm: ARGON2ID, ...params }),
    verify: async (stored, password) => {
      try {
        return await verify(stored, password);
      } catch {
        return false;
      }
    },
  };
}

/**
 * Hashes that daemons check too (member accounts): same contract, plus whether a stored hash was
 * made with an older method or cost and should be replaced at the next successful login.
 */
export interface AccountHasher extends PasswordHasher {
  needsRehash(hash: string): boolean;
}
