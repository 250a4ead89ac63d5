import { z } from 'zod';
import {
  CLI_ACTOR,
  listAuditForMember,
  recordAudit,
  recordAuditBatch,
  type Actor,
  type AuditEntry,
  type AuditEvent,
} from '../core/audit/index.ts';
import { localDate } from '../core/clock.ts';
import { isUniqueViolation } from '../core/db/dialect.ts';
import type { Deps } from '../core/deps.ts';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors.ts';
import type { Role } from '../core/http/context.ts';
import { newId } from '../core/ids.ts';
import { parseOrThrow } from '../core/validation.ts';
import { formatMemberCsv, parseMemberCsv, type LineIssue } from './members.csv.ts';
import {
  findMemberById,
  findMemberByNumber,
  findMembersByIds,
  insertMember,
  insertMembers,
  listAllMemberNumbers,
  listMembersForExport,
  searchMembers,
  updateMemberFields,
  type Visibility,
} from './members.repo.ts';
import {
  MEMBER_FIELDS,
  MemberInput,
  MemberStatusFilter,
  type Member,
  type MemberFields,
} from './members.schema.ts';

export { CLI_ACTOR };

/** Today's date in the club's time zone. */
export function clubToday(deps: Pick<Deps, 'clock' | 'config'>): string {
  return localDate(deps.clock.now(), deps.config.club.timeZone);
}

/** What a viewer with these roles may see: restricted data only with the treasurer role. */
export function visibilityFor(roles: readonly Role[]): Visibility {
  return { includeRestricted: roles.includes('treasurer') };
}

/** The CLI runs as a local administrator and sees everything. */
export const CLI_VISIBILITY: Visibility = { includeRestricted: true };

function memberNumberTaken(memberNumber: string): ConflictError {
  return new ConflictError(
    'member_number_taken',
    `Member number ${memberNumber} is already taken.`,
    [{ path: 'memberNumber', message: 'is already taken' }],
  );
}

/**
 * Adds a member to the registry, with its audit event, in one transaction.
 * @throws ValidationError listing every invalid field; ConflictError `member_number_taken`.
 */
