import { stringify } from 'csv-stringify/sync';
import { Hono } from 'hono';
import type { Deps } from '../core/deps.ts';
import { pageContext, sendPage } from '../core/http/app.tsx';
import type { AppEnv } from '../core/http/context.ts';
import { requireRole } from '../core/http/guard.ts';
import { Layout, type PageContext } from '../core/http/layout.tsx';
import { formatDate, formatMoney } from '../core/i18n/index.ts';
import { centsToDecimal } from '../members/index.ts';
import { BarChart } from './dashboard.charts.tsx';
import { boardFigures, type Figures } from './dashboard.service.ts';

function shortMonth(month: string): string {
  return `${month.slice(5, 7)}/${month.slice(2, 4)}`;
}

function Table(props: {
  head: readonly string[];
  rows: readonly (readonly (string | number)[])[];
}) {
  return (
    <table>
      <thead>
        <tr>
          {props.head.map((cell) => (
            <th>{cell}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row) => (
          <tr>
            {row.map((cell) => (
              <td>{cell}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function DashboardPage(props: { page: PageContext; figures: Figures; currency: string }) {
  const { t, lang } = props.page;
  const { figures, currency } = props;
  const money = (cents: number) => formatMoney(cents, currency, lang);
  const whole = (cents: number) => String(Math.round(cents / 100));
  const months = figures.members.map((row) => shortMonth(row.month));
  return (
    <Layout page={props.page} title={t('dashboard.title')}>
      <h1>{t('dashboard.title')}</h1>
      <p>
        {t('dashboard.intro', { today: formatDate(figures.today, lang) })}{' '}
        <a href="/admin/dashboard.csv">{t('dashboard.csv')}</a> ·{' '}
        <a href="/admin/sepa">{t('sepa.title')}</a> ·{' '}
        <a href="/admin/assemblies">{t('assembly.title')}</a>
      </p>
      <section>
        <h2>{t('dashboard.members')}</h2>
        <BarChart
          id="members"
          title={t('dashboard.members')}
          description={t('dashboard.members.desc')}
          categories={months}
          series={[
            {
              name: t('dashboard.joins'),
              values: figures.members.map((r) => r.joins),
              fill: 'solid',
            },
            {
              name: t('dashboard.exits'),
              values: figures.members.map((r) => r.exits),
              fill: 'hatch',
            },
          ]}
          format={String}
        />
        <Table
          head={[
            t('dashboard.month'),
            t('dashboard.joins'),
            t('dashboard.exits'),
            t('dashboard.total'),
          ]}
          rows={figures.members.map((r) => [r.month, r.joins, r.exits, r.members])}
        />
      </section>
      <section>
        <h2>{t('dashboard.money')}</h2>
        <BarChart
          id="money"
          title={t('dashboard.money')}
          description={t('dashboard.money.desc')}
          categories={months}
          series={[
            {
              name: t('dashboard.due'),
              values: figures.money.map((r) => r.dueCents),
              fill: 'hatch',
            },
            {
              name: t('dashboard.paid'),
              values: figures.money.map((r) => r.paidCents),
              fill: 'solid',
            },
          ]}
          format={whole}
        />
        <Table
          head={[t('dashboard.month'), t('dashboard.due'), t('dashboard.paid')]}
          rows={figures.money.map((r) => [r.month, money(r.dueCents), money(r.paidCents)])}
        />
      </section>
      <section>
        <h2>{t('dashboard.arrears')}</h2>
        <BarChart
          id="arrears"
          title={t('dashboard.arrears')}
          description={t('dashboard.arrears.desc')}
          categories={figures.arrears.map((r) => t(`dashboard.bucket.${r.bucket}`))}
          series={[
            {
              name: t('dashboard.arrears.amount'),
              values: figures.arrears.map((r) => r.cents),
              fill: 'dots',
            },
          ]}
          format={whole}
        />
        <Table
          head={[t('dashboard.age'), t('dashboard.arrears.amount'), t('dashboard.arrears.members')]}
          rows={figures.arrears.map((r) => [
            t(`dashboard.bucket.${r.bucket}`),
            money(r.cents),
            r.members,
          ])}
        />
      </section>
    </Layout>
  );
}

/** The figures as one CSV in long form: figure, period (month or age bucket), measure, value. */
export function figuresCsv(figures: Figures): string {
  const rows: (string | number)[][] = [['figure', 'period', 'measure', 'value']];
  for (const row of figures.members) {
    rows.push(['members', row.month, 'joins', row.joins]);
    rows.push(['members', row.month, 'exits', row.exits]);
    rows.push(['members', row.month, 'membersAtMonthEnd', row.members]);
  }
  for (const row of figures.money) {
    rows.push(['contributions', row.month, 'due', centsToDecimal(row.dueCents)]);
    rows.push(['contributions', row.month, 'paid', centsToDecimal(row.paidCents)]);
  }
  for (const row of figures.arrears) {
    rows.push(['arrears', row.bucket, 'unpaid', centsToDecimal(row.cents)]);
    rows.push(['arrears', row.bucket, 'members', row.members]);
  }
  return stringify(rows);
}

/**
 * The board's dashboard (`/admin/dashboard`, and `/admin/dashboard.csv` with the same figures).
 * Board and treasurer only; counts and sums, never a name.
 */
export function dashboardRoutes(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const board = requireRole('board', 'treasurer');
  app.get('/admin/dashboard', board, async (c) =>
    sendPage(
      c,
      <DashboardPage
        page={pageContext(c)}
        figures={await boardFigures(deps)}
        currency={deps.config.members.currency}
      />,
    ),
  );
  app.get('/admin/dashboard.csv', board, async (c) =>
    c.body(figuresCsv(await boardFigures(deps)), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="treff-figures.csv"',
      'cache-control': 'no-store',
    }),
  );
  return app;
}
