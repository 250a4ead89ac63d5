import { formatDateTime, type Lang } from '../core/i18n/index.ts';
import { Layout, type PageContext } from '../core/http/layout.tsx';
import type { PromiseFigure, TransparencyFigures } from './figures.ts';

const GREEN = '#2e7d32';
const RED = '#c62828';
const DAY = 86_400_000;

/** Says an age in days (one decimal below 10 days) or hours, in `lang`. */
function age(ms: number, lang: Lang): string {
  const number = (value: number, digits: number) =>
    value.toLocaleString(lang === 'de' ? 'de-DE' : 'en-GB', { maximumFractionDigits: digits });
  if (ms >= DAY) {
    const days = ms / DAY;
    const text = number(days, days < 10 ? 1 : 0);
    return lang === 'de' ? `${text} Tage` : `${text} days`;
  }
  const hours = ms / 3_600_000;
  return lang === 'de' ? `${number(hours, 1)} Stunden` : `${number(hours, 1)} hours`;
}

/**
 * The bar of one promise: the age of the oldest item kept against the promised limit (the
 * dashed line), green when the promise is kept, red when not. Plain SVG attributes: the CSP
 * forbids inline styles and the page loads no script.
 */
function Bar(props: { figure: PromiseFigure; label: string }) {
  const { figure } = props;
  const width = 300;
  const limitX = 200;
  const share =
    figure.limitMs && figure.limitMs > 0 && figure.oldestAgeMs !== null
      ? figure.oldestAgeMs / figure.limitMs
      : 0;
  const barWidth = Math.min(width, Math.max(figure.oldestAgeMs === null ? 0 : 2, share * limitX));
  return (
    <svg
      class="promise-bar"
      viewBox={`0 0 ${width} 20`}
      width={width}
      height="20"
      role="img"
      aria-label={props.label}
      xmlns="http://www.w3.org/2000/svg"
    >
      <rect x="0" y="4" width={width} height="12" fill="#e0e0e0" />
      <rect
        x="0"
        y="4"
        width={barWidth}
        height="12"
        fill={figure.green ? GREEN : RED}
        data-state={figure.green ? 'green' : 'red'}
      />
      <line x1={limitX} x2={limitX} y1="0" y2="20" stroke="currentColor" stroke-dasharray="3 2" />
    </svg>
  );
}

function PromiseRow(props: { page: PageContext; figure: PromiseFigure; timeZone: string }) {
  const { page, figure, timeZone } = props;
  const { t, lang } = page;
  const oldest =
    figure.oldestAgeMs === null
      ? t('transparency.oldest.none')
      : figure.limitMs
        ? t('transparency.oldest.of', {
            age: age(figure.oldestAgeMs, lang),
            limit: age(figure.limitMs, lang),
          })
        : t('transparency.oldest.age', { age: age(figure.oldestAgeMs, lang) });
  const deletion =
    figure.deletedBy !== 'job'
      ? t(`transparency.deletedBy.${figure.deletedBy}`)
      : figure.lastDeletion
        ? t(
            figure.lastDeletion.result === 'ok'
              ? 'transparency.deletion.ok'
              : 'transparency.deletion.failed',
            {
              at: formatDateTime(figure.lastDeletion.at, lang, timeZone),
              removed: figure.lastDeletion.removed,
            },
          )
        : t('transparency.deletion.never');
  const doctor = figure.doctor
    ? t(figure.doctor.asDeclared ? 'transparency.doctor.ok' : 'transparency.doctor.broken', {
        at: formatDateTime(figure.doctor.checkedAt, lang, timeZone),
      })
    : t('transparency.doctor.none');
  return (
    <article class={figure.green ? 'promise green' : 'promise red'} data-promise={figure.key}>
      <h3>
        <span class={figure.green ? 'badge ok' : 'badge bad'}>
          {t(figure.green ? 'transparency.kept' : 'transparency.broken')}
        </span>{' '}
        {figure.promise[lang]}
      </h3>
      {figure.limitMs !== null && figure.deletedBy === 'job' && (
        <Bar figure={figure} label={oldest} />
      )}
      <ul>
        <li>{oldest}</li>
        {figure.items !== null && <li>{t('transparency.items', { count: figure.items })}</li>}
        <li>{deletion}</li>
        <li>{doctor}</li>
        {figure.reasons.map((reason) => (
          <li class="issues">{t(`transparency.reason.${reason}`)}</li>
        ))}
      </ul>
    </article>
  );
}

/** The public transparency page: one line and one bar per promise of the policy. */
export function TransparencyPage(props: {
  page: PageContext;
  figures: TransparencyFigures;
  timeZone: string;
  policyPath: string;
  versionsPath: string;
}) {
  const { page, figures, timeZone } = props;
  const { t, lang } = page;
  const red = figures.promises.filter((figure) => !figure.green).length;
  return (
    <Layout page={page} title={t('transparency.title')}>
      <h1>{t('transparency.title')}</h1>
      <p>{t('transparency.intro')}</p>
      <p>
        <strong>
          {red === 0
            ? t('transparency.summary.allKept', { count: figures.promises.length })
            : t('transparency.summary.broken', { red, count: figures.promises.length })}
        </strong>
      </p>
      <p class="muted">{t('transparency.legend')}</p>
      {figures.promises.map((figure) => (
        <PromiseRow page={page} figure={figure} timeZone={timeZone} />
      ))}
      <p class="muted">
        {t('transparency.generated', {
          at: formatDateTime(figures.generatedAt, lang, timeZone),
          version: figures.policyVersion,
        })}{' '}
        {figures.doctorCheckedAt
          ? t('transparency.doctorRan', {
              at: formatDateTime(figures.doctorCheckedAt, lang, timeZone),
            })
          : t('transparency.doctorNever')}
      </p>
      <p>
        <a href={props.policyPath}>{t('transparency.policyLink')}</a> ·{' '}
        <a href={props.versionsPath}>{t('transparency.versionsLink')}</a>
      </p>
    </Layout>
  );
}
