import type { FieldIssue } from '../core/errors.ts';
import { CsrfField, Flash, IssueList, Layout, type PageContext } from '../core/http/layout.tsx';
import type { CamtPreview } from './camt.service.ts';
import { matchedCount, PreviewRows, type LedgerLabels } from './contributions.views.tsx';
import { PREVIEW_ROWS } from './members.views.tsx';

/**
 * The preview of a CAMT.053 file before booking: no column mapping (the format names every
 * field), the counts, the rows that need a person first, and the button that books the file.
 * The file travels back with the form, as with the CSV import.
 */
export function CamtPreviewPage(props: {
  page: PageContext;
  labels: LedgerLabels;
  fileName: string;
  xml: string;
  /** The confirmation token: booking twice with it starts one run. */
  runKey: string;
  preview: CamtPreview | null;
  issues: readonly FieldIssue[];
}) {
  const { page, labels, preview } = props;
  const { t } = page;
  const matched = matchedCount(preview?.rows ?? []);
  return (
    <Layout page={page} title={t('bank.title')}>
      <h1>{t('bank.title')}</h1>
      {preview && (
        <p>
          {t('bank.camtIntro', {
            file: props.fileName,
            version: preview.version,
            statements: preview.statements,
          })}
        </p>
      )}
      {props.issues.length > 0 && (
        <Flash kind="error">
          {t('bank.problems')}
          <IssueList issues={props.issues.slice(0, PREVIEW_ROWS)} />
          {props.issues.length > PREVIEW_ROWS &&
            t('import.moreProblems', { shown: PREVIEW_ROWS, count: props.issues.length })}
        </Flash>
      )}
      {preview && preview.skippedUnbooked > 0 && (
        <p class="muted">{t('bank.camtUnbooked', { count: preview.skippedUnbooked })}</p>
      )}
      {preview && props.issues.length === 0 && (
        <form method="post" action="/admin/contributions/import/camt/commit">
          <CsrfField token={page.csrfToken} />
          <input type="hidden" name="runKey" value={props.runKey} />
          <input type="hidden" name="fileName" value={props.fileName} />
          <textarea name="xml" hidden>
            {props.xml}
          </textarea>
          <button type="submit">{t('bank.commit', { matched })}</button>
        </form>
      )}
      {preview && <PreviewRows page={page} labels={labels} rows={preview.rows} />}
    </Layout>
  );
}
