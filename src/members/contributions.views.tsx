import { CsrfField, Flash, IssueList, Layout, type PageContext } from '../core/http/layout.tsx';
import type { FieldIssue } from '../core/errors.ts';
import { formatDate, formatDateTime, formatMoney } from '../core/i18n/index.ts';
import type { BankMapping } from './bank-import.ts';
import type { BankRow } from './contributions.repo.ts';
import type { BankImportResult, PreviewRow } from './contributions.service.ts';
import type { ImportRun } from './import-runs.ts';
import { PREVIEW_ROWS } from './members.views.tsx';

/** One recent bank import as the overview lists it (the repository's row). */
export interface RecentImport {
  id: string;
  file_name: string;
  row_count: number;
  matched_count: number;
  duplicate_count: number;
  created_at: string;
}

/** Per-club settings the contribution views show. */
export interface LedgerLabels {
  currency: string;
  numberLabel: string;
  timeZone: string;
}

/** The result of a finished import and the page's notices and problems. */
function ContributionsMessages(props: {
  page: PageContext;
  result?: BankImportResult | undefined;
  notice?: string | undefined;
  issues?: readonly FieldIssue[] | undefined;
}) {
  const { t } = props.page;
  return (
    <>
      {props.result && (
        <Flash>
          {t('bank.done', {
            rows: props.result.rows,
            matched: props.result.matched,
            unmatched: props.result.unmatched,
            duplicates: props.result.duplicates,
          })}
        </Flash>
      )}
      {props.notice && <Flash>{props.notice}</Flash>}
      {props.issues && props.issues.length > 0 && (
        <Flash kind="error">
          <IssueList issues={props.issues} />
        </Flash>
      )}
    </>
  );
}

/** The upload form of a bank statement (CSV). */
function BankUploadForm(props: { page: PageContext }) {
  const { page } = props;
  const { t } = page;
  return (
    <>
      <h2>{t('bank.title')}</h2>
      <p>{t('bank.intro')}</p>
      <form method="post" action="/admin/contributions/import" enctype="multipart/form-data">
        <CsrfField token={page.csrfToken} />
        <label>
          {t('bank.file')}
          <input
            type="file"
            name="file"
            accept=".csv,.xml,text/csv,application/xml,text/xml"
            required
          />
        </label>
        <label>
          {t('bank.fileType')}
          <select name="type">
            {(['auto', 'csv', 'camt'] as const).map((type) => (
              <option value={type}>{t(`bank.fileType.${type}`)}</option>
            ))}
          </select>
        </label>
        <button type="submit">{t('bank.upload')}</button>
      </form>
    </>
  );
}

