import { Hono } from 'hono';
import type { Deps } from '../core/deps.ts';
import { pageContext, sendPage } from '../core/http/app.tsx';
import type { AppEnv } from '../core/http/context.ts';
import { requireRole } from '../core/http/guard.ts';
import { Layout, type PageContext } from '../core/http/layout.tsx';
import { formatDateTime } from '../core/i18n/index.ts';
import { diagnose } from './doctor.checks.ts';
import { summarize, type DoctorReport, type Finding, type Severity } from './doctor.ts';

/**
 * The admin page of `treff doctor` (`/admin/doctor`): the same findings as the CLI, broken
 * promises first. It runs the checks on each request as the web server's user, so a file that
 * user may not read shows up as a warning (run the CLI as root for the full picture).
 */

const MARK: Record<Severity, string> = { error: '✗', warning: '!', skipped: '–', ok: '✓' };
const ORDER: Severity[] = ['error', 'warning', 'skipped', 'ok'];

function FindingRows(props: { findings: readonly Finding[]; page: PageContext }) {
  const { t } = props.page;
  return (
    <table>
      <thead>
        <tr>
          <th></th>
          <th>{t('doctor.promise')}</th>
          <th>{t('doctor.where')}</th>
          <th>{t('doctor.found')}</th>
          <th>{t('doctor.expected')}</th>
          <th>{t('doctor.fix')}</th>
        </tr>
      </thead>
      <tbody>
        {props.findings.map((finding) => (
          <tr>
            <td>
              <span
                class={finding.severity === 'ok' ? 'badge' : 'badge warn'}
                title={t(`doctor.severity.${finding.severity}`)}
              >
                {MARK[finding.severity]}
              </span>
            </td>
            <td>{finding.promise}</td>
            <td>
              <code>{finding.file}</code>
              <br />
              {finding.setting}
            </td>
            <td>{finding.actual}</td>
            <td>{finding.expected}</td>
            <td>{finding.severity === 'ok' ? '' : finding.fix}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function DoctorPage(props: { page: PageContext; report: DoctorReport; timeZone: string }) {
  const { t, lang } = props.page;
  const summary = summarize(props.report);
  const sorted = [...props.report.findings].sort(
    (a, b) => ORDER.indexOf(a.severity) - ORDER.indexOf(b.severity),
  );
  const open = sorted.filter((finding) => finding.severity !== 'ok');
  const passed = sorted.filter((finding) => finding.severity === 'ok');
  return (
    <Layout page={props.page} title={t('doctor.title')}>
      <h1>{t('doctor.title')}</h1>
      <p>{t('doctor.intro')}</p>
      <p>
        {summary.errors === 0
          ? t('doctor.allKept')
          : t('doctor.broken', { count: summary.broken.length, findings: summary.errors })}{' '}
        {t('doctor.counts', {
          warnings: summary.warnings,
          ok: summary.ok,
          skipped: summary.skipped,
        })}
      </p>
      {summary.broken.length > 0 && (
        <ul class="issues">
          {summary.broken.map((promise) => (
            <li>{promise}</li>
          ))}
        </ul>
      )}
      <p class="muted">
        {t('doctor.checkedAt', {
          time: formatDateTime(props.report.checkedAt, lang, props.timeZone),
          root: props.report.root,
        })}
      </p>
      {open.length > 0 && <FindingRows findings={open} page={props.page} />}
      <details>
        <summary>{t('doctor.passed', { count: passed.length })}</summary>
        <FindingRows findings={passed} page={props.page} />
      </details>
      <p class="muted">{t('doctor.cli')}</p>
      {/* The transparency module reads this module; its paths are fixed, so no import back. */}
      <p class="muted">
        <a href={lang === 'de' ? '/transparenz' : '/transparency'}>
          {t('transparency.adminLink.page')}
        </a>{' '}
        (<a href="/admin/transparency.json">{t('transparency.adminLink.json')}</a>)
      </p>
    </Layout>
  );
}

/**
 * `/admin/doctor` (admins only). `root` is the tree to check, `/` in production; tests pass a
 * fixture.
 */
export function doctorRoutes(deps: Deps, options: { root?: string } = {}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/admin/doctor', requireRole('admin'), async (c) => {
    const report = await diagnose(deps.config, {
      root: options.root ?? '/',
      now: deps.clock.now(),
    });
    return sendPage(
      c,
      <DoctorPage page={pageContext(c)} report={report} timeZone={deps.config.club.timeZone} />,
    );
  });
  return app;
}
