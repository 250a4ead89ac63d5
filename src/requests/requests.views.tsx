import { CsrfField, Flash, Layout, Notices, type PageContext } from '../core/http/layout.tsx';
import { formatDate, formatDateTime } from '../core/i18n/index.ts';
import { REQUEST_KINDS, type LedgerRequest } from './requests.types.ts';

/** How near a request's deadline is: shown as a mark in the list and on the request. */
export type Urgency = 'overdue' | 'soon' | 'paused' | null;

/** A request with how near its deadline is (days left from today, club time zone). */
export interface RequestRow {
  request: LedgerRequest;
  daysLeft: number;
  urgency: Urgency;
}

function UrgencyMark(props: { urgency: Urgency; page: PageContext }) {
  const { t } = props.page;
  if (props.urgency === 'overdue')
    return <strong class="overdue"> {t('requests.admin.overdue')}</strong>;
  if (props.urgency === 'soon')
    return <strong class="due-soon"> {t('requests.admin.dueSoon')}</strong>;
  if (props.urgency === 'paused') return <span class="muted"> {t('requests.admin.paused')}</span>;
  return null;
}

function KindSelect(props: { page: PageContext; selected?: string; name?: string }) {
  return (
    <select name={props.name ?? 'kind'} required>
      {REQUEST_KINDS.map((kind) => (
        <option value={kind} selected={kind === props.selected}>
          {props.page.t(`requests.kind.${kind}`)}
        </option>
      ))}
    </select>
  );
}

