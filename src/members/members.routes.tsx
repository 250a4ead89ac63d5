import { Hono } from 'hono';
import type { Deps } from '../core/deps.ts';
import { ConflictError, ValidationError, type FieldIssue } from '../core/errors.ts';
import { pageContext, sendPage } from '../core/http/app.tsx';
import { actorOf, sessionOf, type AppContext, type AppEnv } from '../core/http/context.ts';
import { formFile, formText } from '../core/http/forms.ts';
import { newToken } from '../core/ids.ts';
import { requireRole } from '../core/http/guard.ts';
import { parseOrThrow } from '../core/validation.ts';
import {
  decodeStatement,
  guessMapping,
  headerColumns,
  type BankMapping,
  type StatementRow,
} from './bank-import.ts';
import { looksLikeXml } from './camt.ts';
import { camtPreviewPage, camtRoutes } from './camt.routes.tsx';
import { listBankImports } from './contributions.repo.ts';
import {
  assignBankRow,
  bookPayment,
  getAccount,
  getBalances,
  ignoreBankRow,
  listUnmatched,
  previewBankImport,
  readStatement,
  reverseBooking,
  setFee,
  type BankImportResult,
} from './contributions.service.ts';
import {
  BankPreviewPage,
  ContributionsPage,
  ImportRunPage,
  type LedgerLabels,
} from './contributions.views.tsx';
import { getImportRun, startImportRun } from './import-runs.ts';
import { MEMBER_FIELDS, MemberListQuery } from './members.schema.ts';
import {
  clubToday,
  createMember,
  exportMembers,
  getMember,
  getMemberHistory,
  importMembers,
  listMembers,
  recordRestrictedAccess,
  updateMember,
  visibilityFor,
} from './members.service.ts';
import {
  MemberDetailPage,
  MemberFormPage,
  MemberImportPage,
  MemberListPage,
  formValuesOf,
  type RegistryLabels,
} from './members.views.tsx';

/** Who may read the registry and book contributions. */
export const readers = requireRole('board', 'treasurer');
/** Who may change the registry. */
const editors = requireRole('board');

/** The labels the registry and ledger pages take from the club's configuration. */
export function labelsFor(deps: Deps, c: AppContext): RegistryLabels & LedgerLabels {
  return {
    numberLabel: deps.config.members.numberLabel[c.get('lang')],
    currency: deps.config.members.currency,
    timeZone: deps.config.club.timeZone,
  };
}

/**
 * The board's registry and the contributions ledger under `/admin`. Reading: board and
 * treasurer; changing the registry: board; booking: board and treasurer; restricted former
 * members: treasurer only (the repository hides them from everyone else).
 */
export function memberRoutes(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // Order matters: the fixed paths under /admin/members come before `/admin/members/:id`.
  registryRoutes(app, deps);
  memberImportRoutes(app, deps);
  memberDetailRoutes(app, deps);
  contributionRoutes(app, deps);
  return app;
}

/** The new-member form, empty or refilled with the refused values. */
function newForm(
  deps: Deps,
  c: AppContext,
  values: Record<string, string>,
  issues: readonly FieldIssue[],
  status: 200 | 409 | 422,
): Promise<Response> {
  return sendPage(
    c,
    <MemberFormPage
      page={pageContext(c)}
      labels={labelsFor(deps, c)}
      action="/admin/members"
      title={c.get('t')('members.new')}
      values={values}
      issues={issues}
      cancel="/admin/members"
    />,
    status,
  );
}

