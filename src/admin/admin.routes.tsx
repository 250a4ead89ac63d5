import { Hono } from 'hono';
import type { Deps } from '../core/deps.ts';
import { pageContext, sendPage } from '../core/http/app.tsx';
import type { AppEnv } from '../core/http/context.ts';
import { requireRole } from '../core/http/guard.ts';
import { Layout, type PageContext } from '../core/http/layout.tsx';
import { formatDateTime } from '../core/i18n/index.ts';
import { listOutbox, readOutboxMail, type OutboxEntry } from '../core/mail/mailer.ts';
import { listUsers, type User } from '../auth/index.ts';

function OutboxPage(props: {
  page: PageContext;
  entries: OutboxEntry[];
  timeZone: string;
  smtp: boolean;
}) {
  const { t, lang } = props.page;
  return (
    <Layout page={props.page} title={t('outbox.title')}>
      <h1>{t('outbox.title')}</h1>
      <p>{props.smtp ? t('outbox.smtp') : t('outbox.intro')}</p>
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
      <pre class="mail">{props.mail.text}</pre>
      <p>
        <a href="/admin/outbox">{t('outbox.back')}</a>
      </p>
    </Layout>
  );
}

function UsersPage(props: { page: PageContext; users: User[] }) {
  const { t } = props.page;
  return (
    <Layout page={props.page} title={t('users.title')}>
      <h1>{t('users.title')}</h1>
      <table>
        <thead>
          <tr>
            <th>{t('users.username')}</th>
            <th>{t('users.name')}</th>
            <th>{t('users.roles')}</th>
          </tr>
        </thead>
        <tbody>
          {props.users.map((user) => (
            <tr>
              <td>{user.username}</td>
              <td>{user.displayName}</td>
              <td>{user.roles.map((role) => t(`role.${role}`)).join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted">{t('users.cli')}</p>
    </Layout>
  );
}

/** The admin's pages: the mail outbox and the list of web users. */
export function adminRoutes(deps: Deps): Hono<AppEnv> {
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
      />,
    ),
  );
  app.get('/admin/users', admins, async (c) =>
    sendPage(c, <UsersPage page={pageContext(c)} users={await listUsers(deps.db)} />),
  );
  return app;
}
