import { Hono } from 'hono';
import type { Deps } from '../core/deps.ts';
import type { FieldIssue } from '../core/errors.ts';
import { pageContext, sendPage } from '../core/http/app.tsx';
import { actorOf, sessionOf, type AppContext, type AppEnv } from '../core/http/context.ts';
import { formProblems, formText } from '../core/http/forms.ts';
import { requireRole } from '../core/http/guard.ts';
import { CsrfField, Layout, Notices, type PageContext } from '../core/http/layout.tsx';
import { formatDate, formatMoney } from '../core/i18n/index.ts';
import { newToken } from '../core/ids.ts';
import { bankDetailsDeclared, requireBankDetails } from './sepa.gate.ts';
import { MANDATE_FIELDS } from './sepa.schema.ts';
import {
  addMandate,
  collectionFile,
  earliestDueDate,
  listCollectionRuns,
  listMandates,
  preNotificationProgress,
  revokeMandate,
  startCollection,
  startPreNotificationRun,
  type CollectionView,
  type MandateView,
  type PreNotificationProgress,
} from './sepa.service.ts';

type MandateValues = Record<(typeof MANDATE_FIELDS)[number], string>;
const EMPTY: MandateValues = {
  memberNumber: '',
  holder: '',
  iban: '',
  bic: '',
  reference: '',
  signedOn: '',
  sequence: 'FRST',
};