export async function createMember(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: Actor,
  input: unknown,
): Promise<Member> {
  const fields = parseOrThrow(
    MemberInput,
    input,
    'member_invalid',
    'The member data is not valid.',
  );
  const id = newId();
  const at = deps.clock.now();
  try {
    await deps.db.transaction().execute(async (trx) => {
      if (await findMemberByNumber(trx, fields.memberNumber, { includeRestricted: true })) {
        throw memberNumberTaken(fields.memberNumber);
      }
      await insertMember(trx, id, fields, at.toISOString());
      await recordAudit(trx, at, actor, { event: 'members.member.created', memberId: id });
      if (fields.leftOn)
        await recordAudit(trx, at, actor, { event: 'members.membership.ended', memberId: id });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw memberNumberTaken(fields.memberNumber);
    throw error;
  }
  const member = await findMemberById(deps.db, id, { includeRestricted: true });
  if (!member) throw new Error('member vanished after insert');
  return member;
}

/**
 * Replaces a member's registry fields. Records which fields changed (names only) and, when the
 * exit date is set or cleared, that the membership ended or resumed.
 * @throws NotFoundError `member_not_found`; ValidationError; ConflictError `member_number_taken`.
 */
export async function updateMember(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: Actor,
  id: string,
  input: unknown,
): Promise<Member> {
  const fields = parseOrThrow(
    MemberInput,
    input,
    'member_invalid',
    'The member data is not valid.',
  );
  const at = deps.clock.now();
  try {
    await deps.db.transaction().execute(async (trx) => {
      const current = await findMemberById(trx, id, { includeRestricted: false });
      if (!current) throw memberNotFound();
      if (fields.memberNumber !== current.memberNumber) {
        if (await findMemberByNumber(trx, fields.memberNumber, { includeRestricted: true })) {
          throw memberNumberTaken(fields.memberNumber);
        }
      }
      const changed = MEMBER_FIELDS.filter((field) => current[field] !== fields[field]);
      if (changed.length === 0) return;
      await updateMemberFields(trx, id, fields, at.toISOString());
      await recordAudit(trx, at, actor, {
        event: 'members.member.updated',
        memberId: id,
        fields: changed,
      });
      if (!current.leftOn && fields.leftOn) {
        await recordAudit(trx, at, actor, { event: 'members.membership.ended', memberId: id });
      } else if (current.leftOn && !fields.leftOn) {
        await recordAudit(trx, at, actor, { event: 'members.membership.resumed', memberId: id });
      }
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw memberNumberTaken(fields.memberNumber);
    throw error;
  }
  return getMember(deps, { includeRestricted: false }, id);
}

function memberNotFound(): NotFoundError {
  return new NotFoundError('member_not_found', 'No such member.');
}

/** One member as the viewer may see it. @throws NotFoundError `member_not_found`. */
export async function getMember(
  deps: Pick<Deps, 'db'>,
  visibility: Visibility,
  id: string,
): Promise<Member> {
  const member = await findMemberById(deps.db, id, visibility);
  if (!member) throw memberNotFound();
  return member;
}

/** Several members by id, for lists that show whose something is. */
export function listMembersByIds(
  deps: Pick<Deps, 'db'>,
  ids: readonly string[],
): Promise<Map<string, Member>> {
  return findMembersByIds(deps.db, [...new Set(ids)]);
}

/** One member by member number. @throws NotFoundError `member_not_found`. */
export async function getMemberByNumber(
  deps: Pick<Deps, 'db'>,
  visibility: Visibility,
  memberNumber: string,
): Promise<Member> {
  const member = await findMemberByNumber(deps.db, memberNumber, visibility);
  if (!member)
    throw new NotFoundError('member_not_found', `No member with number ${memberNumber}.`);
  return member;
}

/** The history of a member: every audit event about them, oldest first. */
export function getMemberHistory(deps: Pick<Deps, 'db'>, memberId: string): Promise<AuditEvent[]> {
  return listAuditForMember(deps.db, memberId);
}

/** Records that someone with the treasurer role opened restricted data (Recital 67 GDPR). */
export async function recordRestrictedAccess(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: Actor,
  member: Member,
): Promise<void> {
  if (member.restrictedAt === null) return;
  await recordAudit(deps.db, deps.clock.now(), actor, {
    event: 'members.restricted.viewed',
    memberId: member.id,
  });
}

/** Page size of the member list. */
export const PAGE_SIZE = 50;

/** Searches the registry: words match number, name, email and city, ignoring case and accents. */
export async function listMembers(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  visibility: Visibility,
  query: { search?: string | undefined; status?: string | undefined; page?: number | undefined },
): Promise<{
  members: Member[];
  total: number;
  page: number;
  pages: number;
  status: MemberStatusFilter;
}> {
  const parsed = MemberStatusFilter.safeParse(query.status || undefined);
  let status: MemberStatusFilter = parsed.success ? parsed.data : 'active';
  if (status === 'restricted' && !visibility.includeRestricted) status = 'active';
  const page = Math.max(1, Math.floor(query.page ?? 1));
  const result = await searchMembers(deps.db, {
    search: query.search,
    status,
    today: clubToday(deps),
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
  });
  return { ...result, page, pages: Math.max(1, Math.ceil(result.total / PAGE_SIZE)), status };
}

/** The outcome of a CSV import or its dry run. */
export interface ImportReport {
  dryRun: boolean;
  /** Members that were (or, in a dry run, would be) created. */
  count: number;
  issues: LineIssue[];
}

/**
 * Imports members from CSV. Every row is checked first (format, duplicates in the file, member
 * numbers already in the registry); if any row is bad nothing is written and every bad row is
 * reported with its line. A real import writes all members and their audit events in one
 * transaction.
 * @throws ValidationError `csv_invalid` (with `issues` as `line N: column: reason`) when not a dry run.
 */
export async function importMembers(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: Actor,
  csv: string,
  options: { dryRun: boolean },
): Promise<ImportReport> {
  const { rows, issues } = parseMemberCsv(csv);
  const existing = await listAllMemberNumbers(deps.db);
  for (const row of rows) {
    if (existing.has(row.fields.memberNumber)) {
      issues.push({
        line: row.line,
        path: 'member_number',
        message: `${row.fields.memberNumber} is already taken`,
      });
    }
  }
  issues.sort((a, b) => a.line - b.line);
  if (issues.length > 0 || options.dryRun) {
    if (!options.dryRun) throw csvInvalid(issues);
    return { dryRun: true, count: issues.length > 0 ? 0 : rows.length, issues };
  }
  const at = deps.clock.now();
  const members = rows.map((row) => ({ id: newId(), fields: row.fields }));
  try {
    await deps.db.transaction().execute(async (trx) => {
      await insertMembers(trx, members, at.toISOString());
      const events: AuditEntry[] = members.flatMap((member) => [
        { event: 'members.member.created', memberId: member.id },
        ...(member.fields.leftOn
          ? [{ event: 'members.membership.ended', memberId: member.id }]
          : []),
      ]);
      events.push({ event: 'members.csv.imported' });
      await recordAuditBatch(trx, at, actor, events);
    });
  } catch (error) {
    // Another import or a form added one of these numbers since the check.
    if (isUniqueViolation(error)) {
      throw new ConflictError(
        'member_number_taken',
        'A member number of the file was taken meanwhile; nothing was imported.',
      );
    }
    throw error;
  }
  return { dryRun: false, count: members.length, issues: [] };
}

function csvInvalid(issues: readonly LineIssue[]): ValidationError {
  return new ValidationError(
    'csv_invalid',
    `The file has ${issues.length} problem${issues.length === 1 ? '' : 's'}; nothing was imported.`,
    issues.map((issue) => ({
      path: `line ${issue.line}${issue.path ? `: ${issue.path}` : ''}`,
      message: issue.message,
    })),
  );
}

/**
 * The registry as CSV (never restricted members), and an audit event that an export happened.
 */
export async function exportMembers(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  actor: Actor,
  status: string | undefined,
): Promise<string> {
  const parsed = z.enum(['active', 'left', 'all']).safeParse(status || 'all');
  if (!parsed.success) {
    throw new ValidationError('status_invalid', 'status must be active, left or all.', [
      { path: 'status', message: 'expected one of: active, left, all' },
    ]);
  }
  const members = await listMembersForExport(deps.db, parsed.data, clubToday(deps));
  await recordAudit(deps.db, deps.clock.now(), actor, { event: 'members.csv.exported' });
  return formatMemberCsv(members);
}

/** Whether a member's membership has ended by `today`. */
export function hasLeft(member: Pick<MemberFields, 'leftOn'>, today: string): boolean {
  return member.leftOn !== null && member.leftOn <= today;
}
