import type { FieldIssue } from '../core/errors.ts';
import {
  ConfirmedActionForm,
  CsrfField,
  Flash,
  IssueList,
  Layout,
  Notices,
  type PageContext,
} from '../core/http/layout.tsx';
import { formatDate } from '../core/i18n/index.ts';
import type { Account } from './accounts.repo.ts';

/** One account row of the admin list, with its member. */
export interface AccountListEntry {
  account: Account;
  memberName: string;
  memberNumber: string;
}

function ServiceChecks(props: { page: PageContext; account?: Account }) {
  const { t } = props.page;
  return (
    <fieldset>
      <legend>{t('accounts.services')}</legend>
      {(['shell', 'mail', 'xmpp'] as const).map((service) => (
        <label>
          <input
            type="checkbox"
            name={service}
            value="1"
            checked={props.account ? props.account.services[service] : service !== 'shell'}
          />{' '}
          {t(`accounts.service.${service}`)}
        </label>
      ))}
    </fieldset>
  );
}

function StatusBadge(props: { page: PageContext; account: Account }) {
  const { t } = props.page;
  return (
    <span class={props.account.status === 'active' ? 'badge' : 'badge warn'}>
      {t(`accounts.status.${props.account.status}`)}
    </span>
  );
}

function Action(props: {
  page: PageContext;
  account: Account;
  action: string;
  label: string;
  secondary?: boolean;
}) {
  return (
    <form
      method="post"
      action={`/admin/accounts/${props.account.id}/${props.action}`}
      class="inline"
    >
      <CsrfField token={props.page.csrfToken} />
      <button type="submit" class={props.secondary ? 'secondary' : undefined}>
        {props.label}
      </button>
    </form>
  );
}