/** The registry list with search, its CSV export and the form for a new member. */
function registryRoutes(app: Hono<AppEnv>, deps: Deps): void {
  app.get('/admin/members', readers, async (c) => {
    const session = sessionOf(c);
    const search = c.req.query('q') ?? '';
    const result = await listMembers(deps, visibilityFor(session.roles), {
      search,
      status: c.req.query('status'),
      page: parseOrThrow(
        MemberListQuery,
        { page: c.req.query('page') },
        'query_invalid',
        'The page number is not valid.',
      ).page,
    });
    const balances = await getBalances(deps, result.members);
    return sendPage(
      c,
      <MemberListPage
        page={pageContext(c)}
        labels={labelsFor(deps, c)}
        members={result.members}
        balances={balances}
        search={search}
        status={result.status}
        total={result.total}
        pageNumber={result.page}
        pages={result.pages}
        today={clubToday(deps)}
      />,
    );
  });

  app.get('/admin/members/export.csv', readers, async (c) => {
    const csv = await exportMembers(deps, actorOf(sessionOf(c)), c.req.query('status'));
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="members-${clubToday(deps)}.csv"`);
    return c.body(csv);
  });

  app.get('/admin/members/new', editors, (c) =>
    newForm(deps, c, { joinedOn: clubToday(deps) }, [], 200),
  );

  app.post('/admin/members', editors, async (c) => {
    const values = formText(await c.req.parseBody(), MEMBER_FIELDS);
    try {
      const member = await createMember(deps, actorOf(sessionOf(c)), values);
      return c.redirect(`/admin/members/${member.id}`, 303);
    } catch (error) {
      if (error instanceof ValidationError) return newForm(deps, c, values, error.issues, 422);
      if (error instanceof ConflictError) return newForm(deps, c, values, error.issues, 409);
      throw error;
    }
  });
}

/** The CSV import of members: upload, dry-run report, commit. */
function memberImportRoutes(app: Hono<AppEnv>, deps: Deps): void {
  app.get('/admin/members/import', editors, (c) =>
    sendPage(c, <MemberImportPage page={pageContext(c)} />),
  );

  app.post('/admin/members/import', editors, async (c) => {
    const file = await formFile(await c.req.parseBody(), 'file');
    const csv = file ? decodeStatement(file.bytes) : '';
    const report = await importMembers(deps, actorOf(sessionOf(c)), csv, { dryRun: true });
    return sendPage(
      c,
      <MemberImportPage
        page={pageContext(c)}
        report={{ ...report, csv, fileName: file?.name ?? '' }}
      />,
      report.issues.length > 0 ? 422 : 200,
    );
  });

  app.post('/admin/members/import/commit', editors, async (c) => {
    const { csv, fileName } = formText(await c.req.parseBody(), ['csv', 'fileName']);
    try {
      const report = await importMembers(deps, actorOf(sessionOf(c)), csv, { dryRun: false });
      return await sendPage(c, <MemberImportPage page={pageContext(c)} imported={report.count} />);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const report = await importMembers(deps, actorOf(sessionOf(c)), csv, { dryRun: true });
      return sendPage(
        c,
        <MemberImportPage page={pageContext(c)} report={{ ...report, csv, fileName }} />,
        422,
      );
    }
  });
}

/** A member's detail page with account and history; records a treasurer's look at a restricted member. */
async function detailPage(
  deps: Deps,
  c: AppContext,
  id: string,
  extra: { notice?: string; issues?: readonly FieldIssue[] } = {},
  status: 200 | 409 | 422 = 200,
): Promise<Response> {
  const session = sessionOf(c);
  const visibility = visibilityFor(session.roles);
  const member = await getMember(deps, visibility, id);
  await recordRestrictedAccess(deps, actorOf(session), member);
  const [account, history] = await Promise.all([
    getAccount(deps, visibility, id),
    getMemberHistory(deps, id),
  ]);
  return sendPage(
    c,
    <MemberDetailPage
      page={pageContext(c)}
      labels={labelsFor(deps, c)}
      member={member}
      account={account}
      history={history}
      today={clubToday(deps)}
      notice={extra.notice}
      issues={extra.issues ?? []}
    />,
    status,
  );
}

/** The edit form of member `id`, filled from the record or with the refused values. */
function editForm(
  deps: Deps,
  c: AppContext,
  id: string,
  values: Record<string, string>,
  issues: readonly FieldIssue[],
  status: 200 | 409 | 422,
): Promise<Response> {
  return sendPage(
    c,
    <MemberFormPage
      page={pageContext(c)}
      labels={labelsFor(deps, c)}
      action={`/admin/members/${id}`}
      title={c.get('t')('members.edit')}
      values={values}
      issues={issues}
      cancel={`/admin/members/${id}`}
    />,
    status,
  );
}

/** One member: detail page, edit form, fee and payments, reversing a booking. */
function memberDetailRoutes(app: Hono<AppEnv>, deps: Deps): void {
  app.get('/admin/members/:id', readers, (c) => detailPage(deps, c, c.req.param('id')));

  app.get('/admin/members/:id/edit', editors, async (c) => {
    const id = c.req.param('id');
    const member = await getMember(deps, { includeRestricted: false }, id);
    return editForm(deps, c, id, formValuesOf(member), [], 200);
  });

  app.post('/admin/members/:id', editors, async (c) => {
    const id = c.req.param('id');
    const values = formText(await c.req.parseBody(), MEMBER_FIELDS);
    try {
      await updateMember(deps, actorOf(sessionOf(c)), id, values);
      return c.redirect(`/admin/members/${id}`, 303);
    } catch (error) {
      if (error instanceof ValidationError) return editForm(deps, c, id, values, error.issues, 422);
      if (error instanceof ConflictError) return editForm(deps, c, id, values, error.issues, 409);
      throw error;
    }
  });

  app.post('/admin/members/:id/fee', readers, async (c) => {
    const id = c.req.param('id');
    const session = sessionOf(c);
    const values = formText(await c.req.parseBody(), ['amount', 'intervalMonths', 'validFrom']);
    try {
      await setFee(deps, actorOf(session), visibilityFor(session.roles), id, values);
    } catch (error) {
      if (error instanceof ValidationError)
        return detailPage(deps, c, id, { issues: error.issues }, 422);
      throw error;
    }
    return c.redirect(`/admin/members/${id}`, 303);
  });

  app.post('/admin/members/:id/payments', readers, async (c) => {
    const id = c.req.param('id');
    const session = sessionOf(c);
    const values = formText(await c.req.parseBody(), ['bookedOn', 'amount', 'reference']);
    try {
      await bookPayment(deps, actorOf(session), visibilityFor(session.roles), id, values);
    } catch (error) {
      if (error instanceof ValidationError)
        return detailPage(deps, c, id, { issues: error.issues }, 422);
      throw error;
    }
    return c.redirect(`/admin/members/${id}`, 303);
  });

  app.post('/admin/bookings/:id/reverse', readers, async (c) => {
    const session = sessionOf(c);
    const reversal = await reverseBooking(
      deps,
      actorOf(session),
      visibilityFor(session.roles),
      c.req.param('id'),
      clubToday(deps),
    );
    return c.redirect(`/admin/members/${reversal.memberId ?? ''}`, 303);
  });
}

/** The column mapping the preview form posts back; unknown choices fall back to the defaults. */
function mappingFrom(values: Record<string, string>): BankMapping {
  return {
    delimiter: values['delimiter'] === ',' ? ',' : values['delimiter'] === '\t' ? '\t' : ';',
    headerLine: Math.max(1, Math.floor(Number(values['headerLine'])) || 1),
    decimal: values['decimal'] === '.' ? '.' : ',',
    dateColumn: values['dateColumn'] ?? '',
    amountColumn: values['amountColumn'] ?? '',
    referenceColumn: values['referenceColumn'] ?? '',
    counterpartyColumn: values['counterpartyColumn'] ?? '',
    memberNumberColumn: values['memberNumberColumn'] ?? '',
  };
}

/** The fields of the mapping form, carried from preview to commit. */
const MAPPING_FIELDS = [
  'runKey',
  'fileName',
  'text',
  'delimiter',
  'headerLine',
  'decimal',
  'dateColumn',
  'amountColumn',
  'referenceColumn',
  'counterpartyColumn',
  'memberNumberColumn',
] as const;

/**
 * Starts booking confirmed statement rows after the answer (or finds the run the same
 * confirmation started before) and sends the board to the run's progress page.
 */
export async function bookInBackground(
  deps: Deps,
  c: AppContext,
  runKey: string,
  fileName: string,
  rows: readonly StatementRow[],
): Promise<Response> {
  const { runId } = await startImportRun(deps, actorOf(sessionOf(c)), runKey, fileName, rows);
  return c.redirect(`/admin/contributions/import/runs/${encodeURIComponent(runId)}`, 303);
}

/** The contributions overview: unmatched rows, recent imports, and an import's result. */
export async function overviewPage(
  deps: Deps,
  c: AppContext,
  extra: { result?: BankImportResult; notice?: string; issues?: readonly FieldIssue[] } = {},
  status: 200 | 404 | 409 | 422 = 200,
): Promise<Response> {
  const [unmatched, imports] = await Promise.all([
    listUnmatched(deps),
    listBankImports(deps.db, 10),
  ]);
  return sendPage(
    c,
    <ContributionsPage
      page={pageContext(c)}
      labels={labelsFor(deps, c)}
      unmatched={unmatched}
      imports={imports}
      result={extra.result}
      notice={extra.notice}
      issues={extra.issues}
    />,
    status,
  );
}

/** The mapping page of a bank statement with its preview rows, or 422 with the reasons. */
async function previewPage(
  deps: Deps,
  c: AppContext,
  fileName: string,
  text: string,
  mapping: BankMapping,
): Promise<Response> {
  const columns = headerColumns(text, mapping.delimiter, mapping.headerLine);
  try {
    const rows = await previewBankImport(deps, text, mapping);
    return await sendPage(
      c,
      <BankPreviewPage
        page={pageContext(c)}
        labels={labelsFor(deps, c)}
        fileName={fileName}
        text={text}
        runKey={newToken()}
        mapping={mapping}
        columns={columns}
        rows={rows}
        issues={[]}
      />,
    );
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return sendPage(
      c,
      <BankPreviewPage
        page={pageContext(c)}
        labels={labelsFor(deps, c)}
        fileName={fileName}
        text={text}
        runKey={newToken()}
        mapping={mapping}
        columns={columns}
        rows={null}
        issues={error.issues}
      />,
      422,
    );
  }
}

/**
 * The contributions overview, the bank statement import with its mapping page, and sorting out
 * unmatched rows.
 */
function contributionRoutes(app: Hono<AppEnv>, deps: Deps): void {
  app.get('/admin/contributions', readers, (c) => overviewPage(deps, c));

  app.post('/admin/contributions/import', readers, async (c) => {
    const body = await c.req.parseBody();
    const file = await formFile(body, 'file');
    if (!file || file.bytes.length === 0)
      return overviewPage(
        deps,
        c,
        { issues: [{ path: 'file', message: c.get('t')('bank.noFile') }] },
        422,
      );
    const text = decodeStatement(file.bytes);
    const type = formText(body, ['type']).type;
    if (type === 'camt' || (type !== 'csv' && looksLikeXml(text)))
      return camtPreviewPage(deps, c, file.name, text);
    return previewPage(deps, c, file.name, text, guessMapping(text).mapping);
  });

  camtRoutes(app, deps);

  app.post('/admin/contributions/import/preview', readers, async (c) => {
    const values = formText(await c.req.parseBody(), MAPPING_FIELDS);
    return previewPage(deps, c, values.fileName, values.text, mappingFrom(values));
  });

  app.post('/admin/contributions/import/commit', readers, async (c) => {
    const values = formText(await c.req.parseBody(), MAPPING_FIELDS);
    const mapping = mappingFrom(values);
    let rows;
    try {
      rows = readStatement(values.text, mapping);
    } catch (error) {
      if (error instanceof ValidationError)
        return previewPage(deps, c, values.fileName, values.text, mapping);
      throw error;
    }
    return bookInBackground(deps, c, values.runKey, values.fileName, rows);
  });

  app.get('/admin/contributions/import/runs/:id', readers, async (c) => {
    const run = await getImportRun(deps, c.req.param('id'));
    return sendPage(c, <ImportRunPage page={pageContext(c)} run={run} />);
  });

  app.post('/admin/contributions/rows/:id/assign', readers, async (c) => {
    const { memberNumber } = formText(await c.req.parseBody(), ['memberNumber']);
    await assignBankRow(deps, actorOf(sessionOf(c)), c.req.param('id'), memberNumber);
    return c.redirect('/admin/contributions', 303);
  });

  app.post('/admin/contributions/rows/:id/ignore', readers, async (c) => {
    await ignoreBankRow(deps, actorOf(sessionOf(c)), c.req.param('id'));
    return c.redirect('/admin/contributions', 303);
  });
}
