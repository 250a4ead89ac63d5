import { Layout, type PageContext } from '../core/http/layout.tsx';
import { formatDateTime, formatDuration } from '../core/i18n/index.ts';
import { parseDuration } from '../core/duration.ts';
import type { RuleStatus } from './retention.service.ts';

function periodText(row: RuleStatus, page: PageContext): string {
  const { t, lang } = page;
  if (row.rule.keepCount !== undefined)
    return t('retention.keepCount', { count: row.rule.keepCount });
  if (row.rule.untilRequest) return t('retention.untilRequest');
  const keep = parseDuration(row.rule.keep ?? '');
  if (!keep) return '–';
  const zero = Object.values(keep).every((value) => value === 0);
  return zero ? t('proof.atOnce') : formatDuration(keep, lang);
}

function age(ms: number | null, page: PageContext): string {
  if (ms === null) return '–';
  const clamped = Math.max(0, ms);
  return clamped >= 86_400_000
    ? page.t('proof.days', { n: (clamped / 86_400_000).toFixed(1) })
    : page.t('proof.hours', { n: (clamped / 3_600_000).toFixed(1) });
}

/**
 * The timeline: one bar per store, its oldest kept item's age as a share of the declared limit;
 * the line at 100 % is the limit, a bar beyond it is red. Plain SVG rendered on the server.
 */
export function Timeline(props: { rows: RuleStatus[]; page: PageContext }) {
  const rows = props.rows.filter(
    (row) => row.limitMs !== null && row.oldestAgeMs !== null && row.limitMs > 0,
  );
  const width = 640;
  const label = 220;
  const barWidth = width - label - 20;
  const height = 24 * rows.length + 30;
  const scale = Math.max(
    1.25,
    ...rows.map((row) => Math.max(0, row.oldestAgeMs ?? 0) / (row.limitMs ?? 1)),
  );
  const x = (share: number) => label + (share / scale) * barWidth;
  return (
    <svg
      viewBox={`0 0 ${width} ${height}`}
      width="100%"
      role="img"
      aria-label={props.page.t('proof.chart')}
      xmlns="http://www.w3.org/2000/svg"
    >
      {rows.map((row, index) => {
        const share = Math.max(0, row.oldestAgeMs ?? 0) / (row.limitMs ?? 1);
        const y = 10 + index * 24;
        return (
          <g>
            <text x={label - 8} y={y + 14} text-anchor="end" font-size="12" fill="currentColor">
              {row.name}
            </text>
            <rect
              x={label}
              y={y + 3}
              width={Math.max(1, x(share) - label)}
              height="14"
              fill={share > 1 ? '#c62828' : '#2e7d32'}
            />
          </g>
        );
      })}
      <line
        x1={x(1)}
        x2={x(1)}
        y1="4"
        y2={height - 20}
        stroke="currentColor"
        stroke-dasharray="4 3"
      />
      <text x={x(1)} y={height - 6} text-anchor="middle" font-size="11" fill="currentColor">
        {props.page.t('proof.limit')}
      </text>
    </svg>
  );
}

/** The proof page: every rule with its period, last run, removals and oldest kept item. */
export function RetentionPage(props: { page: PageContext; rows: RuleStatus[]; timeZone: string }) {
  const { page } = props;
  const { t, lang } = page;
  return (
    <Layout page={page} title={t('proof.title')}>
      <h1>{t('proof.title')}</h1>
      <p>{t('proof.intro')}</p>
      {/* The transparency module reads this module; its paths are fixed, so no import back. */}
      <p class="muted">
        <a href={lang === 'de' ? '/transparenz' : '/transparency'}>
          {t('transparency.adminLink.page')}
        </a>{' '}
        (<a href="/admin/transparency.json">{t('transparency.adminLink.json')}</a>)
      </p>
      <Timeline rows={props.rows} page={page} />
      <table>
        <thead>
          <tr>
            <th>{t('proof.rule')}</th>
            <th>{t('proof.period')}</th>
            <th>{t('proof.lastRun')}</th>
            <th>{t('proof.removed')}</th>
            <th>{t('proof.oldest')}</th>
            <th>{t('proof.state')}</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr>
              <td>
                <strong>{row.name}</strong>
                <div class="muted">{row.activityTitle[lang]}</div>
              </td>
              <td>{periodText(row, page)}</td>
              <td>
                {row.kind === 'elsewhere'
                  ? t(`proof.keptBy.${row.keptBy ?? 'daemon'}`)
                  : row.lastRun
                    ? formatDateTime(row.lastRun.startedAt, lang, props.timeZone)
                    : t('proof.never')}
              </td>
              <td>{row.kind === 'delete' ? String(row.removedTotal) : '–'}</td>
              <td>
                {age(row.oldestAgeMs, page)}
                {row.limitMs !== null && row.oldestAgeMs !== null
                  ? ` / ${age(row.limitMs, page)}`
                  : ''}
                {row.lastRun?.message && <div class="muted">{row.lastRun.message}</div>}
              </td>
              <td>
                <span class={row.state === 'ok' ? 'badge' : 'badge warn'}>
                  {t(`proof.state.${row.state}`)}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}

/** One step of a former member's erasure record. */
export interface ErasureStep {
  at: string;
  event: string;
  fields: string[];
}

/** The erasure record of one (former) member: what was erased when, without personal data. */
export function ErasureRecordPage(props: {
  page: PageContext;
  memberId: string;
  steps: ErasureStep[];
  timeZone: string;
}) {
  const { t, lang } = props.page;
  return (
    <Layout page={props.page} title={t('erasure.title')}>
      <h1>{t('erasure.title')}</h1>
      <p>{t('erasure.intro', { id: props.memberId })}</p>
      {props.steps.length === 0 ? (
        <p class="muted">{t('erasure.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('history.when')}</th>
              <th>{t('history.what')}</th>
              <th>{t('history.fields')}</th>
            </tr>
          </thead>
          <tbody>
            {props.steps.map((step) => (
              <tr>
                <td>{formatDateTime(step.at, lang, props.timeZone)}</td>
                <td>{t(`erasure.event.${step.event}` as never)}</td>
                <td>{step.fields.map((field) => t(`data.${field}` as never)).join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p class="muted">{t('erasure.footer')}</p>
    </Layout>
  );
}
