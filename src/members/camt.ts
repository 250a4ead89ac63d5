import { createHash } from 'node:crypto';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { MAX_CSV_ROWS } from '../core/csv.ts';
import { controlCharacterMessage, findControlCharacter } from '../core/validation.ts';
import type { StatementRow } from './bank-import.ts';
import { readPlainXml } from './camt-xml.ts';

/**
 * Bank statements in ISO 20022 CAMT.053 (`camt.053.001.02` as most German banks still export,
 * and `.08` of the DFÜ-Abkommen Anlage 3 from November 2025). A file holds one or more
 * statements (`Stmt`), each with entries (`Ntry`); a batch entry (Sammelbuchung) carries one
 * `TxDtls` per transfer. Every transfer becomes one {@link StatementRow}, so the CSV import's
 * matching, review queue and all-or-nothing booking apply unchanged.
 *
 * De-duplication: a row's fingerprint is derived from the account's IBAN and the bank's entry
 * reference `AcctSvcrRef` (of the transfer when the bank gives one per `TxDtls`, else of the
 * entry plus the transfer's position in the batch). Where a bank leaves `AcctSvcrRef` out, the
 * fallback is the hash of account, booking and value date, amount, currency, direction,
 * reversal mark, end-to-end id, counterparty and remittance text, numbered by occurrence in the
 * file (as the CSV import does), so the same statement imported twice still books once.
 */

/** What a CAMT file yields: the rows, or every unreadable entry named. */
export interface CamtStatement {
  /** The message's schema, e.g. `camt.053.001.08`. */
  version: string;
  statements: number;
  rows: StatementRow[];
  /** Entries that are not booked (`Sts` other than `BOOK`): not imported. */
  skippedUnbooked: number;
  issues: { path: string; message: string }[];
}

/** The namespaces treff reads; others are refused (camt.052/054 are not statements). */
const SUPPORTED = /^urn:iso:std:iso:20022:tech:xsd:(camt\.053\.001\.(0[2-9]|1[0-3]))$/;

/** Whether a file looks like XML (CAMT) rather than CSV: its first non-blank character is `<`. */
export function looksLikeXml(text: string): boolean {
  return /^\s*</.test(text);
}

export const CAMT_LISTS: ReadonlySet<string> = new Set([
  'Stmt',
  'Ntry',
  'NtryDtls',
  'TxDtls',
  'Ustrd',
  'Strd',
  'Bal',
]);

// No DOCTYPE is ever part of a CAMT file; refusing one before parsing rules out entity
// expansion (billion laughs) and external entities, whatever the parser would do with it.
// fast-xml-parser still decodes the five predefined entities and character references.
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: { enabled: true, maxEntityCount: 1, maxExpandedLength: 1 },
  // Character references (&#x41;) are decoded with the HTML set; no DOCTYPE means no other
  // entity. Its successor `entityDecoder` needs @nodable/entities as a direct dependency.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  htmlEntities: true,
  isArray: (name) => CAMT_LISTS.has(name),
  // No path strings for the callbacks (only the tag name is used): a quarter less parse time.
  jPath: false,
});

type Node = Record<string, unknown>;

/** fast-xml-parser's tree of a well-formed file, as the fast reader must give it (tests). */
export function readTree(xml: string): unknown {
  return parser.parse(xml);
}

function node(value: unknown): Node | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Node)
    : undefined;
}

function list(value: unknown): Node[] {
  return Array.isArray(value) ? value.map(node).filter((n): n is Node => n !== undefined) : [];
}

/** The text at a path of child names (`text(entry, 'BookgDt', 'Dt')`), or ''. */
function text(start: unknown, ...path: string[]): string {
  let current: unknown = start;
  for (const name of path) current = node(current)?.[name];
  if (typeof current === 'string') return current;
  const inner = node(current)?.['#text'];
  return typeof inner === 'string' ? inner : '';
}

function child(start: unknown, ...path: string[]): unknown {
  let current: unknown = start;
  for (const name of path) current = node(current)?.[name];
  return current;
}

/** An `ActiveOrHistoricCurrencyAndAmount`: the amount with its currency, in hundredths. */
function amountOf(value: unknown): { cents: number; currency: string } | string | null {
  if (value === undefined) return null;
  const digits = text(value);
  const currency = node(value)?.['@Ccy'];
  const match = /^(\d{1,12})(?:\.(\d{1,5}))?$/.exec(digits);
  if (!match) return `"${digits}" is not an amount`;
  const fraction = (match[2] ?? '').padEnd(2, '0');
  if (/[1-9]/.test(fraction.slice(2))) return `"${digits}" has more than two decimal places`;
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency))
    return 'the amount has no currency (Ccy)';
  return { cents: Number(match[1]) * 100 + Number(fraction.slice(0, 2)), currency };
}

