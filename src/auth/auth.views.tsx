import { CsrfField, Flash, Layout, type PageContext } from '../core/http/layout.tsx';

/** The board/admin login form. */
export function LoginPage(props: {
  page: PageContext;
  next: string;
  failed: boolean;
  /** Set when the login limits refused the attempt. */
  retryAfterSeconds?: number | undefined;
  username?: string;
}) {
  const { t } = props.page;
  return (
    <Layout page={props.page} title={t('login.title')}>
      <h1>{t('login.title')}</h1>
      {props.failed && <Flash kind="error">{t('login.failed')}</Flash>}
      {props.retryAfterSeconds !== undefined && (
        <Flash kind="error">
          {t('login.throttled', { seconds: String(props.retryAfterSeconds) })}
        </Flash>
      )}
      <form method="post" action="/login">
        <CsrfField token={props.page.csrfToken} />
        <input type="hidden" name="next" value={props.next} />
        <label>
          {t('login.username')}
          <input name="username" autocomplete="username" required value={props.username ?? ''} />
        </label>
        <label>
          {t('login.password')}
          <input name="password" type="password" autocomplete="current-password" required />
        </label>
        <button type="submit">{t('login.submit')}</button>
      </form>
      <p>
        {t('login.memberHint')} <a href="/login/member">{t('login.memberLink')}</a>
      </p>
    </Layout>
  );
}

/** The form where a member asks for a login link. */
export function MemberLoginPage(props: { page: PageContext; sent: boolean }) {
  const { t } = props.page;
  return (
    <Layout page={props.page} title={t('memberLogin.title')}>
      <h1>{t('memberLogin.title')}</h1>
      {props.sent ? (
        <Flash>{t('memberLogin.sent')}</Flash>
      ) : (
        <>
          <p>{t('memberLogin.intro')}</p>
          <form method="post" action="/login/member">
            <CsrfField token={props.page.csrfToken} />
            <label>
              {t('memberLogin.email')}
              <input name="email" type="email" autocomplete="email" required />
            </label>
            <button type="submit">{t('memberLogin.submit')}</button>
          </form>
        </>
      )}
    </Layout>
  );
}

/**
 * The page a login link opens. It asks for a click instead of logging in on GET: mail scanners
 * that follow links would otherwise use up the one-time link, and a session cookie set in a
 * cross-site navigation would not be sent with SameSite=Strict anyway.
 */
export function LinkConfirmPage(props: { page: PageContext; token: string; usable: boolean }) {
  const { t } = props.page;
  return (
    <Layout page={props.page} title={t('memberLogin.title')}>
      <h1>{t('memberLogin.title')}</h1>
      {props.usable ? (
        <form method="post" action={`/login/link/${props.token}`}>
          <CsrfField token={props.page.csrfToken} />
          <p>{t('memberLogin.confirm')}</p>
          <button type="submit">{t('memberLogin.confirmButton')}</button>
        </form>
      ) : (
        <>
          <Flash kind="error">{t('memberLogin.linkInvalid')}</Flash>
          <p>
            <a href="/login/member">{t('memberLogin.again')}</a>
          </p>
        </>
      )}
    </Layout>
  );
}
