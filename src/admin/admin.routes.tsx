import { Hono } from 'hono';
import type { Deps } from '../core/deps.ts';
import { pageContext, sendPage } from '../core/http/app.tsx';
import type { AppEnv } from '../core/http/context.ts';
import { requireRole } from '../core/http/guard.ts';
import { Layout, type PageContext } from '../core/http/layout.tsx';
import { formatDateTime } from '../core/i18n/index.ts';
import {
  listOutbox,
  maskLinkTokens,
  readOutboxMail,
  type OutboxEntry,
} from '../core/mail/mailer.ts';
import { listQuarantine, type QuarantineEntry } from '../core/mail/quarantine.ts';
import { listUsers, type User } from '../auth/index.ts';

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
  app.get('/admin/users', admins, async (c) =>
    sendPage(c, <UsersPage page={pageContext(c)} users={await listUsers(deps.db)} />),
  );
  return app;
}