/** `Dt` or the date of `DtTm`; null when absent or no real date. */
function dateOf(value: unknown): string | null {
  const raw = text(value, 'Dt') || text(value, 'DtTm').slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw)) return null;
  const date = new Date(`${raw}T00:00:00Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== raw ? null : raw;
}

/** A party's name in `.02` (`Dbtr/Nm`) or `.08` (`Dbtr/Pty/Nm`) form. */
function partyName(parties: unknown, role: 'Dbtr' | 'Cdtr'): string {
  const ultimate = role === 'Dbtr' ? 'UltmtDbtr' : 'UltmtCdtr';
  return (
    text(parties, role, 'Nm') ||
    text(parties, role, 'Pty', 'Nm') ||
    text(parties, ultimate, 'Nm') ||
    text(parties, ultimate, 'Pty', 'Nm')
  );
}

function remittance(tx: unknown): string {
  const info = child(tx, 'RmtInf');
  const unstructured = (node(info)?.['Ustrd'] as unknown[] | undefined) ?? [];
  const parts = unstructured.map((part) => text(part));
  for (const structured of list(node(info)?.['Strd'])) {
    const reference = text(structured, 'CdtrRefInf', 'Ref');
    if (reference) parts.push(reference);
  }
  return parts.join(' ').replace(/\s+/g, ' ').trim();
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

interface EntryContext {
  iban: string;
  currency: string;
  where: string;
  entry: Node;
}

/** One transfer of an entry as a row, or the reason it cannot be read. */
function transferRow(
  context: EntryContext,
  tx: Node | undefined,
  position: { index: number; of: number },
): Omit<StatementRow, 'line' | 'fingerprint'> & { key: string } {
  const { entry } = context;
  const direction = text(entry, 'CdtDbtInd');
  if (direction !== 'CRDT' && direction !== 'DBIT')
    throw new Error(`CdtDbtInd is "${direction}", expected CRDT or DBIT`);
  const reversal = text(entry, 'RvslInd') === 'true';
  // The booking date; the value date only where a bank leaves the booking date out.
  const booking = child(entry, 'BookgDt');
  const bookedOn = dateOf(booking ?? child(entry, 'ValDt'));
  if (!bookedOn)
    throw new Error(
      booking === undefined
        ? 'no booking date (BookgDt) or value date (ValDt)'
        : `the booking date "${text(booking, 'Dt') || text(booking, 'DtTm')}" is not a date`,
    );
  const entryAmount = amountOf(child(entry, 'Amt'));
  if (entryAmount === null) throw new Error('no amount (Amt)');
  if (typeof entryAmount === 'string') throw new Error(entryAmount);
  // The transfer's amount in the account's currency: its own (`.08` TxDtls/Amt, `.02`
  // AmtDtls/TxAmt/Amt) in a batch, the entry's when the entry is one transfer.
  let amount = entryAmount;
  if (position.of > 1) {
    const own = amountOf(child(tx, 'Amt')) ?? amountOf(child(tx, 'AmtDtls', 'TxAmt', 'Amt'));
    if (own === null) throw new Error(`transfer ${position.index} of the batch has no amount`);
    if (typeof own === 'string') throw new Error(`transfer ${position.index}: ${own}`);
    amount = own;
  }
  const txDirection = text(tx, 'CdtDbtInd') || direction;
  const sign = txDirection === 'DBIT' ? -1 : 1;
  const reference = remittance(tx);
  const parties = child(tx, 'RltdPties');
  const counterparty = partyName(parties, direction === 'CRDT' ? 'Dbtr' : 'Cdtr') || null;
  for (const [label, value] of [
    ['RmtInf', reference],
    ['RltdPties', counterparty ?? ''],
  ] as const) {
    const found = findControlCharacter(value, { multiline: false });
    if (found !== null) throw new Error(`${label}: ${controlCharacterMessage(found)}`);
  }
  const entryRef = text(entry, 'AcctSvcrRef');
  const txRef = text(tx, 'Refs', 'AcctSvcrRef');
  const foreign = amount.currency !== context.currency;
  const key =
    position.of > 1 && txRef
      ? `ref\u0000${txRef}`
      : entryRef
        ? `ref\u0000${entryRef}${position.of > 1 ? `\u0000${position.index}` : ''}`
        : [
            'fallback',
            bookedOn,
            dateOf(child(entry, 'ValDt')) ?? '',
            amount.cents,
            amount.currency,
            txDirection,
            reversal,
            text(tx, 'Refs', 'EndToEndId'),
            counterparty ?? '',
            reference,
          ].join('\u0000');
  return {
    bookedOn,
    amountCents: sign * amount.cents,
    reference,
    counterparty,
    memberNumber: null,
    source: `${context.where}${position.of > 1 ? `.${position.index}` : ''}${entryRef ? ` (${entryRef})` : ''}`,
    ...(reversal
      ? { review: 'reversal' as const }
      : foreign
        ? { review: 'currency' as const }
        : {}),
    currency: amount.currency,
    key: `${context.iban}\u0000${key}`,
  };
}

/** The rows of one entry: one per `TxDtls` of a batch, else one. */
function entryRows(context: EntryContext) {
  const details = list(context.entry['NtryDtls']).flatMap((d) => list(d['TxDtls']));
  if (details.length <= 1) return [transferRow(context, details[0], { index: 1, of: 1 })];
  return details.map((tx, i) => transferRow(context, tx, { index: i + 1, of: details.length }));
}

/** Reads the message's schema version from its root namespace; null when it is no camt.053. */
function versionOf(xml: string): string | null {
  const root = /<(?:\w+:)?Document\b[^>]*>/.exec(xml.slice(0, 4096))?.[0] ?? '';
  for (const [, namespace] of root.matchAll(/\bxmlns(?::\w+)?="([^"]+)"/g)) {
    const match = SUPPORTED.exec(namespace ?? '');
    if (match) return match[1] ?? null;
  }
  return null;
}

function refused(message: string): CamtStatement {
  return {
    version: '',
    statements: 0,
    rows: [],
    skippedUnbooked: 0,
    issues: [{ path: 'file', message }],
  };
}

/**
 * Parses a CAMT.053 file into statement rows. Any entry that cannot be read is reported as
 * `statement <Stmt/Id>, entry <n> (<AcctSvcrRef>)` with the reason; the caller books nothing
 * while there are issues. Pure: no database, no clock.
 */
export function parseCamt(xml: string, ledgerCurrency: string): CamtStatement {
  if (/<!DOCTYPE/i.test(xml)) return refused('a DOCTYPE is not allowed in a CAMT file');
  if (/<!ENTITY/i.test(xml)) return refused('entity declarations are not allowed');
  // Bank exports are plain XML, which the fast reader checks and reads itself; anything else
  // goes to XMLValidator (it names the line of the first error) and fast-xml-parser. The
  // validator moves to the package fast-xml-validator in 6.x; 5.12 still ships it.
  let tree: unknown = readPlainXml(xml, CAMT_LISTS);
  if (tree === null) {
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    const valid = XMLValidator.validate(xml);
    if (valid !== true)
      return refused(`not well-formed XML (line ${valid.err.line}): ${valid.err.msg}`);
    tree = parser.parse(xml);
  }
  const version = versionOf(xml);
  if (!version)
    return refused(
      'not a CAMT.053 bank statement (expected the namespace urn:iso:std:iso:20022:tech:xsd:camt.053.001.02 … .13)',
    );
  const document = node(tree)?.['Document'];
  const statements = list(child(document, 'BkToCstmrStmt', 'Stmt'));
  if (statements.length === 0) return refused('the file holds no statement (Stmt)');
  const issues: CamtStatement['issues'] = [];
  const rows: StatementRow[] = [];
  const occurrences = new Map<string, number>();
  let skippedUnbooked = 0;
  let entries = 0;
  statements.forEach((statement, s) => {
    const id = text(statement, 'Id') || `#${s + 1}`;
    const iban =
      text(statement, 'Acct', 'Id', 'IBAN') || text(statement, 'Acct', 'Id', 'Othr', 'Id');
    const currency = text(statement, 'Acct', 'Ccy') || ledgerCurrency;
    list(statement['Ntry']).forEach((entry, e) => {
      entries++;
      const ref = text(entry, 'AcctSvcrRef');
      const where = `statement ${id}, entry ${e + 1}`;
      const status = text(entry, 'Sts') || text(entry, 'Sts', 'Cd');
      if (status && status !== 'BOOK') {
        skippedUnbooked++;
        return;
      }
      try {
        for (const row of entryRows({ iban, currency, where, entry })) {
          const occurrence = (occurrences.get(row.key) ?? 0) + 1;
          occurrences.set(row.key, occurrence);
          const { key, ...rest } = row;
          rows.push({
            ...rest,
            line: rows.length + 1,
            fingerprint: sha256(`camt\u0000${key}\u0000${occurrence}`),
          });
        }
      } catch (error) {
        issues.push({
          path: `${where}${ref ? ` (${ref})` : ''}`,
          message: (error as Error).message,
        });
      }
    });
  });
  if (entries > MAX_CSV_ROWS)
    return refused(
      `the file has more than ${MAX_CSV_ROWS.toLocaleString('en')} entries: split it into several files`,
    );
  return { version, statements: statements.length, rows, skippedUnbooked, issues };
}
