import { Hono } from 'hono';
import type { Config } from '../core/config/load.ts';
import { pageContext, sendPage } from '../core/http/app.tsx';
import type { AppEnv } from '../core/http/context.ts';
import { Layout, type PageContext } from '../core/http/layout.tsx';
import { POLICY_PATHS, policyTitle } from '../policy/index.ts';

function StartPage(props: { page: PageContext; config: Config }) {
  const { t, lang } = props.page;
  const { club, services } = props.config;
  return (
    <Layout page={props.page} title={t('site.title')}>
      <h1>{club.name}</h1>
      <p>{t('site.intro')}</p>
      <ul>
        {services.jitsi && (
          <li>
            {t('site.jitsi')}:{' '}
            <a href={`https://${services.jitsi.domain}/`}>{services.jitsi.domain}</a>
          </li>
        )}
        {services.website?.location && (
          <li>
            {/* A plain link: nothing is loaded from OpenStreetMap until the visitor follows it. */}
            <a href={services.website.location.osmLink} rel="noreferrer noopener">
              {services.website.location.label[lang]}
            </a>
          </li>
        )}
      </ul>
      <h2>{t('site.members')}</h2>
      <p>
        <a href="/login/member">{t('site.memberLogin')}</a> ·{' '}
        <a href="/login">{t('site.boardLogin')}</a>
      </p>
      <p class="muted">
        {t('site.contact')}: <a href={`mailto:${club.contacts.board}`}>{club.contacts.board}</a> ·{' '}
        {t('site.privacyContact')}:{' '}
        <a href={`mailto:${club.contacts.privacy}`}>{club.contacts.privacy}</a>
        {' · '}
        <a href={POLICY_PATHS[lang]}>{policyTitle(lang)}</a>
      </p>
    </Layout>
  );
}

/** Public pages. They set no cookie and load nothing from another origin. */
export function siteRoutes(config: Config): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', (c) => sendPage(c, <StartPage page={pageContext(c)} config={config} />));
  app.get('/healthz', (c) => c.text('ok'));
  return app;
}
