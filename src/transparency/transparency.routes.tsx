import { Hono } from 'hono';
import type { Deps } from '../core/deps.ts';
import { pageContext, sendPage } from '../core/http/app.tsx';
import type { AppContext, AppEnv } from '../core/http/context.ts';
import { requireRole } from '../core/http/guard.ts';
import type { PageContext } from '../core/http/layout.tsx';
import { translator, type Lang } from '../core/i18n/index.ts';
import { POLICY_PATHS, POLICY_VERSIONS_PATHS } from '../policy/index.ts';
import { transparencyFigures } from './transparency.service.ts';
import { TransparencyPage } from './transparency.views.tsx';

/** Where the transparency page is published in each language; German is authoritative. */
export const TRANSPARENCY_PATHS: Readonly<Record<Lang, string>> = {
  de: '/transparenz',
  en: '/transparency',
};

/**
 * The public transparency page at `/transparenz` (German) and `/transparency` (English): no
 * cookie, nothing from another origin, every figure computed from stored results (no doctor run
 * per request). The same figures as JSON for the board and admins at `/admin/transparency.json`.
 */
export function transparencyRoutes(
  deps: Pick<Deps, 'config' | 'db' | 'clock' | 'messages'>,
): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const timeZone = deps.config.club.timeZone;
  const show = (lang: Lang) => async (c: AppContext) => {
    const other: Lang = lang === 'de' ? 'en' : 'de';
    // Each path has one language; the language switch leads to the other path.
    const page: PageContext = {
      ...pageContext(c),
      lang,
      t: translator(lang, deps.messages),
      path: TRANSPARENCY_PATHS[other],
    };
    return sendPage(
      c,
      <TransparencyPage
        page={page}
        figures={await transparencyFigures(deps)}
        timeZone={timeZone}
        policyPath={POLICY_PATHS[lang]}
        versionsPath={POLICY_VERSIONS_PATHS[lang]}
      />,
    );
  };
  app.get(TRANSPARENCY_PATHS.de, show('de'));
  app.get(TRANSPARENCY_PATHS.en, show('en'));
  app.get('/admin/transparency.json', requireRole('admin', 'board'), async (c) =>
    c.json(await transparencyFigures(deps)),
  );
  return app;
}
