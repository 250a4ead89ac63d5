import { formatDate, formatMoney } from '../core/i18n/index.ts';
import { CsrfField, Flash, Layout, type PageContext } from '../core/http/layout.tsx';
import type { ReminderRun } from './dunning.repo.ts';
import type { PlannedReminder, ReminderPlan } from './dunning.service.ts';
import type { Stage } from './claims.ts';

function stageName(page: PageContext, stage: Stage): string {
  const key = `dunning.stage.${stage.id}`;
  return page.t.has(key) ? page.t(key) : stage.id;
}

/** How a reminder would go: encrypted, plain, or by letter. */
function Channel(props: { page: PageContext; item: PlannedReminder }) {
  const { t } = props.page;
  if (!props.item.to) return <strong>{t('dunning.channel.none')}</strong>;
  return <>{t(props.item.encrypted ? 'dunning.channel.encrypted' : 'dunning.channel.plain')}</>;
}

/** One planned reminder: who, which stage, the claims with their limitation dates, the mail. */
function PlannedRow(props: { page: PageContext; currency: string; item: PlannedReminder }) {
  const { page, currency, item } = props;
  const { t, lang } = page;
  return (
    <article>
      <header>
        <strong>
          {item.member.memberNumber} {item.member.firstName} {item.member.lastName}
        </strong>{' '}
        – {stageName(page, item.stage)}, {t('dunning.arrears')}{' '}
        {formatMoney(item.arrearsCents, currency, lang)} · <Channel page={page} item={item} />
      </header>
      <table>
        <thead>
          <tr>
            <th>{t('dunning.claims')}</th>
            <th>{t('dunning.arrears')}</th>
            <th>{t('dunning.limitation')}</th>
          </tr>
        </thead>
        <tbody>
          {item.claims.map((claim) => (
            <tr>
              <td>{formatDate(claim.dueOn, lang)}</td>
              <td>{formatMoney(claim.amountCents, currency, lang)}</td>
              <td>{formatDate(claim.limitationOn, lang)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <details>
        <summary>
          {t('dunning.mailPreview')}: {item.mail.subject}
        </summary>
        <pre class="mail-text">{item.mail.text}</pre>
      </details>
    </article>
  );
}

/**
 * The preview of the reminders due today, with the rendered mails and, for the board, the
 * approval form. The form carries a fresh idempotency key and the list it approves, so a
 * reload or a second click starts nothing twice and nobody outside the list is mailed.
 */
export function RemindersPage(props: {
  page: PageContext;
  currency: string;
  plan: ReminderPlan | null;
  runKey: string;
  mayApprove: boolean;
}) {
  const { page, plan, currency } = props;
  const { t, lang } = page;
  return (
    <Layout page={page} title={t('dunning.title')}>
      <h1>{t('dunning.title')}</h1>
      {!plan ? (
        <Flash>{t('dunning.notConfigured')}</Flash>
      ) : (
        <>
          <p>{t('dunning.intro')}</p>
          {plan.due.length === 0 && <p class="muted">{t('dunning.none')}</p>}
          {plan.due.length > 0 && props.mayApprove && (
            <form method="post" action="/admin/reminders/approve">
              <CsrfField token={page.csrfToken} />
              <input type="hidden" name="runKey" value={props.runKey} />
              <input
                type="hidden"
                name="keys"
                value={plan.due
                  .filter((item) => item.to)
                  .map((item) => item.key)
                  .join(' ')}
              />
              <button type="submit">
                {t('dunning.approve', { count: plan.due.filter((item) => item.to).length })}
              </button>
            </form>
          )}
          {plan.due.map((item) => (
            <PlannedRow page={page} currency={currency} item={item} />
          ))}
          {plan.waiting.length > 0 && (
            <>
              <p class="muted">{t('dunning.waiting', { count: plan.waiting.length })}</p>
              <ul>
                {plan.waiting.slice(0, 100).map((entry) => (
                  <li>
                    {t('dunning.waitingRow', {
                      name: `${entry.member.memberNumber} ${entry.member.firstName} ${entry.member.lastName}`,
                      stage: stageName(page, entry.stage),
                      date: formatDate(entry.on, lang),
                    })}
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </Layout>
  );
}

/** The progress line of a run; reloads itself every two seconds until the run is done. */
export function RunPage(props: { page: PageContext; run: ReminderRun }) {
  const { page, run } = props;
  const { t } = page;
  const done = run.sent + run.skipped + run.failed;
  return (
    <Layout
      page={page}
      title={t('dunning.run.title')}
      refreshSeconds={run.state === 'running' ? 2 : undefined}
    >
      <h1>{t('dunning.run.title')}</h1>
      <progress value={String(done)} max={String(Math.max(1, run.total))} />
      <p role="status">
        {t('dunning.run.progress', {
          done,
          total: run.total,
          sent: run.sent,
          skipped: run.skipped,
          failed: run.failed,
        })}{' '}
        {t(run.state === 'running' ? 'dunning.run.running' : 'dunning.run.done')}
      </p>
      <p>
        <a href="/admin/reminders">{t('dunning.run.back')}</a>
      </p>
    </Layout>
  );
}