function MandateTable(props: { page: PageContext; mandates: MandateView[] }) {
  const { t, lang } = props.page;
  if (props.mandates.length === 0) return <p>{t('sepa.none')}</p>;
  return (
    <table>
      <thead>
        <tr>
          <th>{t('sepa.member')}</th>
          <th>{t('sepa.reference')}</th>
          <th>{t('sepa.iban')}</th>
          <th>{t('sepa.signedOn')}</th>
          <th>{t('sepa.sequence')}</th>
          <th>{t('sepa.lastCollected')}</th>
          <th>{t('sepa.lapsesOn')}</th>
          <th>{t('sepa.status')}</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        {props.mandates.map((mandate) => (
          <tr>
            <td>
              {mandate.member_number} {mandate.first_name} {mandate.last_name}
            </td>
            <td>{mandate.reference}</td>
            <td>
              {mandate.iban}
              {mandate.bic ? ` (${mandate.bic})` : ''}
            </td>
            <td>{formatDate(mandate.signed_on, lang)}</td>
            <td>{mandate.sequence}</td>
            <td>{formatDate(mandate.last_collected_on, lang)}</td>
            <td>{formatDate(mandate.lapsesOn, lang)}</td>
            <td>{t(`sepa.status.${mandate.status}`)}</td>
            <td>
              {mandate.status === 'active' && (
                <form method="post" action={`/admin/sepa/mandates/${mandate.id}/revoke`}>
                  <CsrfField token={props.page.csrfToken} />
                  <button type="submit" class="secondary">
                    {t('sepa.revoke')}
                  </button>
                </form>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function MandateForm(props: { page: PageContext; values: MandateValues }) {
  const { t } = props.page;
  const v = props.values;
  const field = (name: keyof MandateValues, label: string, extra: Record<string, unknown> = {}) => (
    <label>
      {label}
      <input name={name} value={v[name]} {...extra} />
    </label>
  );
  return (
    <form method="post" action="/admin/sepa/mandates">
      <CsrfField token={props.page.csrfToken} />
      {field('memberNumber', t('sepa.memberNumber'), { required: true })}
      {field('holder', t('sepa.holder'), { required: true, maxlength: 70 })}
      {field('iban', t('sepa.iban'), { required: true, maxlength: 42, autocomplete: 'off' })}
      {field('bic', t('sepa.bic'), { maxlength: 11, autocomplete: 'off' })}
      {field('reference', t('sepa.reference'), { required: true, maxlength: 35 })}
      {field('signedOn', t('sepa.signedOn'), { required: true, type: 'date' })}
      <fieldset>
        <legend>{t('sepa.sequence')}</legend>
        {(['FRST', 'RCUR'] as const).map((sequence) => (
          <label>
            <input
              type="radio"
              name="sequence"
              value={sequence}
              checked={v.sequence === sequence}
            />{' '}
            {t(`sepa.sequence.${sequence}`)}
          </label>
        ))}
      </fieldset>
      <button type="submit">{t('sepa.add')}</button>
    </form>
  );
}

function CollectionList(props: { page: PageContext; runs: CollectionView[]; currency: string }) {
  const { t, lang } = props.page;
  if (props.runs.length === 0) return <p>{t('sepa.collections.none')}</p>;
  return (
    <>
      {props.runs.map((run) => (
        <details open={run.exported_at === null}>
          <summary>
            {formatDate(run.due_on, lang)} ·{' '}
            {t('sepa.debits', {
              count: run.items.length,
              total: formatMoney(
                run.items.reduce((sum, item) => sum + item.amount_cents, 0),
                props.currency,
                lang,
              ),
            })}
            {run.exported_at ? ` · ${t('sepa.exported')}` : ''}
          </summary>
          <table>
            <thead>
              <tr>
                <th>{t('sepa.member')}</th>
                <th>{t('sepa.amount')}</th>
                <th>{t('sepa.sequence')}</th>
                <th>{t('sepa.notice')}</th>
              </tr>
            </thead>
            <tbody>
              {run.items.map((item) => (
                <tr>
                  <td>
                    {item.memberNumber} {item.name}
                  </td>
                  <td>{formatMoney(item.amount_cents, props.currency, lang)}</td>
                  <td>{item.sequence}</td>
                  <td>{t(`sepa.notice.${item.notice}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            <a href={`/admin/sepa/collections/${run.id}/pain.008.xml`}>{t('sepa.file')}</a> ·{' '}
            <a href={`/admin/sepa/collections/${run.id}/progress`}>{t('sepa.run.title')}</a>
          </p>
          {run.items.some((item) => item.notice === 'failed' || item.notice === 'pending') && (
            <form method="post" action={`/admin/sepa/collections/${run.id}/notify`}>
              <CsrfField token={props.page.csrfToken} />
              <button type="submit" class="secondary">
                {t('sepa.retry')}
              </button>
            </form>
          )}
        </details>
      ))}
    </>
  );
}

/**
 * The progress line of a collection's pre-notifications; reloads itself every two seconds (no
 * script) while a run mails. Once done: who has no address and who was not reached (both left
 * out of the file until told).
 */
function ProgressPage(props: { page: PageContext; progress: PreNotificationProgress }) {
  const { t, lang } = props.page;
  const { collection, running, total, told, noAddress, failed, open } = props.progress;
  const named = (notice: string) =>
    collection.items
      .filter((item) => item.notice === notice)
      .map((item) => (
        <li>
          {item.memberNumber} {item.name}
        </li>
      ));
  return (
    <Layout page={props.page} title={t('sepa.run.title')} refreshSeconds={running ? 2 : undefined}>
      <h1>{t('sepa.run.title')}</h1>
      <p>
        {t('sepa.dueOn')}: {formatDate(collection.due_on, lang)}
      </p>
      <progress value={String(total - open)} max={String(Math.max(1, total))} />
      <p role="status">
        {t('sepa.run.progress', { told, total, noAddress, failed, open })}{' '}
        {t(running ? 'sepa.run.running' : 'sepa.run.done')}
      </p>
      {!running && noAddress > 0 && (
        <>
          <h2>{t('sepa.notice.noAddress')}</h2>
          <ul>{named('noAddress')}</ul>
        </>
      )}
      {!running && failed > 0 && (
        <>
          <h2>{t('sepa.notice.failed')}</h2>
          <ul>{named('failed')}</ul>
          <form method="post" action={`/admin/sepa/collections/${collection.id}/notify`}>
            <CsrfField token={props.page.csrfToken} />
            <button type="submit" class="secondary">
              {t('sepa.retry')}
            </button>
          </form>
        </>
      )}
      <p>
        <a href={`/admin/sepa/collections/${collection.id}/pain.008.xml`}>{t('sepa.file')}</a> ·{' '}
        <a href="/admin/sepa">{t('sepa.run.back')}</a>
      </p>
    </Layout>
  );
}

/**
 * The board's direct debit pages (`/admin/sepa`): mandates (list, new, revoke), collection
 * runs (announce with pre-notification, the pain.008 file). Board and treasurer only. When
 * the declaration lists no bank details the page says so and has no form, and every action
 * answers 403 `bank_details_not_declared` (sepa.gate.ts).
 */
export function sepaRoutes(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const board = requireRole('board', 'treasurer');
  const gate = requireBankDetails.bind(null, deps.config);
  const currency = deps.config.members.currency;

  const overview = async (
    c: AppContext,
    extra: { values?: MandateValues; notice?: string; issues?: readonly FieldIssue[] } = {},
    status: 200 | 422 = 200,
  ) => {
    const page = pageContext(c);
    const { t } = page;
    const debit = deps.config.members.directDebit;
    if (!bankDetailsDeclared(deps.config) || !debit)
      return sendPage(
        c,
        <Layout page={page} title={t('sepa.title')}>
          <h1>{t('sepa.title')}</h1>
          <p>{t('sepa.notDeclared')}</p>
        </Layout>,
      );
    return sendPage(
      c,
      <Layout page={page} title={t('sepa.title')}>
        <h1>{t('sepa.title')}</h1>
        <Notices notice={extra.notice} issues={extra.issues} />
        <p>{t('sepa.intro', { days: debit.preNotificationDays })}</p>
        <p class="muted">
          {t('sepa.creditor', { creditorId: debit.creditorId, iban: debit.iban })}
        </p>
        <h2>{t('sepa.collections')}</h2>
        <CollectionList page={page} runs={await listCollectionRuns(deps)} currency={currency} />
        <form method="post" action="/admin/sepa/collections">
          <CsrfField token={page.csrfToken} />
          <input type="hidden" name="runKey" value={newToken()} />
          <label>
            {t('sepa.dueOn')}
            <input type="date" name="dueOn" min={earliestDueDate(deps)} required />
          </label>
          <small>{t('sepa.announce.hint', { earliest: earliestDueDate(deps) })}</small>
          <button type="submit">{t('sepa.announce')}</button>
        </form>
        <h2>{t('sepa.mandates')}</h2>
        <MandateTable page={page} mandates={await listMandates(deps)} />
        <h3>{t('sepa.add')}</h3>
        <MandateForm page={page} values={extra.values ?? EMPTY} />
      </Layout>,
      status,
    );
  };

  const formValues = async (c: AppContext): Promise<MandateValues> =>
    formText(await c.req.parseBody(), MANDATE_FIELDS);

  app.get('/admin/sepa', board, (c) => overview(c));
  app.post('/admin/sepa/mandates', board, async (c) => {
    gate();
    const values = await formValues(c);
    try {
      await addMandate(deps, actorOf(sessionOf(c)), values);
    } catch (error) {
      return overview(c, { values, issues: formProblems(error) }, 422);
    }
    return overview(c, { notice: c.var.t('sepa.added') });
  });
  app.post('/admin/sepa/mandates/:id/revoke', board, async (c) => {
    gate();
    await revokeMandate(deps, actorOf(sessionOf(c)), c.req.param('id'));
    return overview(c, { notice: c.var.t('sepa.revoked') });
  });
  // The pre-notifications go after the answer: the POST records the collection under the
  // form's key (sent twice, it records nothing new) and sends the board to the progress page.
  app.post('/admin/sepa/collections', board, async (c) => {
    gate();
    const { dueOn, runKey } = formText(await c.req.parseBody(), ['dueOn', 'runKey']);
    let id: string;
    try {
      id = await startCollection(deps, actorOf(sessionOf(c)), { dueOn }, runKey);
    } catch (error) {
      return overview(c, { issues: formProblems(error) }, 422);
    }
    return c.redirect(`/admin/sepa/collections/${encodeURIComponent(id)}/progress`, 303);
  });
  app.post('/admin/sepa/collections/:id/notify', board, async (c) => {
    gate();
    const id = c.req.param('id');
    await startPreNotificationRun(deps, actorOf(sessionOf(c)), id);
    return c.redirect(`/admin/sepa/collections/${encodeURIComponent(id)}/progress`, 303);
  });
  app.get('/admin/sepa/collections/:id/progress', board, async (c) => {
    gate();
    return sendPage(
      c,
      <ProgressPage
        page={pageContext(c)}
        progress={await preNotificationProgress(deps, c.req.param('id'))}
      />,
    );
  });
  app.get('/admin/sepa/collections/:id/pain.008.xml', board, async (c) => {
    gate();
    const file = await collectionFile(deps, actorOf(sessionOf(c)), c.req.param('id'));
    return c.body(file.xml, 200, {
      'content-type': 'application/xml; charset=utf-8',
      'content-disposition': `attachment; filename="${file.fileName}"`,
      'cache-control': 'no-store',
    });
  });
  return app;
}
