import type { RetentionRule } from '../core/config/schema.ts';
import { parseDuration } from '../core/duration.ts';
import { Layout, type PageContext } from '../core/http/layout.tsx';
import {
  formatDate,
  formatDateTime,
  formatDuration,
  formatMoney,
  type Lang,
  type Translate,
} from '../core/i18n/index.ts';
import { fieldLabel, MEMBER_FIELDS, type RegistryLabels } from '../members/index.ts';
import type { AccessReport } from './access.service.ts';

/** Says one retention rule of the declaration in words. */
export function describeRetention(rule: RetentionRule, t: Translate, lang: Lang): string {
  const from = t(`retention.from.${rule.from}`);
  let how: string;
  if (rule.untilRequest) {
    how = t('retention.untilRequest');
  } else if (rule.keepCount !== undefined) {
    how = t('retention.keepCount', { count: rule.keepCount });
  } else {
    const duration = parseDuration(rule.keep ?? 'P0D');
    const zero = !duration || Object.values(duration).every((value) => value === 0);
    how = zero
      ? t('retention.immediately', { from })
      : t('retention.keep', { duration: formatDuration(duration, lang), from });
    if (rule.roundUp === 'endOfYear') how += ` ${t('retention.endOfYear')}`;
  }
  const data = rule.data ? `${rule.data.map((item) => t(`data.${item}`)).join(', ')}: ` : '';
  const basis = rule.basis ? ` (${rule.basis})` : '';
  return `${data}${how}, ${t(`retention.then.${rule.then}`)}${basis}`;
}

function amount(value: string, currency: string, lang: Lang): string {
  return formatMoney(Math.round(Number(value) * 100), currency, lang);
}

/** What every section of the access report gets. */
interface AccessSectionProps {
  page: PageContext;
  labels: RegistryLabels;
  report: AccessReport;
}

/** The registry fields as stored, and whether processing is restricted. */
function AccessRegistry(props: AccessSectionProps) {
  const { labels, report } = props;
  const { t } = props.page;
  return (
    <>
      <h2>{t('access.registry')}</h2>
      <dl class="facts">
        {MEMBER_FIELDS.map((field) => (
          <>
            <dt>{fieldLabel(t, labels, field)}</dt>
            <dd>{report.member[field] ?? '–'}</dd>
          </>
        ))}
      </dl>
      {report.member.restricted && <p>{t('access.restricted')}</p>}
    </>
  );
}

