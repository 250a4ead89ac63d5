import { Hono } from 'hono';
import type { Deps } from '../core/deps.ts';
import { pageContext, sendPage } from '../core/http/app.tsx';
import { actorOf, sessionOf, type AppEnv } from '../core/http/context.ts';
import { AppError, ValidationError, type FieldIssue } from '../core/errors.ts';
import { formProblems, formText } from '../core/http/forms.ts';
import { requireRole } from '../core/http/guard.ts';
import {
  ConfirmedActionForm,
  CsrfField,
  Layout,
  Notices,
  type PageContext,
} from '../core/http/layout.tsx';
import { formatDateTime } from '../core/i18n/index.ts';
import {
  listOutbox,
  maskLinkTokens,
  readOutboxMail,
  type OutboxEntry,
} from '../core/mail/mailer.ts';
import { listQuarantine, type QuarantineEntry } from '../core/mail/quarantine.ts';
import { deleteUser, disableUser, enableUser, listUsers, type User } from '../auth/index.ts';

function OutboxPage(props: {
  page: PageContext;
  entries: OutboxEntry[];
  timeZone: string;
  smtp: boolean;
  reveal: boolean;
}) {
  const { t, lang } = props.page;
  return (
    <Layout page={props.page} title={t('outbox.title')}>
      <h1>{t('outbox.title')}</h1>
      <p>{props.smtp ? t('outbox.smtp') : t('outbox.intro')}</p>
      <p class={props.reveal ? 'notice' : 'muted'}>
        {props.reveal ? t('outbox.demo') : t('outbox.masked')}
      </p>
      <p>
        <a href="/admin/quarantine">{t('outbox.quarantineLink')}</a>
      </p>
      <table>
        <thead>
          <tr>
            <th>{t('outbox.date')}</th>
            <th>{t('outbox.to')}</th>
            <th>{t('outbox.subject')}</th>
          </tr>
        </thead>
        <tbody>
          {props.entries.map((entry) => (
            <tr>
              <td>{formatDateTime(entry.date, lang, props.timeZone)}</td>
              <td>{entry.to}</td>
              <td>
                <a href={`/admin/outbox/${entry.id}`}>{entry.subject}</a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}

function MailPage(props: {
  page: PageContext;
  mail: OutboxEntry & { text: string };
  timeZone: string;
  reveal: boolean;
}) {
  const { t, lang } = props.page;
  return (
    <Layout page={props.page} title={props.mail.subject}>
      <h1>{props.mail.subject}</h1>
      <dl class="facts">
        <dt>{t('outbox.date')}</dt>
        <dd>{formatDateTime(props.mail.date, lang, props.timeZone)}</dd>
        <dt>{t('outbox.to')}</dt>
        <dd>{props.mail.to}</dd>
      </dl>
      <p class={props.reveal ? 'notice' : 'muted'}>
        {props.reveal ? t('outbox.demo') : t('outbox.masked')}
      </p>
      <pre class="mail">{props.reveal ? props.mail.text : maskLinkTokens(props.mail.text)}</pre>
      <p>
        <a href="/admin/outbox">{t('outbox.back')}</a>
      </p>
    </Layout>
  );
}

function QuarantinePage(props: {
  page: PageContext;
  entries: QuarantineEntry[];
  timeZone: string;
}) {
  const { t, lang } = props.page;
  return (
    <Layout page={props.page} title={t('quarantine.title')}>
      <h1>{t('quarantine.title')}</h1>
      <p>{t('quarantine.intro')}</p>
      {props.entries.length === 0 ? (
        <p class="muted">{t('quarantine.empty')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('quarantine.received')}</th>
              <th>{t('quarantine.reason')}</th>
              <th>{t('quarantine.bytes')}</th>
              <th>{t('quarantine.recipient')}</th>
              <th>{t('quarantine.file')}</th>
            </tr>
          </thead>
          <tbody>
            {props.entries.map((entry) => (
              <tr>
                <td>
                  {entry.receivedAt ? formatDateTime(entry.receivedAt, lang, props.timeZone) : ''}
                </td>
                <td>{t(`quarantine.reason.${entry.reason}`)}</td>
                <td>{entry.bytes}</td>
                <td>{entry.recipient}</td>
                <td>
                  <code>{`${entry.id}.eml`}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

function UsersPage(props: {
  page: PageContext;
  users: User[];
  notice?: string | undefined;
  issues?: readonly FieldIssue[] | undefined;
}) {
  const { t, csrfToken } = props.page;
  return (
    <Layout page={props.page} title={t('users.title')}>
      <h1>{t('users.title')}</h1>
      <Notices notice={props.notice} issues={props.issues} />
      <table>
        <thead>
          <tr>
            <th>{t('users.username')}</th>
            <th>{t('users.name')}</th>
            <th>{t('users.roles')}</th>
            <th>{t('users.status')}</th>
            <th>{t('users.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {props.users.map((user) => (
            <tr>
              <td>{user.username}</td>
              <td>{user.displayName}</td>
              <td>{user.roles.map((role) => t(`role.${role}`)).join(', ')}</td>
              <td>{user.disabledAt ? t('users.disabled') : t('users.active')}</td>
              <td>
                {user.disabledAt ? (
                  <form method="post" action={`/admin/users/${user.username}/enable`}>
                    <CsrfField token={csrfToken} />
                    <button type="submit" class="secondary">
                      {t('users.enable')}
                    </button>
                  </form>
                ) : (
                  <ConfirmedActionForm
                    action={`/admin/users/${user.username}/disable`}
                    csrfToken={csrfToken}
                    confirmLabel={t('users.disableConfirm')}
                    submitLabel={t('users.disable')}
                  />
                )}
                <ConfirmedActionForm
                  action={`/admin/users/${user.username}/delete`}
                  csrfToken={csrfToken}
                  confirmLabel={t('users.deleteConfirm')}
                  submitLabel={t('users.delete')}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted">{t('users.cli')}</p>
    </Layout>
  );
}

/**
 * The admin's pages: the mail outbox, the mail quarantine and the list of web users. One-time
 * link tokens in outbox mail are masked unless `revealOutboxLinks` (only `treff demo` sets it,
 * so a newcomer can try the member portal on the example club).
 */
export function adminRoutes(
  deps: Deps,
  options: { revealOutboxLinks?: boolean } = {},
): Hono<AppEnv> {
  const reveal = options.revealOutboxLinks === true;
  const app = new Hono<AppEnv>();
  const admins = requireRole('admin');
  const timeZone = deps.config.club.timeZone;
  const outbox = deps.config.paths.outboxDir;

  app.get('/admin/outbox', admins, async (c) =>
    sendPage(
      c,
      <OutboxPage
        page={pageContext(c)}
        entries={await listOutbox(outbox)}
        timeZone={timeZone}
        smtp={deps.config.mail.smtp !== undefined}
        reveal={reveal}
      />,
    ),
  );
  app.get('/admin/outbox/:id', admins, async (c) =>
    sendPage(
      c,
      <MailPage
        page={pageContext(c)}
        mail={await readOutboxMail(outbox, c.req.param('id'))}
        timeZone={timeZone}
        reveal={reveal}
      />,
    ),
  );
  app.get('/admin/quarantine', admins, async (c) =>
    sendPage(
      c,
      <QuarantinePage
        page={pageContext(c)}
        entries={await listQuarantine(deps.config.paths.quarantineDir)}
        timeZone={timeZone}
      />,
    ),
  );
  const usersPage = async (
    c: Parameters<typeof pageContext>[0],
    extra: { notice?: string; issues?: readonly FieldIssue[] } = {},
    status: 200 | 404 | 409 | 422 = 200,
  ) =>
    sendPage(
      c,
      <UsersPage
        page={pageContext(c)}
        users={await listUsers(deps.db)}
        notice={extra.notice}
        issues={extra.issues}
      />,
      status,
    );
  app.get('/admin/users', admins, (c) => usersPage(c));
  // Disable, enable and delete a login (issue 11, item 8); disabling and deleting are confirmed.
  for (const action of ['disable', 'enable', 'delete'] as const) {
    app.post(`/admin/users/:username/${action}`, admins, async (c) => {
      const t = c.get('t');
      const username = c.req.param('username');
      try {
        const { confirm } = formText(await c.req.parseBody(), ['confirm']);
        if (action !== 'enable' && confirm !== 'yes')
          throw new ValidationError('confirmation_missing', t('users.confirmMissing'));
        const actor = actorOf(sessionOf(c));
        if (action === 'disable') await disableUser(deps, actor, username);
        else if (action === 'enable') await enableUser(deps, actor, username);
        else await deleteUser(deps, actor, username);
        return await usersPage(c, { notice: t(`users.${action}dNotice`, { username }) });
      } catch (error) {
        const issues =
          error instanceof AppError && error.code === 'last_admin'
            ? [{ path: '', message: t('users.lastAdmin', { username }) }]
            : formProblems(error);
        const status =
          error instanceof AppError && error.kind === 'not_found'
            ? 404
            : error instanceof AppError && error.kind === 'conflict'
              ? 409
              : 422;
        return usersPage(c, { issues }, status);
      }
    });
  }
  return app;
}
