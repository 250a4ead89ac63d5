import { invitationsOfMember } from '../assembly/index.ts';
import { listLoginLinksOfMember } from '../auth/index.ts';
import { mandatesOfMember } from '../sepa/index.ts';
import { keysOfMember } from '../keys/index.ts';
import { listSendsOfMember } from '../dunning/index.ts';
import { listAuditForMember, recordAudit, type Actor } from '../core/audit/index.ts';
import type { Activity, LocalizedText } from '../core/config/schema.ts';
import type { Deps } from '../core/deps.ts';
import {
  centsToDecimal,
  getAccount,
  getMember,
  listBankRowsOfMember,
  MEMBER_FIELDS,
  type Visibility,
} from '../members/index.ts';

/**
 * Everything treff stores about one member, for the right of access (Art. 15 GDPR) and data
 * portability (Art. 20): the registry entry, contributions, bank transfers booked for them,
 * portal login links (without tokens) and the audit events about them — plus, from the
 * declaration, why and how long each kind of data is kept.
 */
export interface AccessReport {
  generatedAt: string;
  controller: { name: string; address: string; privacyContact: string };
  member: Record<(typeof MEMBER_FIELDS)[number], string | null> & { restricted: boolean };
  contributions: {
    currency: string;
    fees: { amount: string; intervalMonths: number; validFrom: string }[];
    bookings: {
      bookedOn: string;
      amount: string;
      reference: string;
      kind: string;
      source: string;
      reversed: boolean;
    }[];
    due: string;
    paid: string;
    balance: string;
  };
  bankTransfers: {
    bookedOn: string;
    amount: string;
    reference: string;
    counterparty: string | null;
  }[];
  /** SEPA mandates (with the account) and the collections under them. */
  directDebit: {
    mandates: {
      reference: string;
      iban: string;
      bic: string | null;
      holder: string;
      signedOn: string;
      sequence: string;
      lastCollectedOn: string | null;
      revokedOn: string | null;
    }[];
    debits: { dueOn: string; amount: string; sequence: string; preNotification: string }[];
  };
  /** The delivery record of every assembly invitation. */
  assemblyInvitations: {
    title: string;
    startsAt: string;
    channel: string;
    address: string | null;
    status: string;
    at: string;
  }[];
  /** Payment reminders: which stage for which claim, when, whether encrypted. */
  paymentReminders: {
    stage: string;
    amount: string;
    claimDueOn: string;
    status: string;
    sentAt: string | null;
    encrypted: boolean;
  }[];
  loginLinks: { createdAt: string; expiresAt: string; usedAt: string | null }[];
  /** Keys in (or waiting for) the Web Key Directory; the key itself base64-encoded. */
  wkdKeys: {
    address: string;
    fingerprint: string;
    state: string;
    publishedAt: string | null;
    keyExpiresAt: string | null;
    key: string;
  }[];
  auditEvents: { occurredAt: string; event: string; fields: string[]; actor: string }[];
  processing: {
    activity: string;
    title: LocalizedText;
    data: string[];
    purposes: LocalizedText[];
    legalBasis: string[];
    recipients: string[];
    retention: Activity['retention'];
  }[];
}

/**
 * Builds the access report of a member and records that it was produced.
 * @throws NotFoundError `member_not_found` (also for data the viewer may not see).
 */
export async function buildAccessReport(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  actor: Actor,
  visibility: Visibility,
  memberId: string,
): Promise<AccessReport> {
  const member = await getMember(deps, visibility, memberId);
  const [account, bankRows, loginLinks, events, keys, debit, invitations, reminders] =
    await Promise.all([
      getAccount(deps, visibility, memberId),
      listBankRowsOfMember(deps.db, memberId),
      listLoginLinksOfMember(deps.db, memberId),
      listAuditForMember(deps.db, memberId),
      keysOfMember(deps, memberId),
      mandatesOfMember(deps, memberId),
      invitationsOfMember(deps, memberId),
      listSendsOfMember(deps.db, memberId),
    ]);
  const { config } = deps;
  const report: AccessReport = {
    generatedAt: deps.clock.now().toISOString(),
    controller: {
      name: config.club.name,
      address: `${config.club.address.street}, ${config.club.address.postcode} ${config.club.address.city}`,
      privacyContact: config.club.contacts.privacy,
    },
    member: {
      ...(Object.fromEntries(MEMBER_FIELDS.map((field) => [field, member[field]])) as Record<
        (typeof MEMBER_FIELDS)[number],
        string | null
      >),
      restricted: member.restrictedAt !== null,
    },
    contributions: {
      currency: config.members.currency,
      fees: account.fees.map((fee) => ({
        amount: centsToDecimal(fee.amountCents),
        intervalMonths: fee.intervalMonths,
        validFrom: fee.validFrom,
      })),
      bookings: account.bookings.map((booking) => ({
        bookedOn: booking.bookedOn,
        amount: centsToDecimal(booking.amountCents),
        reference: booking.reference,
        kind: booking.kind,
        source: booking.source,
        reversed: booking.reversed,
      })),
      due: centsToDecimal(account.duesTotalCents),
      paid: centsToDecimal(account.paidTotalCents),
      balance: centsToDecimal(account.balanceCents),
    },
    bankTransfers: bankRows.map((row) => ({
      bookedOn: row.bookedOn,
      amount: centsToDecimal(row.amountCents),
      reference: row.reference,
      counterparty: row.counterparty,
    })),
    directDebit: {
      mandates: debit.mandates.map((mandate) => ({
        reference: mandate.reference,
        iban: mandate.iban,
        bic: mandate.bic,
        holder: mandate.holder,
        signedOn: mandate.signed_on,
        sequence: mandate.sequence,
        lastCollectedOn: mandate.last_collected_on,
        revokedOn: mandate.revoked_on,
      })),
      debits: debit.debits.map((item) => ({
        dueOn: item.due_on,
        amount: centsToDecimal(item.amount_cents),
        sequence: item.sequence,
        preNotification: item.notice,
      })),
    },
    assemblyInvitations: invitations.map((row) => ({
      title: row.title,
      startsAt: row.starts_at,
      channel: row.channel,
      address: row.address,
      status: row.status,
      at: row.at,
    })),
    paymentReminders: reminders.map((send) => ({
      stage: send.stage,
      amount: centsToDecimal(send.amount_cents),
      claimDueOn: send.claim_due_on,
      status: send.status,
      sentAt: send.sent_at,
      encrypted: send.encrypted === 1,
    })),
    loginLinks,
    wkdKeys: keys.map((key) => ({
      address: key.address,
      fingerprint: key.fingerprint,
      state: key.state,
      publishedAt: key.publishedAt,
      keyExpiresAt: key.keyExpiresAt,
      key: Buffer.from(key.key).toString('base64'),
    })),
    auditEvents: events.map((event) => ({
      occurredAt: event.occurredAt,
      event: event.event,
      fields: event.fields,
      actor: event.actorType,
    })),
    processing: config.activities
      .filter((activity) => activity.subjects.includes('members'))
      .map((activity) => ({
        activity: activity.id,
        title: activity.title,
        data: activity.data,
        purposes: activity.purposes,
        legalBasis: activity.legalBasis.map((entry) => entry.basis),
        recipients: activity.recipients,
        retention: activity.retention,
      })),
  };
  await recordAudit(deps.db, deps.clock.now(), actor, {
    event: 'members.access.exported',
    memberId,
  });
  return report;
}