/** Balance, fees and bookings of the member's account. */
function AccessContributions(props: AccessSectionProps) {
  const { report } = props;
  const { t, lang } = props.page;
  const currency = report.contributions.currency;
  return (
    <>
      <h2>{t('contributions.title')}</h2>
      <p>
        {t('access.balance', {
          due: amount(report.contributions.due, currency, lang),
          paid: amount(report.contributions.paid, currency, lang),
          balance: amount(report.contributions.balance, currency, lang),
        })}
      </p>
      {report.contributions.fees.length > 0 && (
        <ul>
          {report.contributions.fees.map((fee) => (
            <li>
              {t('contributions.feeLine', {
                amount: amount(fee.amount, currency, lang),
                interval: t(`contributions.interval.${fee.intervalMonths}` as never),
                from: formatDate(fee.validFrom, lang),
              })}
            </li>
          ))}
        </ul>
      )}
      <table>
        <thead>
          <tr>
            <th>{t('contributions.date')}</th>
            <th>{t('contributions.amount')}</th>
            <th>{t('contributions.reference')}</th>
            <th>{t('contributions.kind')}</th>
          </tr>
        </thead>
        <tbody>
          {report.contributions.bookings.map((booking) => (
            <tr>
              <td>{formatDate(booking.bookedOn, lang)}</td>
              <td>{amount(booking.amount, currency, lang)}</td>
              <td>{booking.reference}</td>
              <td>
                {t(
                  booking.kind === 'reversal'
                    ? 'contributions.kind.reversal'
                    : 'contributions.kind.payment',
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** The bank statement rows kept about the member. */
function AccessBankTransfers(props: AccessSectionProps) {
  const { report } = props;
  const { t, lang } = props.page;
  const currency = report.contributions.currency;
  return (
    <>
      <h2>{t('access.bankTransfers')}</h2>
      <table>
        <tbody>
          {report.bankTransfers.map((row) => (
            <tr>
              <td>{formatDate(row.bookedOn, lang)}</td>
              <td>{amount(row.amount, currency, lang)}</td>
              <td>{row.reference}</td>
              <td>{row.counterparty ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** SEPA mandates and the collections under them. */
function AccessDirectDebit(props: AccessSectionProps) {
  const { report } = props;
  const { t, lang } = props.page;
  const currency = report.contributions.currency;
  return (
    <>
      <h2>{t('access.mandates')}</h2>
      <ul>
        {report.directDebit.mandates.map((mandate) => (
          <li>
            {t('access.mandate', {
              reference: mandate.reference,
              signedOn: formatDate(mandate.signedOn, lang),
              iban: mandate.iban,
              holder: mandate.holder,
              sequence: mandate.sequence,
              lastCollected: formatDate(mandate.lastCollectedOn, lang),
              revoked: formatDate(mandate.revokedOn, lang),
            })}
          </li>
        ))}
        {report.directDebit.debits.map((debit) => (
          <li>
            {t('access.debit', {
              dueOn: formatDate(debit.dueOn, lang),
              amount: amount(debit.amount, currency, lang),
              notice: debit.preNotification,
            })}
          </li>
        ))}
      </ul>
    </>
  );
}

/** The delivery records of assembly invitations. */
function AccessInvitations(props: AccessSectionProps) {
  const { t } = props.page;
  return (
    <>
      <h2>{t('access.invitations')}</h2>
      <ul>
        {props.report.assemblyInvitations.map((row) => (
          <li>
            {t('access.invitation', {
              title: row.title,
              startsAt: row.startsAt.replace('T', ' '),
              channel: row.address ? `${row.channel} ${row.address}` : row.channel,
              status: row.status,
              at: row.at,
            })}
          </li>
        ))}
      </ul>
    </>
  );
}

/** The payment reminders sent to the member. */
function AccessReminders(props: AccessSectionProps) {
  const { report } = props;
  const { t, lang } = props.page;
  const currency = report.contributions.currency;
  return (
    <>
      <h2>{t('access.paymentReminders')}</h2>
      <table>
        <tbody>
          {report.paymentReminders.map((row) => (
            <tr>
              <td>{row.sentAt ? formatDate(row.sentAt, lang) : row.status}</td>
              <td>{row.stage}</td>
              <td>{amount(row.amount, currency, lang)}</td>
              <td>{formatDate(row.claimDueOn, lang)}</td>
              <td>{row.encrypted ? 'OpenPGP' : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** The OpenPGP keys published or waiting in the web key directory. */
function AccessWkdKeys(props: AccessSectionProps) {
  const { report } = props;
  const { t } = props.page;
  return (
    <>
      <h2>{t('access.wkdKeys')}</h2>
      <ul>
        {report.wkdKeys.map((key) => (
          <li>
            {key.address}: {key.fingerprint} (
            {key.state === 'published' ? t('access.wkdPublished') : t('access.wkdPending')})
          </li>
        ))}
      </ul>
    </>
  );
}

/** The login links sent to the member, and when each was used. */
function AccessLoginLinks(props: AccessSectionProps) {
  const { labels, report } = props;
  const { t, lang } = props.page;
  return (
    <>
      <h2>{t('access.loginLinks')}</h2>
      {report.loginLinks.length === 0 ? (
        <p class="muted">{t('access.none')}</p>
      ) : (
        <ul>
          {report.loginLinks.map((link) => (
            <li>
              {formatDateTime(link.createdAt, lang, labels.timeZone)}
              {link.usedAt
                ? ` – ${t('access.linkUsed', { when: formatDateTime(link.usedAt, lang, labels.timeZone) })}`
                : ''}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** The audit events about the member (ids and field names, never values). */
function AccessEvents(props: AccessSectionProps) {
  const { labels, report } = props;
  const { t, lang } = props.page;
  return (
    <>
      <h2>{t('access.events')}</h2>
      <table>
        <tbody>
          {report.auditEvents.map((event) => (
            <tr>
              <td>{formatDateTime(event.occurredAt, lang, labels.timeZone)}</td>
              <td>{event.event}</td>
              <td>{event.fields.join(', ')}</td>
              <td>{t(`history.actor.${event.actor}` as never)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** Each processing activity: data, purposes, legal basis, recipients, retention. */
function AccessProcessing(props: AccessSectionProps) {
  const { report } = props;
  const { t, lang } = props.page;
  return (
    <>
      <h2>{t('access.processing')}</h2>
      {report.processing.map((activity) => (
        <section>
          <h3>{activity.title[lang]}</h3>
          <dl class="facts">
            <dt>{t('access.data')}</dt>
            <dd>{activity.data.map((item) => t(`data.${item}` as never)).join(', ')}</dd>
            <dt>{t('access.purposes')}</dt>
            <dd>{activity.purposes.map((purpose) => purpose[lang]).join('; ')}</dd>
            <dt>{t('access.legalBasis')}</dt>
            <dd>{activity.legalBasis.map((basis) => t(`basis.${basis}` as never)).join('; ')}</dd>
            <dt>{t('access.recipients')}</dt>
            <dd>
              {activity.recipients.length === 0
                ? t('access.none')
                : activity.recipients.map((r) => t(`recipient.${r}` as never)).join(', ')}
            </dd>
            <dt>{t('access.retention')}</dt>
            <dd>
              {activity.retention.map((rule) => (
                <div>{describeRetention(rule, t, lang)}</div>
              ))}
            </dd>
          </dl>
        </section>
      ))}
    </>
  );
}

/** The access report as a readable page; the same data as the JSON download. */
export function AccessReportView(props: {
  page: PageContext;
  labels: RegistryLabels;
  report: AccessReport;
  jsonHref: string;
}) {
  const { page, labels, report } = props;
  const { t, lang } = page;
  return (
    <Layout page={page} title={t('access.title')}>
      <h1>{t('access.title')}</h1>
      <p>
        {t('access.intro', {
          controller: report.controller.name,
          when: formatDateTime(report.generatedAt, lang, labels.timeZone),
        })}
      </p>
      <p>
        <a href={props.jsonHref} download="">
          {t('access.download')}
        </a>
      </p>
      <AccessRegistry page={page} labels={labels} report={report} />

      <AccessContributions page={page} labels={labels} report={report} />

      {report.bankTransfers.length > 0 && (
        <AccessBankTransfers page={page} labels={labels} report={report} />
      )}

      {report.directDebit.mandates.length > 0 && (
        <AccessDirectDebit page={page} labels={labels} report={report} />
      )}

      {report.assemblyInvitations.length > 0 && (
        <AccessInvitations page={page} labels={labels} report={report} />
      )}
      {report.paymentReminders.length > 0 && (
        <AccessReminders page={page} labels={labels} report={report} />
      )}

      {report.wkdKeys.length > 0 && <AccessWkdKeys page={page} labels={labels} report={report} />}

      <AccessLoginLinks page={page} labels={labels} report={report} />

      <AccessEvents page={page} labels={labels} report={report} />

      <AccessProcessing page={page} labels={labels} report={report} />
      <p>{t('access.rights', { contact: report.controller.privacyContact })}</p>
    </Layout>
  );
}

/** The member portal's start page. */
export function PortalHome(props: { page: PageContext; name: string }) {
  const { t } = props.page;
  return (
    <Layout page={props.page} title={t('portal.title')}>
      <h1>{t('portal.hello', { name: props.name })}</h1>
      <p>{t('portal.intro')}</p>
      <ul>
        <li>
          <a href="/me/data">{t('portal.viewData')}</a>
        </li>
        <li>
          <a href="/me/data.json">{t('portal.downloadData')}</a>
        </li>
        <li>
          <a href="/me/account">{t('portal.account')}</a>
        </li>
        <li>
          <a href="/me/keys">{t('portal.keys')}</a>
        </li>
      </ul>
      <p class="muted">{t('portal.correction')}</p>
    </Layout>
  );
}