/** The admin's list of accounts with their actions, and the form to create one. */
export function AccountsAdminPage(props: {
  page: PageContext;
  entries: AccountListEntry[];
  numberLabel: string;
  notice?: string | undefined;
  issues?: readonly FieldIssue[] | undefined;
}) {
  const { page } = props;
  const { t, lang } = page;
  return (
    <Layout page={page} title={t('accounts.title')}>
      <h1>{t('accounts.title')}</h1>
      <Notices notice={props.notice} issues={props.issues} />
      <table>
        <thead>
          <tr>
            <th>{t('accounts.username')}</th>
            <th>{t('accounts.member')}</th>
            <th>{t('accounts.status')}</th>
            <th>{t('accounts.services')}</th>
            <th>{t('accounts.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {props.entries.map(({ account, memberName, memberNumber }) => (
            <tr>
              <td>
                {account.username}
                {account.passwordHash === null && account.status === 'active' && (
                  <>
                    {' '}
                    <span class="badge warn">{t('accounts.noPassword')}</span>
                  </>
                )}
              </td>
              <td>
                {memberName} ({memberNumber})
              </td>
              <td>
                <StatusBadge page={page} account={account} />
                {account.deleteAfter && (
                  <div class="muted">
                    {t('accounts.deleteAfter', { date: formatDate(account.deleteAfter, lang) })}
                  </div>
                )}
              </td>
              <td>
                <form method="post" action={`/admin/accounts/${account.id}/services`}>
                  <CsrfField token={page.csrfToken} />
                  <ServiceChecks page={page} account={account} />
                  <button type="submit" class="secondary">
                    {t('accounts.saveServices')}
                  </button>
                </form>
              </td>
              <td>
                {account.status === 'requested' && (
                  <Action
                    page={page}
                    account={account}
                    action="approve"
                    label={t('accounts.approve')}
                  />
                )}
                {account.status === 'active' && (
                  <Action
                    page={page}
                    account={account}
                    action="send-link"
                    label={t('accounts.sendLink')}
                    secondary
                  />
                )}
                {account.status === 'active' && (
                  <Action
                    page={page}
                    account={account}
                    action="disable"
                    label={t('accounts.disable')}
                    secondary
                  />
                )}
                {account.status === 'disabled' && (
                  <Action
                    page={page}
                    account={account}
                    action="enable"
                    label={t('accounts.enable')}
                    secondary
                  />
                )}
                <ConfirmedActionForm
                  action={`/admin/accounts/${account.id}/delete`}
                  csrfToken={page.csrfToken}
                  confirmLabel={t('accounts.deleteConfirm')}
                  submitLabel={t('accounts.delete')}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t('accounts.create')}</h2>
      <form method="post" action="/admin/accounts">
        <CsrfField token={page.csrfToken} />
        <div class="grid">
          <label>
            {props.numberLabel}
            <input name="memberNumber" required />
          </label>
          <label>
            {t('accounts.username')}
            <input name="username" required pattern="[a-z][a-z0-9_\-]{1,31}" />
          </label>
        </div>
        <ServiceChecks page={page} />
        <button type="submit">{t('accounts.createButton')}</button>
      </form>
    </Layout>
  );
}

/** The member's own account page in the portal. */
export function MyAccountPage(props: {
  page: PageContext;
  account: Account | undefined;
  addresses: { mail: string | null; xmpp: string | null };
  canRequest: boolean;
  notice?: string | undefined;
  issues?: readonly FieldIssue[] | undefined;
}) {
  const { page, account } = props;
  const { t } = page;
  return (
    <Layout page={page} title={t('myAccount.title')}>
      <h1>{t('myAccount.title')}</h1>
      <Notices notice={props.notice} issues={props.issues} />
      {!account && props.canRequest && (
        <form method="post" action="/me/account/request">
          <CsrfField token={page.csrfToken} />
          <p>{t('myAccount.intro')}</p>
          <label>
            {t('myAccount.wishedUsername')}
            <input
              name="username"
              required
              pattern="[a-z][a-z0-9_\-]{1,31}"
              aria-describedby="username-help"
            />
            <small id="username-help">{t('myAccount.usernameRules')}</small>
          </label>
          <button type="submit">{t('myAccount.request')}</button>
        </form>
      )}
      {!account && !props.canRequest && <p>{t('myAccount.onlyMembers')}</p>}
      {account && (
        <>
          <dl class="facts">
            <dt>{t('accounts.username')}</dt>
            <dd>{account.username}</dd>
            <dt>{t('accounts.status')}</dt>
            <dd>
              <StatusBadge page={page} account={account} />
            </dd>
            <dt>{t('accounts.services')}</dt>
            <dd>
              {(['shell', 'mail', 'xmpp'] as const)
                .filter((service) => account.services[service])
                .map((service) => t(`accounts.service.${service}`))
                .join(', ') || '–'}
            </dd>
            {account.services.mail && props.addresses.mail && (
              <>
                <dt>{t('myAccount.mailAddress')}</dt>
                <dd>{props.addresses.mail}</dd>
              </>
            )}
            {account.services.xmpp && props.addresses.xmpp && (
              <>
                <dt>{t('myAccount.xmppAddress')}</dt>
                <dd>{props.addresses.xmpp}</dd>
              </>
            )}
          </dl>
          {account.status === 'requested' && <p>{t('myAccount.waiting')}</p>}
          {account.status === 'active' && (
            <form method="post" action="/me/account/password">
              <h2>
                {account.passwordHash ? t('myAccount.changePassword') : t('myAccount.setPassword')}
              </h2>
              <CsrfField token={page.csrfToken} />
              {account.passwordHash && (
                <label>
                  {t('myAccount.currentPassword')}
                  <input type="password" name="current" autocomplete="current-password" required />
                </label>
              )}
              <PasswordFields page={page} username={account.username} />
              <button type="submit">{t('myAccount.savePassword')}</button>
            </form>
          )}
          {account.status === 'active' && account.services.shell && (
            <form method="post" action="/me/account/ssh-keys">
              <h2>{t('myAccount.sshKeys')}</h2>
              <CsrfField token={page.csrfToken} />
              <textarea name="keys" rows={4} aria-label={t('myAccount.sshKeys')}>
                {account.sshKeys.join('\n')}
              </textarea>
              <small>{t('myAccount.sshKeysHelp')}</small>
              <button type="submit">{t('myAccount.saveKeys')}</button>
            </form>
          )}
          <p class="muted">{t('myAccount.deletion')}</p>
        </>
      )}
    </Layout>
  );
}

function PasswordFields(props: { page: PageContext; username: string }) {
  const { t } = props.page;
  return (
    <>
      {/* The username lets password managers store the pair; it is not sent. */}
      <input type="text" autocomplete="username" value={props.username} hidden readonly />
      <label>
        {t('myAccount.newPassword')}
        <input
          type="password"
          name="password"
          autocomplete="new-password"
          minlength={12}
          required
        />
      </label>
      <label>
        {t('myAccount.repeatPassword')}
        <input type="password" name="confirm" autocomplete="new-password" minlength={12} required />
      </label>
      <small>{t('myAccount.passwordRules')}</small>
    </>
  );
}

/** The page a set-password link opens. */
export function PasswordLinkPage(props: {
  page: PageContext;
  token: string;
  state: 'form' | 'invalid' | 'done';
  username?: string | undefined;
  issues?: readonly FieldIssue[] | undefined;
}) {
  const { page } = props;
  const { t } = page;
  return (
    <Layout page={page} title={t('myAccount.setPassword')}>
      <h1>{t('myAccount.setPassword')}</h1>
      {props.state === 'invalid' && <Flash kind="error">{t('myAccount.linkInvalid')}</Flash>}
      {props.state === 'done' && <Flash>{t('myAccount.passwordSet')}</Flash>}
      {props.issues && props.issues.length > 0 && (
        <Flash kind="error">
          <IssueList issues={props.issues} />
        </Flash>
      )}
      {props.state === 'form' && (
        <form method="post" action={`/account/password/${props.token}`}>
          <CsrfField token={page.csrfToken} />
          <PasswordFields page={page} username={props.username ?? ''} />
          <button type="submit">{t('myAccount.savePassword')}</button>
        </form>
      )}
    </Layout>
  );
}
