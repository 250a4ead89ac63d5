import { Document } from 'sepa';

/**
 * The collection file in ISO 20022 pain.008.001.08 (German banks take only this version since
 * November 2025, DFÜ-Abkommen Anlage 3), written by the `sepa` package (kewisch/sepa.js,
 * MPL-2.0), which builds the XML tree and checks lengths, identifiers and sequence types. One
 * payment information block per sequence type (FRST, RCUR), as the rulebook requires.
 * Pure: the same input gives the same file.
 */

/** The club as creditor (members.directDebit in the declaration). */
export interface Creditor {
  name: string;
  creditorId: string;
  iban: string;
  bic: string;
}

/** One debit. */
export interface Debit {
  debtorName: string;
  iban: string;
  bic: string | null;
  mandateReference: string;
  mandateSignedOn: string;
  amountCents: number;
  sequence: 'FRST' | 'RCUR';
  endToEndId: string;
  remittance: string;
}

/** A whole collection run. */
export interface CollectionFile {
  messageId: string;
  createdAt: Date;
  dueOn: string;
  creditor: Creditor;
  debits: readonly Debit[];
}

/** A `YYYY-MM-DD` date as the local-time Date the package formats back to the same day. */
function localDay(date: string): Date {
  return new Date(
    Number(date.slice(0, 4)),
    Number(date.slice(5, 7)) - 1,
    Number(date.slice(8, 10)),
  );
}

/**
 * The pain.008.001.08 document of a collection run.
 * @throws Error from the package when a field breaks its rules (an over-long name, an invalid
 * IBAN); the service validated every field before, so this means a bug.
 */
export function buildPain008(file: CollectionFile): string {
  const doc = new Document('pain.008.001.08');
  doc.grpHdr.id = file.messageId;
  doc.grpHdr.created = file.createdAt;
  doc.grpHdr.initiatorName = file.creditor.name;
  for (const sequence of ['FRST', 'RCUR'] as const) {
    const debits = file.debits.filter((debit) => debit.sequence === sequence);
    if (debits.length === 0) continue;
    const info = doc.createPaymentInfo();
    // The package prefixes the message id: the block's id becomes MSGID.FRST (at most 35).
    info.id = sequence;
    info.collectionDate = localDay(file.dueOn);
    info.creditorIBAN = file.creditor.iban;
    info.creditorBIC = file.creditor.bic;
    info.creditorName = file.creditor.name;
    info.creditorId = file.creditor.creditorId;
    info.sequenceType = sequence;
    info.batchBooking = true;
    for (const debit of debits) {
      const tx = info.createTransaction();
      tx.debtorName = debit.debtorName;
      tx.debtorIBAN = debit.iban;
      tx.debtorBIC = debit.bic ?? '';
      tx.mandateId = debit.mandateReference;
      tx.mandateSignatureDate = localDay(debit.mandateSignedOn);
      tx.amount = debit.amountCents / 100;
      tx.currency = 'EUR';
      tx.remittanceInfo = debit.remittance;
      tx.end2endId = debit.endToEndId;
      info.addTransaction(tx);
    }
    doc.addPaymentInfo(info);
  }
  return doc.toString();
}
