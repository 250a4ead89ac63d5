import { Hono } from 'hono';
import type { Deps } from '../core/deps.ts';
import { pageContext, sendPage } from '../core/http/app.tsx';
import { hasRole, type AppContext, type AppEnv } from '../core/http/context.ts';
import { requireRole } from '../core/http/guard.ts';
import { Layout, type PageContext } from '../core/http/layout.tsx';
import { translator, type Lang } from '../core/i18n/index.ts';
import type { PolicyDocument } from './document.ts';
import { DocumentBody } from './html.tsx';
import { buildPolicyDocument } from './policy.document.ts';
import { renderRecord } from './policy.ts';
import {
  policyEditionHistory,
  publishPolicyEdition,
  type EditionHistoryEntry,
  type PolicyEdition,
} from './policy.service.ts';
import { buildRecordDocument } from './record.document.ts';
import { policyTexts } from './texts.ts';

/** Where the policy is published in each language; German is authoritative. */
export const POLICY_PATHS: Readonly<Record<Lang, string>> = { de: '/datenschutz', en: '/privacy' };

/** Where the policy's version history is published in each language. */
export const POLICY_VERSIONS_PATHS: Readonly<Record<Lang, string>> = {
  de: '/datenschutz/versionen',
  en: '/privacy/versions',
};

/** The policy's title in `lang`, for links to it. */
export function policyTitle(lang: Lang): string {
  return policyTexts(lang).text('title');
}

function PolicyPage(props: { page: PageContext; doc: PolicyDocument }) {
  const { page, doc } = props;
  return (
    <Layout page={page} title={doc.title}>
      <DocumentBody doc={doc} />
      {hasRole(page.session, 'board', 'admin') && (
        <p class="muted">
          <a href="/admin/record">{policyTexts(page.lang).text('record.link')}</a>
        </p>
      )}
    </Layout>
  );
}

function VersionsPage(props: {
  page: PageContext;
  entries: EditionHistoryEntry[];
  current: string;
}) {
  const { page, entries } = props;
  const { t, lang } = page;
  const names = (titles: { de: string; en: string }[]) =>
    titles.map((title) => title[lang]).join(', ');
  return (
    <Layout page={page} title={t('policy.versions.title')}>
      <h1>{t('policy.versions.title')}</h1>
      <p>{t('policy.versions.intro')}</p>
      {entries.map((entry) => {
        const changes = entry.changes;
        return (
          <section data-version={entry.version}>
            <h2>
              {t('policy.versions.edition', { date: entry.publishedOn, version: entry.version })}
              {entry.version === props.current && ` (${t('policy.versions.current')})`}
            </h2>
            {changes === null ? (
              <p class="muted">{t('policy.versions.noDiff')}</p>
            ) : (
              <ul>
                {changes.added.length > 0 && (
                  <li>{t('policy.versions.added', { names: names(changes.added) })}</li>
                )}
                {changes.removed.length > 0 && (
                  <li>{t('policy.versions.removed', { names: names(changes.removed) })}</li>
                )}
                {changes.changed.length > 0 && (
                  <li>{t('policy.versions.changed', { names: names(changes.changed) })}</li>
                )}
                {changes.services.length > 0 && (
                  <li>{t('policy.versions.services', { names: changes.services.join(', ') })}</li>
                )}
                {changes.club && <li>{t('policy.versions.club')}</li>}
              </ul>
            )}
          </section>
        );
      })}
      <p>
        <a href={POLICY_PATHS[lang]}>{policyTitle(lang)}</a>
      </p>
    </Layout>
  );
}

function RecordPage(props: { page: PageContext; doc: PolicyDocument }) {
  const { page, doc } = props;
  return (
    <Layout page={page} title={doc.title}>
      <p>
        <a href={`/admin/record.md?lang=${page.lang}`} download="">
          {policyTexts(page.lang).text('record.download')}
        </a>
      </p>
      <DocumentBody doc={doc} />
    </Layout>
  );
}

/**
 * The privacy policy at `/datenschutz` (German, authoritative) and `/privacy` (English): public,
 * no cookie, nothing from another origin (the OpenStreetMap location is a plain link). The
 * Art. 30 record at `/admin/record`, and as Markdown at `/admin/record.md`, for the board and
 * admins only. The first request for a new declaration records its publication date.
 */
export function policyRoutes(
  deps: Pick<Deps, 'config' | 'db' | 'clock' | 'messages'>,
): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // A running process keeps its declaration, and a version's date never changes once recorded,
  // so the edition is looked up once per app (and again after a failed lookup).
  let edition: Promise<PolicyEdition> | undefined;
  const currentEdition = (): Promise<PolicyEdition> => {
    edition ??= publishPolicyEdition(deps).catch((error: unknown) => {
      edition = undefined;
      throw error;
    });
    return edition;
  };

  const showPolicy = (lang: Lang) => async (c: AppContext) => {
    const { publishedOn } = await currentEdition();
    const other: Lang = lang === 'de' ? 'en' : 'de';
    // Each path has one language whatever the request prefers; the language switch leads to
    // the other path, not to this one with ?lang=.
    const page: PageContext = {
      ...pageContext(c),
      lang,
      t: translator(lang, deps.messages),
      path: POLICY_PATHS[other],
    };
    const doc = buildPolicyDocument(deps.config, lang, publishedOn);
    return sendPage(c, <PolicyPage page={page} doc={doc} />);
  };
  app.get(POLICY_PATHS.de, showPolicy('de'));
  app.get(POLICY_PATHS.en, showPolicy('en'));

  const showVersions = (lang: Lang) => async (c: AppContext) => {
    // The current edition is recorded first, so the history always ends with it.
    const { version } = await currentEdition();
    const other: Lang = lang === 'de' ? 'en' : 'de';
    const page: PageContext = {
      ...pageContext(c),
      lang,
      t: translator(lang, deps.messages),
      path: POLICY_VERSIONS_PATHS[other],
    };
    const entries = await policyEditionHistory(deps);
    return sendPage(c, <VersionsPage page={page} entries={entries} current={version} />);
  };
  app.get(POLICY_VERSIONS_PATHS.de, showVersions('de'));
  app.get(POLICY_VERSIONS_PATHS.en, showVersions('en'));

  app.get('/admin/record', requireRole('board', 'admin'), async (c) => {
    const { publishedOn } = await currentEdition();
    const doc = buildRecordDocument(deps.config, c.get('lang'), publishedOn);
    return sendPage(c, <RecordPage page={pageContext(c)} doc={doc} />);
  });
  app.get('/admin/record.md', requireRole('board', 'admin'), async (c) => {
    const lang = c.get('lang');
    const { version, publishedOn } = await currentEdition();
    const name = lang === 'de' ? 'verarbeitungsverzeichnis' : 'record-of-processing';
    c.header('Content-Type', 'text/markdown; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="${name}-${version}.md"`);
    return c.body(renderRecord(deps.config, lang, publishedOn));
  });
  return app;
}
