import type { AuditEvent } from '../core/audit/index.ts';
import { CsrfField, Flash, IssueList, Layout, type PageContext } from '../core/http/layout.tsx';
import { hasRole } from '../core/http/context.ts';
import { formatDate, formatDateTime, formatMoney, type Translate } from '../core/i18n/index.ts';
import type { FieldIssue } from '../core/errors.ts';
import type { Account } from './contributions.service.ts';
import type { LineIssue } from './members.csv.ts';
import {
  MEMBER_FIELDS,
  type Member,
  type MemberField,
  type MemberStatusFilter,
} from './members.schema.ts';

/** Per-club settings the member views show. */
export interface RegistryLabels {
  numberLabel: string;
  currency: string;
  timeZone: string;
}

/** The label of a registry field; the member number uses the club's own name for it. */
export function fieldLabel(t: Translate, labels: RegistryLabels, field: MemberField): string {
  return field === 'memberNumber' ? labels.numberLabel : t(`field.${field}`);
}

function Money(props: { cents: number; currency: string; page: PageContext }) {
  return (
    <span class={props.cents < 0 ? 'amount-negative' : undefined}>
      {formatMoney(props.cents, props.currency, props.page.lang)}
    </span>
  );
}

function StatusBadge(props: { member: Member; today: string; page: PageContext }) {
  const { member, today } = props;
  const { t, lang } = props.page;
  if (member.restrictedAt) return <span class="badge warn">{t('members.status.restricted')}</span>;
  if (member.leftOn && member.leftOn <= today)
    return <span class="badge">{t('members.status.left')}</span>;
  if (member.leftOn)
    return (
      <span class="badge">
        {t('members.status.leaving', { date: formatDate(member.leftOn, lang) })}
      </span>
    );
  return <span class="badge">{t('members.status.active')}</span>;
}