/** The board's list of requests with due dates and state, and the form to record one. */
export function RequestListPage(props: {
  page: PageContext;
  rows: RequestRow[];
  all: boolean;
  timeZone: string;
  issues?: readonly { path: string; message: string }[] | undefined;
}) {
  const { page } = props;
  const { t, lang } = page;
  return (
    <Layout page={page} title={t('requests.admin.title')}>
      <h1>{t('requests.admin.title')}</h1>
      <p>{t('requests.admin.intro')}</p>
      <Notices issues={props.issues} />
      {props.rows.length === 0 ? (
        <p>{t('requests.admin.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('requests.admin.received')}</th>
              <th>{t('requests.admin.kind')}</th>
              <th>{t('requests.admin.channel')}</th>
              <th>{t('requests.admin.state')}</th>
              <th>{t('requests.admin.due')}</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map(({ request, urgency }) => (
              <tr>
                <td>
                  <a href={`/admin/requests/${request.id}`}>
                    {formatDateTime(request.receivedAt, lang, props.timeZone)}
                  </a>
                </td>
                <td>{t(`requests.kind.${request.kind}`)}</td>
                <td>{t(`requests.channel.${request.channel}`)}</td>
                <td>{t(`requests.state.${request.state}`)}</td>
                <td>
                  {formatDate(request.dueOn, lang)}
                  <UrgencyMark urgency={urgency} page={page} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        {props.all ? (
          <a href="/admin/requests">{t('requests.admin.openOnly')}</a>
        ) : (
          <a href="/admin/requests?all=1">{t('requests.admin.all')}</a>
        )}
      </p>
      <h2>{t('requests.admin.record')}</h2>
      <form method="post" action="/admin/requests">
        <CsrfField token={page.csrfToken} />
        <label>
          {t('requests.admin.kind')} <KindSelect page={page} />
        </label>
        <label>
          {t('requests.admin.memberNumber')} <input name="memberNumber" />
        </label>
        <label>
          {t('requests.admin.receivedOn')} <input name="receivedOn" type="date" required />
        </label>
        <label>
          {t('requests.admin.how')} <input name="how" required />
        </label>
        <label>
          {t('requests.admin.lang')}{' '}
          <select name="lang">
            <option value="de">Deutsch</option>
            <option value="en">English</option>
          </select>
        </label>
        <label>
          {t('requests.admin.replyTo')} <input name="replyTo" type="email" />
        </label>
        <button type="submit">{t('requests.admin.save')}</button>
      </form>
    </Layout>
  );
}

/** One request: its facts, the mail as it arrived, and the board's actions while it is open. */
export function RequestPage(props: {
  page: PageContext;
  row: RequestRow;
  mail: string | null;
  timeZone: string;
  notice?: string | undefined;
  issues?: readonly { path: string; message: string }[] | undefined;
}) {
  const { page } = props;
  const { t, lang } = page;
  const { request } = props.row;
  const open = request.closedAt === null;
  const base = `/admin/requests/${request.id}`;
  const fact = (label: string, value: string | null) =>
    value === null || value === '' ? null : (
      <>
        <dt>{label}</dt>
        <dd>{value}</dd>
      </>
    );
  return (
    <Layout page={page} title={t('requests.admin.title')}>
      <h1>
        {t(`requests.kind.${request.kind}`)} – {t(`requests.state.${request.state}`)}
      </h1>
      <Notices notice={props.notice} issues={props.issues} />
      <dl class="facts">
        {fact(
          t('requests.admin.received'),
          formatDateTime(request.receivedAt, lang, props.timeZone),
        )}
        {fact(t('requests.admin.channel'), t(`requests.channel.${request.channel}`))}
        {fact(t('requests.admin.identity'), t(`requests.identity.${request.identity}`))}
        {fact(t('requests.admin.member'), request.memberId)}
        {fact(t('requests.admin.verifiedHow'), request.verifiedHow)}
        <dt>{t('requests.admin.due')}</dt>
        <dd>
          {formatDate(request.dueOn, lang)}
          <UrgencyMark urgency={props.row.urgency} page={page} />
        </dd>
        {fact(t('requests.admin.extension'), request.extensionReason)}
        {fact(t('requests.admin.outcome'), request.outcome)}
      </dl>
      {request.channel === 'mail' && (
        <>
          <h2>{t('requests.admin.mail')}</h2>
          {props.mail === null ? (
            <p class="muted">{t('requests.admin.mailGone')}</p>
          ) : (
            <pre class="mail">{props.mail}</pre>
          )}
        </>
      )}
      {open && (
        <>
          {request.state === 'open' ? (
            <form method="post" action={`${base}/approve`}>
              <CsrfField token={page.csrfToken} />
              <h2>{t('requests.admin.approve')}</h2>
              {request.kind === 'account.create' && (
                <label>
                  {t('requests.admin.username')}{' '}
                  <input name="username" value={request.username ?? ''} />
                </label>
              )}
              {['rectification', 'objection', 'other'].includes(request.kind) && (
                <label>
                  {t('requests.admin.note')} <textarea name="note" required></textarea>
                </label>
              )}
              <button type="submit">{t('requests.admin.approve')}</button>
            </form>
          ) : (
            <form method="post" action={`${base}/verify`}>
              <CsrfField token={page.csrfToken} />
              <h2>{t('requests.admin.verify')}</h2>
              <label>
                {t('requests.admin.how')} <input name="how" required />
              </label>
              <label>
                {t('requests.admin.memberNumber')} <input name="memberNumber" />
              </label>
              <button type="submit">{t('requests.admin.verify')}</button>
            </form>
          )}
          {request.extendedDueOn === null && (
            <form method="post" action={`${base}/extend`}>
              <CsrfField token={page.csrfToken} />
              <h2>{t('requests.admin.extend')}</h2>
              <label>
                {t('requests.admin.reason')} <textarea name="reason" required></textarea>
              </label>
              <button type="submit" class="secondary">
                {t('requests.admin.extend')}
              </button>
            </form>
          )}
          <form method="post" action={`${base}/kind`}>
            <CsrfField token={page.csrfToken} />
            <h2>{t('requests.admin.changeKind')}</h2>
            <KindSelect page={page} selected={request.kind} />
            <button type="submit" class="secondary">
              {t('requests.admin.changeKind')}
            </button>
          </form>
          <form method="post" action={`${base}/deny`}>
            <CsrfField token={page.csrfToken} />
            <h2>{t('requests.admin.deny')}</h2>
            <label>
              {t('requests.admin.reason')} <textarea name="reason" required></textarea>
            </label>
            <button type="submit" class="secondary">
              {t('requests.admin.deny')}
            </button>
          </form>
        </>
      )}
    </Layout>
  );
}

/**
 * The public confirmation page of a mailed link: a button that POSTs, so a mail scanner
 * following the link confirms nothing.
 */
export function ConfirmPage(props: {
  page: PageContext;
  token: string;
  state: 'ask' | 'invalid' | { due: string };
}) {
  const { t, lang } = props.page;
  return (
    <Layout page={props.page} title={t('requests.confirm.title')}>
      <h1>{t('requests.confirm.title')}</h1>
      {props.state === 'ask' ? (
        <form method="post" action={`/requests/confirm/${props.token}`}>
          <CsrfField token={props.page.csrfToken} />
          <p>{t('requests.confirm.intro')}</p>
          <button type="submit">{t('requests.confirm.button')}</button>
        </form>
      ) : props.state === 'invalid' ? (
        <Flash kind="error">{t('requests.confirm.invalid')}</Flash>
      ) : (
        <Flash>{t('requests.confirm.done', { due: formatDate(props.state.due, lang) })}</Flash>
      )}
    </Layout>
  );
}