/** Bank rows no member could be found for, each with forms to assign or ignore it. */
function UnmatchedRows(props: { page: PageContext; labels: LedgerLabels; unmatched: BankRow[] }) {
  const { page, labels } = props;
  const { t, lang } = page;
  return (
    <>
      <h2>{t('bank.unmatched', { count: props.unmatched.length })}</h2>
      {props.unmatched.length === 0 ? (
        <p class="muted">{t('bank.noneUnmatched')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('contributions.date')}</th>
              <th>{t('contributions.amount')}</th>
              <th>{t('contributions.reference')}</th>
              <th>{t('bank.counterparty')}</th>
              <th>{t('bank.assign')}</th>
            </tr>
          </thead>
          <tbody>
            {props.unmatched.map((row) => (
              <tr>
                <td>{formatDate(row.bookedOn, lang)}</td>
                <td>{formatMoney(row.amountCents, row.currency ?? labels.currency, lang)}</td>
                <td>{row.reference}</td>
                <td>{row.counterparty ?? ''}</td>
                <td>
                  <form method="post" action={`/admin/contributions/rows/${row.id}/assign`}>
                    <CsrfField token={page.csrfToken} />
                    <fieldset role="group">
                      <input
                        name="memberNumber"
                        placeholder={labels.numberLabel}
                        aria-label={labels.numberLabel}
                        required
                      />
                      <button type="submit">{t('bank.assignButton')}</button>
                    </fieldset>
                  </form>
                  <form
                    method="post"
                    action={`/admin/contributions/rows/${row.id}/ignore`}
                    class="inline"
                  >
                    <CsrfField token={page.csrfToken} />
                    <button type="submit" class="secondary">
                      {t('bank.ignore')}
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

/** The most recent bank imports with their counts. */
function RecentImports(props: {
  page: PageContext;
  labels: LedgerLabels;
  imports: RecentImport[];
}) {
  const { page, labels } = props;
  const { t, lang } = page;
  return (
    <>
      <h2>{t('bank.recent')}</h2>
      <table>
        <thead>
          <tr>
            <th>{t('bank.when')}</th>
            <th>{t('bank.fileName')}</th>
            <th>{t('bank.rows')}</th>
            <th>{t('bank.matchedRows')}</th>
            <th>{t('bank.duplicateRows')}</th>
          </tr>
        </thead>
        <tbody>
          {props.imports.map((entry) => (
            <tr>
              <td>{formatDateTime(entry.created_at, lang, labels.timeZone)}</td>
              <td>{entry.file_name}</td>
              <td>{entry.row_count}</td>
              <td>{entry.matched_count}</td>
              <td>{entry.duplicate_count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** The contributions overview: bank import upload, rows waiting for assignment, recent imports. */
export function ContributionsPage(props: {
  page: PageContext;
  labels: LedgerLabels;
  unmatched: BankRow[];
  imports: RecentImport[];
  result?: BankImportResult | undefined;
  notice?: string | undefined;
  issues?: readonly FieldIssue[] | undefined;
}) {
  const { page, labels } = props;
  const { t } = page;
  return (
    <Layout page={page} title={t('contributions.title')}>
      <h1>{t('contributions.title')}</h1>
      <ContributionsMessages
        page={page}
        result={props.result}
        notice={props.notice}
        issues={props.issues}
      />
      <BankUploadForm page={page} />

      <UnmatchedRows page={page} labels={labels} unmatched={props.unmatched} />

      <RecentImports page={page} labels={labels} imports={props.imports} />
    </Layout>
  );
}

function ColumnSelect(props: {
  name: keyof BankMapping;
  columns: string[];
  value: string;
  optional: boolean;
  label: string;
  none: string;
}) {
  return (
    <label>
      {props.label}
      <select name={props.name}>
        {props.optional && (
          <option value="" selected={props.value === ''}>
            {props.none}
          </option>
        )}
        {props.columns.map((column) => (
          <option value={column} selected={column === props.value}>
            {column}
          </option>
        ))}
      </select>
    </label>
  );
}

/** How the statement is written: delimiter, header line, decimal separator. */
function FormatFields(props: { page: PageContext; mapping: BankMapping }) {
  const { mapping } = props;
  const { t } = props.page;
  return (
    <div class="grid">
      <label>
        {t('bank.delimiter')}
        <select name="delimiter">
          {([';', ',', '\t'] as const).map((d) => (
            <option value={d} selected={d === mapping.delimiter}>
              {d === '\t' ? 'Tab' : d}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('bank.headerLine')}
        <input type="number" name="headerLine" min="1" value={String(mapping.headerLine)} />
      </label>
      <label>
        {t('bank.decimal')}
        <select name="decimal">
          {([',', '.'] as const).map((d) => (
            <option value={d} selected={d === mapping.decimal}>
              {d === ',' ? '1.234,56' : '1,234.56'}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

/** Which column holds the date, amount, reference, counterparty and member number. */
function ColumnFields(props: {
  page: PageContext;
  labels: LedgerLabels;
  mapping: BankMapping;
  columns: string[];
}) {
  const { labels, mapping } = props;
  const { t } = props.page;
  const none = t('bank.noColumn');
  return (
    <>
      <div class="grid">
        <ColumnSelect
          name="dateColumn"
          columns={props.columns}
          value={mapping.dateColumn}
          optional={false}
          label={t('contributions.date')}
          none={none}
        />
        <ColumnSelect
          name="amountColumn"
          columns={props.columns}
          value={mapping.amountColumn}
          optional={false}
          label={t('contributions.amount')}
          none={none}
        />
        <ColumnSelect
          name="referenceColumn"
          columns={props.columns}
          value={mapping.referenceColumn}
          optional={false}
          label={t('contributions.reference')}
          none={none}
        />
      </div>
      <div class="grid">
        <ColumnSelect
          name="counterpartyColumn"
          columns={props.columns}
          value={mapping.counterpartyColumn}
          optional={true}
          label={t('bank.counterparty')}
          none={none}
        />
        <ColumnSelect
          name="memberNumberColumn"
          columns={props.columns}
          value={mapping.memberNumberColumn}
          optional={true}
          label={labels.numberLabel}
          none={none}
        />
      </div>
    </>
  );
}

/** The preview rows with what each would be booked to, or why not. */
function PreviewTable(props: { page: PageContext; labels: LedgerLabels; shown: PreviewRow[] }) {
  const { page, labels, shown } = props;
  const { t, lang } = page;
  return (
    <table>
      <thead>
        <tr>
          <th>{t('import.line')}</th>
          <th>{t('contributions.date')}</th>
          <th>{t('contributions.amount')}</th>
          <th>{t('contributions.reference')}</th>
          <th>{t('bank.counterparty')}</th>
          <th>{t('bank.match')}</th>
        </tr>
      </thead>
      <tbody>
        {shown.map((row) => (
          <tr>
            <td>{row.source ?? row.line}</td>
            <td>{formatDate(row.bookedOn, lang)}</td>
            <td>{formatMoney(row.amountCents, row.currency ?? labels.currency, lang)}</td>
            <td>{row.reference}</td>
            <td>{row.counterparty ?? ''}</td>
            <td>
              {row.duplicate
                ? t('bank.duplicate')
                : row.match.status === 'matched'
                  ? t(row.match.by === 'column' ? 'bank.matchedColumn' : 'bank.matchedReference', {
                      number: row.match.memberNumber,
                    })
                  : t(`bank.unmatched.${row.match.reason}`, {
                      candidates: row.match.candidates.join(', '),
                    })}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** How many fresh rows of a preview are matched (what the commit button books). */
export function matchedCount(rows: readonly PreviewRow[]): number {
  return rows.filter((row) => !row.duplicate && row.match.status === 'matched').length;
}

/**
 * The counts of a statement preview and its rows: those a person must look at first, then the
 * rest, at most PREVIEW_ROWS of them (CSV and CAMT.053 alike).
 */
export function PreviewRows(props: {
  page: PageContext;
  labels: LedgerLabels;
  rows: readonly PreviewRow[];
}) {
  const { page, labels, rows } = props;
  const { t } = page;
  const matched = matchedCount(rows);
  const duplicates = rows.filter((row) => row.duplicate).length;
  const needsAttention = (row: PreviewRow) => !row.duplicate && row.match.status !== 'matched';
  const shown = [
    ...rows.filter(needsAttention),
    ...rows.filter((row) => !needsAttention(row)),
  ].slice(0, PREVIEW_ROWS);
  return (
    <>
      <p>
        {t('bank.summary', {
          rows: rows.length,
          matched,
          unmatched: rows.length - matched - duplicates,
          duplicates,
        })}{' '}
        {rows.length > shown.length && t('bank.shown', { shown: shown.length, rows: rows.length })}
      </p>
      <PreviewTable page={page} labels={labels} shown={shown} />
    </>
  );
}

/** Column mapping and preview of a bank statement before booking it. */
export function BankPreviewPage(props: {
  page: PageContext;
  labels: LedgerLabels;
  fileName: string;
  text: string;
  /** The confirmation token: booking twice with it starts one run. */
  runKey: string;
  mapping: BankMapping;
  columns: string[];
  rows: PreviewRow[] | null;
  issues: readonly FieldIssue[];
}) {
  const { page, labels, mapping } = props;
  const { t } = page;
  const matched = matchedCount(props.rows ?? []);
  return (
    <Layout page={page} title={t('bank.title')}>
      <h1>{t('bank.title')}</h1>
      <p>{t('bank.mappingIntro', { file: props.fileName })}</p>
      {props.issues.length > 0 && (
        <Flash kind="error">
          {t('bank.problems')}
          <IssueList issues={props.issues.slice(0, PREVIEW_ROWS)} />
          {props.issues.length > PREVIEW_ROWS &&
            t('import.moreProblems', { shown: PREVIEW_ROWS, count: props.issues.length })}
        </Flash>
      )}
      <form method="post" action="/admin/contributions/import/preview">
        <CsrfField token={page.csrfToken} />
        <input type="hidden" name="runKey" value={props.runKey} />
        <input type="hidden" name="fileName" value={props.fileName} />
        <textarea name="text" hidden>
          {props.text}
        </textarea>
        <FormatFields page={page} mapping={mapping} />
        <ColumnFields page={page} labels={labels} mapping={mapping} columns={props.columns} />
        <button type="submit" class="secondary">
          {t('bank.preview')}
        </button>{' '}
        {props.rows && props.issues.length === 0 && (
          <button type="submit" formaction="/admin/contributions/import/commit">
            {t('bank.commit', { matched })}
          </button>
        )}
      </form>
      {props.rows && <PreviewRows page={page} labels={labels} rows={props.rows} />}
    </Layout>
  );
}

/**
 * A bank import booked from the web: how many rows are written, reloading itself every two
 * seconds (no script) until the run is done; then its outcome.
 */
export function ImportRunPage(props: { page: PageContext; run: ImportRun }) {
  const { page, run } = props;
  const { t } = page;
  const running = run.state === 'running';
  return (
    <Layout page={page} title={t('bank.run.title')} refreshSeconds={running ? 2 : undefined}>
      <h1>{t('bank.run.title')}</h1>
      {running && (
        <>
          <progress value={String(run.written ?? 0)} max={String(Math.max(1, run.total))} />
          <p role="status">
            {run.written === null
              ? t('bank.run.elsewhere', { total: run.total })
              : t('bank.run.progress', { done: run.written, total: run.total })}{' '}
            {t('bank.run.running')}
          </p>
        </>
      )}
      {run.result && (
        <Flash>
          {t('bank.done', {
            rows: run.result.rows,
            matched: run.result.matched,
            unmatched: run.result.unmatched,
            duplicates: run.result.duplicates,
          })}
        </Flash>
      )}
      {(run.state === 'failed' || run.state === 'interrupted') && (
        <Flash kind="error">{t(`bank.run.${run.state}`)}</Flash>
      )}
      <p>
        <a href="/admin/contributions">{t('bank.run.back')}</a>
      </p>
    </Layout>
  );
}
