import { Hono } from 'hono';
import type { Deps } from '../core/deps.ts';
import { pageContext, sendPage } from '../core/http/app.tsx';
import type { AppContext, AppEnv } from '../core/http/context.ts';
import { Layout, type PageContext } from '../core/http/layout.tsx';
import { translator, type Lang } from '../core/i18n/index.ts';
import type { TransparencyFigures } from './figures.ts';
import { transparencyFigures } from './transparency.service.ts';

/** Where the transparency page is published in each language; German is authoritative. */
export const TRANSPARENCY_PATHS: Readonly<Record<Lang, string>> = {
  de: '/transparenz',
  en: '/transparency',
};

function TransparencyPage(props: { page: PageContext; figures: TransparencyFigures }) {
  const { page, figures } = props;
  const { t, lang } = page;
  return (
    <Layout page={page} title={t('transparency.title')}>
      <h1>{t('transparency.title')}</h1>
      <p>{t('transparency.intro')}</p>
      <ul>
        {figures.promises.map((figure) => (
          <li class={figure.green ? 'ok' : 'bad'}>{figure.promise[lang]}</li>
        ))}
      </ul>
    </Layout>
  );
}

/**
 * The public transparency page at `/transparenz` (German) and `/transparency` (English): no
 * cookie, nothing from another origin, every figure computed from stored results.
 */
export function transparencyRoutes(
  deps: Pick<Deps, 'config' | 'db' | 'clock' | 'messages'>,
): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const show = (lang: Lang) => async (c: AppContext) => {
    const other: Lang = lang === 'de' ? 'en' : 'de';
    // Each path has one language; the language switch leads to the other path.
    const page: PageContext = {
      ...pageContext(c),
      lang,
      t: translator(lang, deps.messages),
      path: TRANSPARENCY_PATHS[other],
    };
    return sendPage(c, <TransparencyPage page={page} figures={await transparencyFigures(deps)} />);
  };
  app.get(TRANSPARENCY_PATHS.de, show('de'));
  app.get(TRANSPARENCY_PATHS.en, show('en'));
  return app;
}
