import { Hono } from 'hono';
import type { Deps } from '../core/deps.ts';
import { ValidationError, type FieldIssue } from '../core/errors.ts';
import { pageContext, sendPage } from '../core/http/app.tsx';
import {
  actorOf,
  memberIdOf,
  sessionOf,
  type AppContext,
  type AppEnv,
} from '../core/http/context.ts';
import { formProblems, formText } from '../core/http/forms.ts';
import { requireRole } from '../core/http/guard.ts';
import {
  clubToday,
  getMember,
  getMemberByNumber,
  hasLeft,
  listMembersByIds,
} from '../members/index.ts';
import { findAccountById, listAccounts } from './accounts.repo.ts';
import {
  accountAddresses,
  approveAccount,
  createAccount,
  deleteAccount,
  disableAccount,
  enableAccount,
  getAccountOfMember,
  passwordLinkAccount,
  requestAccount,
  sendPasswordLink,
  changeAccountPassword,
  setAccountServices,
  setPasswordWithLink,
  setSshKeys,
  type AccountServices,
} from './accounts.service.ts';
import { recordPortalRequest } from '../requests/index.ts';
import { AccountsAdminPage, MyAccountPage, PasswordLinkPage } from './accounts.views.tsx';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

function servicesFrom(body: Record<string, unknown>): AccountServices {
  return { shell: body['shell'] === '1', mail: body['mail'] === '1', xmpp: body['xmpp'] === '1' };
}

function checkConfirmation(password: string, confirm: string): void {
  if (password !== confirm) {
    throw new ValidationError('password_mismatch', 'The two passwords differ.', [
      { path: 'confirm', message: 'does not match the password' },
    ]);
  }
}

/**
 * Accounts in the web UI: the member's own account in the portal (request it, set and change
 * the password, SSH keys), the set-password links, and the admin's list (approve, disable,
 * enable, delete, services, create).
 */
