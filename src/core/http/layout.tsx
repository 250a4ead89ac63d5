import type { Child } from 'hono/jsx';
import type { Lang, Translate } from '../i18n/index.ts';
import { hasRole, type SessionInfo } from './context.ts';
import { CSRF_FIELD } from './csrf.ts';

/** What every page needs from its request. */
export interface PageContext {
  t: Translate;
  lang: Lang;
  session: SessionInfo | null;
  csrfToken: string;
  clubName: string;
  /** The current path, for the language switch. */
  path: string;
}

/** The hidden CSRF field every form carries. */
export function CsrfField(props: { token: string }) {
  return <input type="hidden" name={CSRF_FIELD} value={props.token} />;
}

/**
 * A form for an action that cannot be undone (removing, deleting): it posts only with the
 * `confirm` box ticked, and the route checks `confirm=yes` again.
 */
export function ConfirmedActionForm(props: {
  action: string;
  csrfToken: string;
  confirmLabel: string;
  submitLabel: string;
}) {
  return (
    <form method="post" action={props.action}>
      <CsrfField token={props.csrfToken} />
      <label>
        <input type="checkbox" name="confirm" value="yes" required /> {props.confirmLabel}
      </label>
      <button type="submit" class="secondary">
        {props.submitLabel}
      </button>
    </form>
  );
}

/** A message shown at the top of the page. */
export function Flash(props: { kind?: 'info' | 'error'; children: Child }) {
  return (
    <div
      class={props.kind === 'error' ? 'flash error' : 'flash'}
      role={props.kind === 'error' ? 'alert' : 'status'}
    >
      {props.children}
    </div>
  );
}

/** A page's notice after an action, and the problems that stopped one. */
export function Notices(props: {
  notice?: string | undefined;
  issues?: readonly { path: string; message: string }[] | undefined;
}) {
  return (
    <>
      {props.notice && <Flash>{props.notice}</Flash>}
      {props.issues && props.issues.length > 0 && (
        <Flash kind="error">
          <IssueList issues={props.issues} />
        </Flash>
      )}
    </>
  );
}

/** A list of field problems (`path: message`) under a form. */
export function IssueList(props: { issues: readonly { path: string; message: string }[] }) {
  if (props.issues.length === 0) return null;
  return (
    <ul class="issues">
      {props.issues.map((issue) => (
        <li>{issue.path ? `${issue.path}: ${issue.message}` : issue.message}</li>
      ))}
    </ul>
  );
}

/** The navigation entries the session's roles open. */
function RoleLinks(props: { page: PageContext }) {
  const { t, session } = props.page;
  return (
    <>
      {hasRole(session, 'board', 'treasurer') && (
        <li>
          <a href="/admin/members">{t('nav.members')}</a>
        </li>
      )}
      {hasRole(session, 'board', 'treasurer') && (
        <li>
          <a href="/admin/contributions">{t('nav.contributions')}</a>
        </li>
      )}
      {hasRole(session, 'board', 'treasurer') && (
        <li>
          <a href="/admin/dashboard">{t('nav.dashboard')}</a>
          <a href="/admin/reminders">{t('nav.reminders')}</a>
        </li>
      )}
      {hasRole(session, 'board') && (
        <li>
          <a href="/admin/disclosures">{t('nav.disclosures')}</a>
        </li>
      )}
      {hasRole(session, 'admin') && (
        <li>
          <a href="/admin/accounts">{t('nav.accounts')}</a>
        </li>
      )}
      {hasRole(session, 'admin') && (
        <li>
          <a href="/admin/retention">{t('nav.retention')}</a>
        </li>
      )}
      {hasRole(session, 'board') && (
        <li>
          <a href="/admin/requests">{t('nav.requests')}</a>
        </li>
      )}
      {hasRole(session, 'admin') && (
        <li>
          <a href="/admin/keys">{t('nav.keys')}</a>
        </li>
      )}
      {hasRole(session, 'admin') && (
        <li>
          <a href="/admin/doctor">{t('nav.doctor')}</a>
        </li>
      )}
      {hasRole(session, 'admin') && (
        <li>
          <a href="/admin/outbox">{t('nav.outbox')}</a>
        </li>
      )}
      {session?.memberId && (
        <li>
          <a href="/me">{t('nav.me')}</a>
        </li>
      )}
    </>
  );
}

/** Logout or login, and the switch to the other language. */
function SessionControls(props: { page: PageContext }) {
  const { t, lang, session, csrfToken, path } = props.page;
  return (
    <>
      {session ? (
        <li>
          <form method="post" action="/logout" class="inline">
            <CsrfField token={csrfToken} />
            <button type="submit" class="secondary">
              {t('nav.logout')}
            </button>
          </form>
        </li>
      ) : (
        <li>
          <a href="/login">{t('nav.login')}</a>
        </li>
      )}
      <li class="lang-switch">
        {lang === 'de' ? (
          <a href={`${path}?lang=en`} lang="en">
            English
          </a>
        ) : (
          <a href={`${path}?lang=de`} lang="de">
            Deutsch
          </a>
        )}
      </li>
    </>
  );
}

/** The footer: the no-cookies note and the links to the privacy policy and the transparency page. */
function SiteFooter(props: { page: PageContext }) {
  const { t, lang } = props.page;
  return (
    <footer>
      <small class="muted">{t('footer.noCookies')}</small>
      {/* The policy's and the transparency page's paths are fixed (their modules); core does
          not import a module. */}
      <small>
        {' '}
        <a href={lang === 'de' ? '/datenschutz' : '/privacy'}>{t('footer.privacy')}</a> ·{' '}
        <a href={lang === 'de' ? '/transparenz' : '/transparency'}>{t('footer.transparency')}</a>
      </small>
    </footer>
  );
}

/** The header: the club's name and the navigation. */
function SiteHeader(props: { page: PageContext }) {
  const { clubName } = props.page;
  return (
    <header>
      <nav>
        <ul>
          <li>
            <a href="/">
              <strong>{clubName}</strong>
            </a>
          </li>
        </ul>
        <ul>
          <RoleLinks page={props.page} />
          <SessionControls page={props.page} />
        </ul>
      </nav>
    </header>
  );
}

/**
 * The page frame: own stylesheets only, no script, navigation by role, language switch and the
 * logout button. Nothing here loads from another origin.
 */
export function Layout(props: {
  page: PageContext;
  title: string;
  children: Child;
  /** Reloads the page after this many seconds (a progress page, without any script). */
  refreshSeconds?: number | undefined;
}) {
  const { lang, clubName } = props.page;
  return (
    <html lang={lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="same-origin" />
        {props.refreshSeconds !== undefined && (
          <meta http-equiv="refresh" content={String(props.refreshSeconds)} />
        )}
        <title>{`${props.title} – ${clubName}`}</title>
        <link rel="stylesheet" href="/assets/pico.css" />
        <link rel="stylesheet" href="/assets/treff.css" />
      </head>
      <body>
        <SiteHeader page={props.page} />
        <main>{props.children}</main>
        <SiteFooter page={props.page} />
      </body>
    </html>
  );
}
