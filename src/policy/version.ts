import { createHash } from 'node:crypto';
import type { TreffConfigParsed } from '../core/config/schema.ts';

/**
 * The parts of the declaration the policy and the record are built from. Everything else
 * (dataDir, database, web, mail, fees) is left out on purpose: moving the data dir or changing
 * a port changes neither text, so it must not change the version either. Any `Config` fits.
 */
export interface PolicyInput {
  readonly club: TreffConfigParsed['club'];
  readonly members: Pick<TreffConfigParsed['members'], 'numberLabel'>;
  readonly services: TreffConfigParsed['services'];
  readonly activities: TreffConfigParsed['activities'];
  /** Only the disclosure recipients: the signing address and board keys do not change the text. */
  readonly transparency?:
    Pick<NonNullable<TreffConfigParsed['transparency']>, 'disclosureRecipients'> | undefined;
}

/** Narrows a config to exactly the {@link PolicyInput} fields (drops paths and the rest). */
export function policyInput(config: PolicyInput): PolicyInput {
  return {
    club: config.club,
    members: { numberLabel: config.members.numberLabel },
    services: config.services,
    activities: config.activities,
    ...(config.transparency
      ? { transparency: { disclosureRecipients: config.transparency.disclosureRecipients } }
      : {}),
  };
}

/**
 * The version of the policy: the first 12 hex digits of the SHA-256 of the canonical JSON of
 * {@link PolicyInput} (object keys sorted, array order kept because it is the order of the
 * text). Validated values are hashed, so writing a default explicitly changes nothing.
 * Deterministic and pure.
 */
export function policyVersion(config: PolicyInput): string {
  return createHash('sha256')
    .update(canonicalJson(policyInput(config)))
    .digest('hex')
    .slice(0, 12);
}

/**
 * JSON with object keys in code-point order at every depth and `undefined` members left out,
 * so equal values always give equal text whatever order the YAML had.
 */
export function canonicalJson(value: unknown): string {
  // JSON writes null for undefined inside arrays; object members that are undefined are left out.
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}