export function accountRoutes(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const admins = requireRole('admin');
  const members = requireRole('member');

  const myPage = async (
    c: AppContext,
    extra: { notice?: string; issues?: readonly FieldIssue[] } = {},
    status: 200 | 422 = 200,
  ) => {
    const memberId = memberIdOf(c);
    const [account, member] = await Promise.all([
      getAccountOfMember(deps, memberId),
      getMember(deps, { includeRestricted: true }, memberId),
    ]);
    const canRequest = member.restrictedAt === null && !hasLeft(member, clubToday(deps));
    return sendPage(
      c,
      <MyAccountPage
        page={pageContext(c)}
        account={account}
        addresses={accountAddresses(deps.config, account?.username ?? '')}
        canRequest={canRequest}
        notice={extra.notice}
        issues={extra.issues}
      />,
      status,
    );
  };

  app.get('/me/account', members, (c) => myPage(c));

  app.post('/me/account/request', members, async (c) => {
    const { username } = formText(await c.req.parseBody(), ['username']);
    try {
      await requestAccount(deps, actorOf(sessionOf(c)), memberIdOf(c), username);
      await recordPortalRequest(deps, actorOf(sessionOf(c)), {
        memberId: memberIdOf(c),
        kind: 'account.create',
        lang: c.get('lang'),
        username,
      });
    } catch (error) {
      return myPage(c, { issues: formProblems(error) }, 422);
    }
    return myPage(c, { notice: c.get('t')('myAccount.requested') });
  });

  app.post('/me/account/password', members, async (c) => {
    const { current, password, confirm } = formText(await c.req.parseBody(), [
      'current',
      'password',
      'confirm',
    ]);
    const account = await getAccountOfMember(deps, memberIdOf(c));
    try {
      if (account?.status !== 'active')
        throw new ValidationError('account_not_active', 'The account is not active.');
      checkConfirmation(password, confirm);
      const session = sessionOf(c);
      await changeAccountPassword(
        deps,
        actorOf(session),
        account.id,
        current,
        password,
        session.id,
      );
    } catch (error) {
      return myPage(c, { issues: formProblems(error) }, 422);
    }
    return myPage(c, { notice: c.get('t')('myAccount.passwordSet') });
  });

  app.post('/me/account/ssh-keys', members, async (c) => {
    const { keys } = formText(await c.req.parseBody(), ['keys']);
    const account = await getAccountOfMember(deps, memberIdOf(c));
    try {
      if (account?.status !== 'active' || !account.services.shell) {
        throw new ValidationError('shell_not_enabled', 'The account has no shell access.');
      }
      await setSshKeys(deps, actorOf(sessionOf(c)), account.id, keys);
    } catch (error) {
      return myPage(c, { issues: formProblems(error) }, 422);
    }
    return myPage(c, { notice: c.get('t')('myAccount.keysSaved') });
  });

  app.get('/account/password/:token', async (c) => {
    const token = c.req.param('token');
    const account = TOKEN.test(token) ? await passwordLinkAccount(deps, token) : undefined;
    return sendPage(
      c,
      <PasswordLinkPage
        page={pageContext(c)}
        token={token}
        state={account ? 'form' : 'invalid'}
        username={account?.username}
      />,
      account ? 200 : 404,
    );
  });

  app.post('/account/password/:token', async (c) => {
    const token = c.req.param('token');
    const { password, confirm } = formText(await c.req.parseBody(), ['password', 'confirm']);
    const account = TOKEN.test(token) ? await passwordLinkAccount(deps, token) : undefined;
    if (!account)
      return sendPage(
        c,
        <PasswordLinkPage page={pageContext(c)} token={token} state="invalid" />,
        404,
      );
    try {
      checkConfirmation(password, confirm);
      await setPasswordWithLink(deps, token, password, c.get('session')?.id ?? null);
    } catch (error) {
      const issues = formProblems(error);
      return sendPage(
        c,
        <PasswordLinkPage
          page={pageContext(c)}
          token={token}
          state="form"
          username={account.username}
          issues={issues}
        />,
        422,
      );
    }
    return sendPage(c, <PasswordLinkPage page={pageContext(c)} token={token} state="done" />);
  });

  const adminPage = async (
    c: AppContext,
    extra: { notice?: string; issues?: readonly FieldIssue[] } = {},
    status: 200 | 404 | 409 | 422 = 200,
  ) => {
    const accounts = await listAccounts(deps.db);
    const owners = await listMembersByIds(
      deps,
      accounts.map((account) => account.memberId),
    );
    const entries = accounts.map((account) => {
      const member = owners.get(account.memberId);
      return {
        account,
        memberName: member ? `${member.firstName} ${member.lastName}` : '–',
        memberNumber: member?.memberNumber ?? '–',
      };
    });
    return sendPage(
      c,
      <AccountsAdminPage
        page={pageContext(c)}
        entries={entries}
        numberLabel={deps.config.members.numberLabel[c.get('lang')]}
        notice={extra.notice}
        issues={extra.issues}
      />,
      status,
    );
  };

  app.get('/admin/accounts', admins, (c) => adminPage(c));

  app.post('/admin/accounts', admins, async (c) => {
    const body = await c.req.parseBody();
    const { memberNumber, username } = formText(body, ['memberNumber', 'username']);
    try {
      const member = await getMemberByNumber(
        deps,
        { includeRestricted: false },
        memberNumber.trim(),
      );
      const { linkSent } = await createAccount(
        deps,
        actorOf(sessionOf(c)),
        member.id,
        username,
        servicesFrom(body),
      );
      return await adminPage(c, {
        notice: c.get('t')(linkSent ? 'accounts.created' : 'accounts.createdNoMail'),
      });
    } catch (error) {
      return adminPage(c, { issues: formProblems(error) }, 422);
    }
  });

  const action = (path: string, run: (c: AppContext, id: string) => Promise<string>) =>
    app.post(`/admin/accounts/:id/${path}`, admins, async (c) => {
      try {
        const notice = await run(c, c.req.param('id'));
        return await adminPage(c, { notice });
      } catch (error) {
        return adminPage(c, { issues: formProblems(error) }, 422);
      }
    });

  action('approve', async (c, id) => {
    const { linkSent } = await approveAccount(deps, actorOf(sessionOf(c)), id);
    return c.get('t')(linkSent ? 'accounts.approved' : 'accounts.createdNoMail');
  });
  action('send-link', async (c, id) => {
    const account = await findAccountById(deps.db, id);
    const sent = account ? await sendPasswordLink(deps, account) : false;
    return c.get('t')(sent ? 'accounts.linkSent' : 'accounts.createdNoMail');
  });
  action('disable', async (c, id) => {
    await disableAccount(deps, actorOf(sessionOf(c)), id);
    return c.get('t')('accounts.disabled');
  });
  action('enable', async (c, id) => {
    await enableAccount(deps, actorOf(sessionOf(c)), id);
    return c.get('t')('accounts.enabled');
  });
  action('services', async (c, id) => {
    await setAccountServices(
      deps,
      actorOf(sessionOf(c)),
      id,
      servicesFrom(await c.req.parseBody()),
    );
    return c.get('t')('accounts.servicesSaved');
  });
  action('delete', async (c, id) => {
    const { confirm } = formText(await c.req.parseBody(), ['confirm']);
    if (confirm !== 'yes')
      throw new ValidationError('confirmation_missing', c.get('t')('accounts.deleteConfirm'));
    await deleteAccount(deps, actorOf(sessionOf(c)), id);
    return c.get('t')('accounts.deleted');
  });

  return app;
}