/** The member list with search, status filter and paging. */
export function MemberListPage(props: {
  page: PageContext;
  labels: RegistryLabels;
  members: Member[];
  balances: Map<string, { balanceCents: number; hasFee: boolean }>;
  search: string;
  status: MemberStatusFilter;
  total: number;
  pageNumber: number;
  pages: number;
  today: string;
}) {
  const { page, labels } = props;
  const { t } = page;
  const canEdit = hasRole(page.session, 'board');
  const canSeeRestricted = hasRole(page.session, 'treasurer');
  const link = (pageNumber: number) =>
    `/admin/members?${new URLSearchParams({ q: props.search, status: props.status, page: String(pageNumber) }).toString()}`;
  const statuses: MemberStatusFilter[] = canSeeRestricted
    ? ['active', 'left', 'all', 'restricted']
    : ['active', 'left', 'all'];
  return (
    <Layout page={page} title={t('members.title')}>
      <h1>{t('members.title')}</h1>
      <p>
        {canEdit && <a href="/admin/members/new">{t('members.new')}</a>}
        {canEdit && ' · '}
        {canEdit && <a href="/admin/members/import">{t('members.import')}</a>}
        {canEdit && ' · '}
        <a
          href={`/admin/members/export.csv?status=${props.status === 'restricted' ? 'all' : props.status}`}
        >
          {t('members.export')}
        </a>
      </p>
      <form method="get" action="/admin/members" role="search">
        <fieldset role="group">
          <input
            name="q"
            type="search"
            value={props.search}
            placeholder={t('members.searchPlaceholder')}
            aria-label={t('members.search')}
          />
          <select name="status" aria-label={t('members.filter')}>
            {statuses.map((status) => (
              <option value={status} selected={status === props.status}>
                {t(`members.filter.${status}`)}
              </option>
            ))}
          </select>
          <button type="submit">{t('members.search')}</button>
        </fieldset>
      </form>
      <p class="muted">{t('members.count', { count: props.total })}</p>
      <table>
        <thead>
          <tr>
            <th>{labels.numberLabel}</th>
            <th>{t('members.name')}</th>
            <th>{t('field.city')}</th>
            <th>{t('field.joinedOn')}</th>
            <th>{t('members.status')}</th>
            <th>{t('contributions.balance')}</th>
          </tr>
        </thead>
        <tbody>
          {props.members.map((member) => {
            const balance = props.balances.get(member.id);
            return (
              <tr>
                <td>{member.memberNumber}</td>
                <td>
                  <a href={`/admin/members/${member.id}`}>
                    {member.lastName}, {member.firstName}
                  </a>
                </td>
                <td>{member.city ?? ''}</td>
                <td>{formatDate(member.joinedOn, page.lang)}</td>
                <td>
                  <StatusBadge member={member} today={props.today} page={page} />
                </td>
                <td>
                  {balance?.hasFee || balance?.balanceCents ? (
                    <Money cents={balance.balanceCents} currency={labels.currency} page={page} />
                  ) : (
                    '–'
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <nav class="pager" aria-label={t('members.pages')}>
        {props.pageNumber > 1 && <a href={link(props.pageNumber - 1)}>{t('members.previous')}</a>}
        <span>{t('members.pageOf', { page: props.pageNumber, pages: props.pages })}</span>
        {props.pageNumber < props.pages && (
          <a href={link(props.pageNumber + 1)}>{t('members.next')}</a>
        )}
      </nav>
    </Layout>
  );
}

/** Form values as strings, for re-showing what was typed. */
export type MemberFormValues = Partial<Record<MemberField, string>>;

/** The values of a member for its edit form. */
export function formValuesOf(member: Member): MemberFormValues {
  return Object.fromEntries(MEMBER_FIELDS.map((field) => [field, member[field] ?? '']));
}

const INPUT_TYPES: Partial<Record<MemberField, string>> = {
  birthDate: 'date',
  joinedOn: 'date',
  leftOn: 'date',
  email: 'email',
  phone: 'tel',
};
const REQUIRED: readonly MemberField[] = ['memberNumber', 'firstName', 'lastName', 'joinedOn'];

/** Create and edit form of a member. */
export function MemberFormPage(props: {
  page: PageContext;
  labels: RegistryLabels;
  action: string;
  title: string;
  values: MemberFormValues;
  issues: readonly FieldIssue[];
  cancel: string;
}) {
  const { page, labels } = props;
  const { t } = page;
  const issueFor = (field: MemberField) =>
    props.issues.find((issue) => issue.path === field)?.message;
  return (
    <Layout page={page} title={props.title}>
      <h1>{props.title}</h1>
      {props.issues.length > 0 && <Flash kind="error">{t('form.hasProblems')}</Flash>}
      <IssueList
        issues={props.issues.filter(
          (issue) => !(MEMBER_FIELDS as readonly string[]).includes(issue.path),
        )}
      />
      <form method="post" action={props.action}>
        <CsrfField token={page.csrfToken} />
        {MEMBER_FIELDS.map((field) => {
          const problem = issueFor(field);
          return (
            <label>
              {fieldLabel(t, labels, field)}
              {REQUIRED.includes(field) ? ' *' : ''}
              <input
                name={field}
                type={INPUT_TYPES[field] ?? 'text'}
                value={props.values[field] ?? ''}
                required={REQUIRED.includes(field)}
                aria-invalid={problem ? 'true' : undefined}
                aria-describedby={problem ? `${field}-problem` : undefined}
              />
              {problem && <small id={`${field}-problem`}>{problem}</small>}
            </label>
          );
        })}
        <p class="muted">{t('form.required')}</p>
        <button type="submit">{t('form.save')}</button>{' '}
        <a href={props.cancel}>{t('form.cancel')}</a>
      </form>
    </Layout>
  );
}

function eventLabel(t: Translate, event: string): string {
  const key = `event.${event}`;
  return t.has(key) ? t(key) : event;
}

/** The detail page: registry data, contributions, history. */
export function MemberDetailPage(props: {
  page: PageContext;
  labels: RegistryLabels;
  member: Member;
  account: Account;
  history: AuditEvent[];
  today: string;
  notice?: string | undefined;
  issues?: readonly FieldIssue[];
}) {
  const { page, labels, member, account } = props;
  const { t, lang } = page;
  const canEdit = hasRole(page.session, 'board') && !member.restrictedAt;
  const canBook = hasRole(page.session, 'board', 'treasurer');
  return (
    <Layout page={page} title={`${member.firstName} ${member.lastName}`}>
      <h1>
        {member.firstName} {member.lastName}{' '}
        <StatusBadge member={member} today={props.today} page={page} />
      </h1>
      {props.notice && <Flash>{props.notice}</Flash>}
      {props.issues && props.issues.length > 0 && (
        <Flash kind="error">
          <IssueList issues={props.issues} />
        </Flash>
      )}
      {member.restrictedAt && <Flash kind="error">{t('members.restrictedNotice')}</Flash>}
      <p>
        {canEdit && <a href={`/admin/members/${member.id}/edit`}>{t('members.edit')}</a>}
        {canEdit && ' · '}
        <a href={`/admin/members/${member.id}/access`}>{t('access.title')}</a>
        {member.leftOn && member.leftOn <= props.today && ' · '}
        {member.leftOn && member.leftOn <= props.today && (
          <a href={`/admin/erasures/${member.id}`}>{t('erasure.title')}</a>
        )}
      </p>
      <dl class="facts">
        {MEMBER_FIELDS.map((field) => {
          const value = member[field];
          const shown =
            value && (field === 'birthDate' || field === 'joinedOn' || field === 'leftOn')
              ? formatDate(value, lang)
              : value;
          return (
            <>
              <dt>{fieldLabel(t, labels, field)}</dt>
              <dd>{shown ?? '–'}</dd>
            </>
          );
        })}
      </dl>

      <h2>{t('contributions.title')}</h2>
      <dl class="facts">
        <dt>{t('contributions.fee')}</dt>
        <dd>
          {account.fees.length === 0
            ? t('contributions.noFee')
            : account.fees.map((fee) => (
                <div>
                  {t('contributions.feeLine', {
                    amount: formatMoney(fee.amountCents, labels.currency, lang),
                    interval: t(`contributions.interval.${fee.intervalMonths}` as never),
                    from: formatDate(fee.validFrom, lang),
                  })}
                </div>
              ))}
        </dd>
        <dt>{t('contributions.due')}</dt>
        <dd>
          <Money cents={account.duesTotalCents} currency={labels.currency} page={page} /> (
          {t('contributions.dueCount', { count: account.dues.length })})
        </dd>
        <dt>{t('contributions.paid')}</dt>
        <dd>
          <Money cents={account.paidTotalCents} currency={labels.currency} page={page} />
        </dd>
        <dt>{t('contributions.balance')}</dt>
        <dd>
          <Money cents={account.balanceCents} currency={labels.currency} page={page} />
          {account.arrearsCents > 0 && (
            <>
              {' '}
              <span class="badge warn">
                {t('contributions.arrears', {
                  amount: formatMoney(account.arrearsCents, labels.currency, lang),
                })}
              </span>
            </>
          )}
        </dd>
      </dl>
      <table>
        <thead>
          <tr>
            <th>{t('contributions.date')}</th>
            <th>{t('contributions.amount')}</th>
            <th>{t('contributions.reference')}</th>
            <th>{t('contributions.kind')}</th>
            {canBook && <th></th>}
          </tr>
        </thead>
        <tbody>
          {account.bookings.map((booking) => (
            <tr>
              <td>{formatDate(booking.bookedOn, lang)}</td>
              <td>
                <Money cents={booking.amountCents} currency={labels.currency} page={page} />
              </td>
              <td>{booking.reference}</td>
              <td>
                {t(
                  booking.kind === 'reversal'
                    ? 'contributions.kind.reversal'
                    : 'contributions.kind.payment',
                )}
                {booking.source === 'bank-import' ? ` (${t('contributions.source.bank')})` : ''}
                {booking.reversed && (
                  <>
                    {' '}
                    <span class="badge">{t('contributions.reversed')}</span>
                  </>
                )}
              </td>
              {canBook && (
                <td>
                  {booking.kind === 'payment' && !booking.reversed && (
                    <form
                      method="post"
                      action={`/admin/bookings/${booking.id}/reverse`}
                      class="inline"
                    >
                      <CsrfField token={page.csrfToken} />
                      <input type="hidden" name="memberId" value={member.id} />
                      <button type="submit" class="secondary">
                        {t('contributions.reverse')}
                      </button>
                    </form>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {canBook && !member.restrictedAt && (
        <div class="grid">
          <form method="post" action={`/admin/members/${member.id}/payments`}>
            <h3>{t('contributions.bookPayment')}</h3>
            <CsrfField token={page.csrfToken} />
            <label>
              {t('contributions.date')}
              <input type="date" name="bookedOn" value={props.today} required />
            </label>
            <label>
              {t('contributions.amount')}
              <input name="amount" inputmode="decimal" placeholder="5,00" required />
            </label>
            <label>
              {t('contributions.reference')}
              <input name="reference" required />
            </label>
            <button type="submit">{t('contributions.book')}</button>
          </form>
          <form method="post" action={`/admin/members/${member.id}/fee`}>
            <h3>{t('contributions.setFee')}</h3>
            <CsrfField token={page.csrfToken} />
            <label>
              {t('contributions.amount')}
              <input name="amount" inputmode="decimal" placeholder="5,00" required />
            </label>
            <label>
              {t('contributions.interval')}
              <select name="intervalMonths">
                {[1, 3, 6, 12].map((months) => (
                  <option value={String(months)}>
                    {t(`contributions.interval.${months}` as never)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('contributions.validFrom')}
              <input
                type="date"
                name="validFrom"
                value={member.joinedOn > props.today ? member.joinedOn : props.today}
                required
              />
            </label>
            <button type="submit">{t('contributions.saveFee')}</button>
          </form>
        </div>
      )}

      <h2>{t('members.history')}</h2>
      <table>
        <thead>
          <tr>
            <th>{t('history.when')}</th>
            <th>{t('history.what')}</th>
            <th>{t('history.fields')}</th>
            <th>{t('history.who')}</th>
          </tr>
        </thead>
        <tbody>
          {props.history.map((event) => (
            <tr>
              <td>{formatDateTime(event.occurredAt, lang, labels.timeZone)}</td>
              <td>{eventLabel(t, event.event)}</td>
              <td>
                {event.fields
                  .map((field) => fieldLabel(t, labels, field as MemberField))
                  .join(', ')}
              </td>
              <td>{t(`history.actor.${event.actorType}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}

/** Upload form and dry-run report of the member CSV import. */
/**
 * The most rows an import preview lists: the counts say how many there are, a table of all of
 * them (100,000 problems) would be megabytes of HTML that nobody reads.
 */
export const PREVIEW_ROWS = 100;

export function MemberImportPage(props: {
  page: PageContext;
  report?: { count: number; issues: LineIssue[]; csv: string; fileName: string } | undefined;
  imported?: number | undefined;
}) {
  const { page, report } = props;
  const { t } = page;
  return (
    <Layout page={page} title={t('import.title')}>
      <h1>{t('import.title')}</h1>
      {props.imported !== undefined && <Flash>{t('import.done', { count: props.imported })}</Flash>}
      <p>{t('import.format')}</p>
      <pre>
        <code>
          member_number,first_name,last_name,birth_date,street,postcode,city,email,phone,openpgp_fingerprint,joined_on,left_on
        </code>
      </pre>
      {report && report.issues.length > 0 && (
        <>
          <Flash kind="error">{t('import.problems', { count: report.issues.length })}</Flash>
          <table>
            <thead>
              <tr>
                <th>{t('import.line')}</th>
                <th>{t('import.column')}</th>
                <th>{t('import.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {report.issues.slice(0, PREVIEW_ROWS).map((issue) => (
                <tr>
                  <td>{issue.line}</td>
                  <td>{issue.path}</td>
                  <td>{issue.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {report.issues.length > PREVIEW_ROWS && (
            <p class="muted">
              {t('import.moreProblems', { shown: PREVIEW_ROWS, count: report.issues.length })}
            </p>
          )}
        </>
      )}
      {report && report.issues.length === 0 && (
        <form method="post" action="/admin/members/import/commit">
          <CsrfField token={page.csrfToken} />
          <input type="hidden" name="fileName" value={report.fileName} />
          <textarea name="csv" hidden>
            {report.csv}
          </textarea>
          <Flash>{t('import.ready', { count: report.count })}</Flash>
          <button type="submit">{t('import.commit', { count: report.count })}</button>
        </form>
      )}
      <form method="post" action="/admin/members/import" enctype="multipart/form-data">
        <CsrfField token={page.csrfToken} />
        <label>
          {t('import.file')}
          <input type="file" name="file" accept=".csv,text/csv" required />
        </label>
        <button type="submit">{t('import.check')}</button>
      </form>
    </Layout>
  );
}
