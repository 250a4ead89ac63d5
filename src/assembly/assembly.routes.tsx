import { Hono } from 'hono';
import type { Deps } from '../core/deps.ts';
import type { FieldIssue } from '../core/errors.ts';
import { pageContext, sendPage } from '../core/http/app.tsx';
import { actorOf, sessionOf, type AppContext, type AppEnv } from '../core/http/context.ts';
import { formFile, formProblems, formText } from '../core/http/forms.ts';
import { requireRole } from '../core/http/guard.ts';
import { CsrfField, Layout, Notices, type PageContext } from '../core/http/layout.tsx';
import { formatDate, formatDateTime } from '../core/i18n/index.ts';
import { requireAssemblyDeclared } from './assembly.gate.ts';
import { INVITATION_FIELDS, MODES } from './assembly.schema.ts';
import {
  attachMinutes,
  createInvitation,
  invitationProgress,
  invitationReport,
  listInvitations,
  readMinutes,
  startInvitationRun,
  type DeliveryLine,
  type InvitationProgress,
  type InvitationReport,
} from './assembly.service.ts';

type InvitationValues = Record<(typeof INVITATION_FIELDS)[number], string>;
const EMPTY: InvitationValues = {
  title: '',
  startsAt: '',
  mode: 'presence',
  place: '',
  onlineAccess: '',
  virtualResolution: '',
  agenda: '',
};

function InvitationForm(props: { page: PageContext; values: InvitationValues }) {
  const { t } = props.page;
  const v = props.values;
  return (
    <form method="post" action="/admin/assemblies">
      <CsrfField token={props.page.csrfToken} />
      <label>
        {t('assembly.name')}
        <input name="title" value={v.title} required maxlength={200} />
      </label>
      <label>
        {t('assembly.startsAt')}
        <input type="datetime-local" name="startsAt" value={v.startsAt} required />
      </label>
      <fieldset>
        <legend>{t('assembly.mode')}</legend>
        {MODES.map((mode) => (
          <label>
            <input type="radio" name="mode" value={mode} checked={v.mode === mode} />{' '}
            {t(`assembly.modeLabel.${mode}`)}
          </label>
        ))}
      </fieldset>
      <label>
        {t('assembly.place')}
        <input name="place" value={v.place} maxlength={500} />
      </label>
      <label>
        {t('assembly.onlineAccess')}
        <textarea name="onlineAccess" rows={3} maxlength={1000}>
          {v.onlineAccess}
        </textarea>
      </label>
      <label>
        {t('assembly.virtualResolution')}
        <input name="virtualResolution" value={v.virtualResolution} maxlength={500} />
      </label>
      <label>
        {t('assembly.agenda')}
        <textarea name="agenda" rows={8} required>
          {v.agenda}
        </textarea>
      </label>
      <button type="submit">{t('assembly.create')}</button>
    </form>
  );
}

function ProofTable(props: { page: PageContext; lines: DeliveryLine[]; timeZone: string }) {
  const { t, lang } = props.page;
  return (
    <table>
      <thead>
        <tr>
          <th>{t('assembly.member')}</th>
          <th>{t('assembly.channel')}</th>
          <th>{t('assembly.status')}</th>
          <th>{t('assembly.at')}</th>
        </tr>
      </thead>
      <tbody>
        {props.lines.map(({ member, delivery }) => (
          <tr>
            <td>
              {member.member_number} {member.first_name} {member.last_name}
              {delivery?.status === 'letter' &&
                ` · ${[member.street, `${member.postcode ?? ''} ${member.city ?? ''}`.trim()].filter(Boolean).join(', ')}`}
            </td>
            <td>{delivery ? t(`assembly.channel.${delivery.channel}`) : '—'}</td>
            <td>{t(`assembly.status.${delivery?.status ?? 'none'}`)}</td>
            <td>{delivery ? formatDateTime(delivery.at, lang, props.timeZone) : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function DetailPage(props: {
  page: PageContext;
  report: InvitationReport;
  timeZone: string;
  limit: number;
  notice?: string | undefined;
  issues?: readonly FieldIssue[] | undefined;
}) {
  const { t, lang } = props.page;
  const { assembly, unreached, letters } = props.report;
  return (
    <Layout page={props.page} title={assembly.title}>
      <h1>{assembly.title}</h1>
      <Notices notice={props.notice} issues={props.issues} />
      <p>
        {assembly.starts_at.replace('T', ' ')} · {t(`assembly.modeLabel.${assembly.mode}`)}
        {assembly.place ? ` · ${assembly.place}` : ''}
      </p>
      {assembly.online_access && <p>{assembly.online_access}</p>}
      <p>
        {t('assembly.sendBy')}: <strong>{formatDate(assembly.send_by, lang)}</strong>
      </p>
      <h2>{t('assembly.agenda')}</h2>
      <pre>{assembly.agenda}</pre>
      <form method="post" action={`/admin/assemblies/${assembly.id}/send`}>
        <CsrfField token={props.page.csrfToken} />
        <button type="submit">{t('assembly.send')}</button>
      </form>
      <h2>{t('assembly.proof')}</h2>
      <p class={unreached.length === 0 ? 'ok' : 'bad'}>
        {unreached.length === 0
          ? t('assembly.everyoneReached')
          : `${t('assembly.unreached')}: ${unreached.map((line) => `${line.member.member_number} ${line.member.first_name} ${line.member.last_name}`).join(', ')}`}
      </p>
      {letters.length > 0 && (
        <p>
          {t('assembly.letters')}: {letters.length}
        </p>
      )}
      <ProofTable page={props.page} lines={props.report.lines} timeZone={props.timeZone} />
      <h2>{t('assembly.minutes')}</h2>
      {assembly.minutes_name && (
        <p>
          <a href={`/admin/assemblies/${assembly.id}/minutes`}>
            {t('assembly.minutes.download', {
              name: assembly.minutes_name,
              size: assembly.minutes_size ?? 0,
            })}
          </a>
        </p>
      )}
      <form
        method="post"
        action={`/admin/assemblies/${assembly.id}/minutes`}
        enctype="multipart/form-data"
      >
        <CsrfField token={props.page.csrfToken} />
        <label>
          {t('assembly.minutes.attach')} (
          {t('assembly.minutes.limit', { size: `${Math.round(props.limit / 1024)} KiB` })})
          <input type="file" name="minutes" required />
        </label>
        <button type="submit">{t('assembly.minutes.attach')}</button>
      </form>
      <p>
        <a href="/admin/assemblies">{t('assembly.title')}</a>
      </p>
    </Layout>
  );
}

function memberName(line: DeliveryLine): string {
  return `${line.member.member_number} ${line.member.first_name} ${line.member.last_name}`;
}

function postalAddress(line: DeliveryLine): string {
  const { street, postcode, city } = line.member;
  return [street, `${postcode ?? ''} ${city ?? ''}`.trim()].filter(Boolean).join(', ');
}

/**
 * The progress line of the sending of an invitation; reloads itself every two seconds (no
 * script) while a run sends. Once done: the counts, who needs a letter (with the postal
 * address) and who was not reached (with the mail error's code).
 */
function ProgressPage(props: { page: PageContext; progress: InvitationProgress }) {
  const { t } = props.page;
  const { report, running } = props.progress;
  const { assembly, letters } = report;
  const failures = report.lines.filter((line) => line.delivery?.status === 'failed');
  const done = props.progress.total - props.progress.open;
  return (
    <Layout
      page={props.page}
      title={t('assembly.run.title')}
      refreshSeconds={running ? 2 : undefined}
    >
      <h1>{t('assembly.run.title')}</h1>
      <p>{assembly.title}</p>
      <progress value={String(done)} max={String(Math.max(1, props.progress.total))} />
      <p role="status">
        {t('assembly.run.progress', {
          mailed: props.progress.mailed,
          total: props.progress.total,
          letters: props.progress.letters,
          failed: props.progress.failed,
          open: props.progress.open,
        })}{' '}
        {running
          ? t('assembly.run.running')
          : t('assembly.sent', {
              mailed: props.progress.mailed,
              letters: letters.length,
              unreached: report.unreached.length,
            })}
      </p>
      {!running && letters.length > 0 && (
        <>
          <h2>{t('assembly.letters')}</h2>
          <ul>
            {letters.map((line) => (
              <li>
                {memberName(line)} · {postalAddress(line)}
              </li>
            ))}
          </ul>
        </>
      )}
      {!running && failures.length > 0 && (
        <>
          <h2>{t('assembly.run.failures')}</h2>
          <ul>
            {failures.map((line) => (
              <li>
                {memberName(line)} · {line.delivery?.address ?? ''} · {line.delivery?.error ?? ''}
              </li>
            ))}
          </ul>
        </>
      )}
      <p>
        <a href={`/admin/assemblies/${assembly.id}`}>{t('assembly.run.back')}</a>
      </p>
    </Layout>
  );
}

/**
 * The board's assembly pages (`/admin/assemblies`): write an invitation, send it to every
 * active member, the proof of delivery per member, the minutes. Board only. Without the
 * declaration (assembly.gate.ts) the page says so and every action answers 403.
 */
export function assemblyRoutes(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const board = requireRole('board');
  const timeZone = deps.config.club.timeZone;
  const limit = deps.config.members.assembly?.minutesMaxBytes ?? 0;

  const overview = async (
    c: AppContext,
    extra: { values?: InvitationValues; issues?: readonly FieldIssue[] } = {},
    status: 200 | 422 = 200,
  ) => {
    const page = pageContext(c);
    const { t, lang } = page;
    let period: string;
    try {
      period = requireAssemblyDeclared(deps.config);
    } catch {
      return sendPage(
        c,
        <Layout page={page} title={t('assembly.title')}>
          <h1>{t('assembly.title')}</h1>
          <p>{t('assembly.notDeclared')}</p>
        </Layout>,
      );
    }
    const assemblies = await listInvitations(deps);
    return sendPage(
      c,
      <Layout page={page} title={t('assembly.title')}>
        <h1>{t('assembly.title')}</h1>
        <Notices issues={extra.issues} />
        <p>{t('assembly.intro', { period })}</p>
        {assemblies.length === 0 ? (
          <p>{t('assembly.none')}</p>
        ) : (
          <ul>
            {assemblies.map((assembly) => (
              <li>
                <a href={`/admin/assemblies/${assembly.id}`}>
                  {assembly.starts_at.replace('T', ' ')} {assembly.title}
                </a>{' '}
                ({t('assembly.sendBy')} {formatDate(assembly.send_by, lang)})
              </li>
            ))}
          </ul>
        )}
        <h2>{t('assembly.new')}</h2>
        <InvitationForm page={page} values={extra.values ?? EMPTY} />
      </Layout>,
      status,
    );
  };

  const detail = async (
    c: AppContext,
    id: string,
    extra: { notice?: string; issues?: readonly FieldIssue[] } = {},
    status: 200 | 413 | 422 = 200,
  ) =>
    sendPage(
      c,
      <DetailPage
        page={pageContext(c)}
        report={await invitationReport(deps, id)}
        timeZone={timeZone}
        limit={limit}
        notice={extra.notice}
        issues={extra.issues}
      />,
      status === 413 ? 422 : status,
    );

  app.get('/admin/assemblies', board, (c) => overview(c));
  app.post('/admin/assemblies', board, async (c) => {
    requireAssemblyDeclared(deps.config);
    const values = formText(await c.req.parseBody(), INVITATION_FIELDS);
    let id: string;
    let sendBy: string;
    try {
      const row = await createInvitation(deps, actorOf(sessionOf(c)), values);
      id = row.id;
      sendBy = row.send_by;
    } catch (error) {
      return overview(c, { values, issues: formProblems(error) }, 422);
    }
    return detail(c, id, {
      notice: c.var.t('assembly.created', { sendBy: formatDate(sendBy, c.var.lang) }),
    });
  });
  app.get('/admin/assemblies/:id', board, (c) => detail(c, c.req.param('id')));
  // Sending runs after the answer: the POST starts a run (or joins the one sending now) and
  // sends the board to its progress page, so a reload there is a GET and sends nothing.
  app.post('/admin/assemblies/:id/send', board, async (c) => {
    const id = c.req.param('id');
    try {
      await startInvitationRun(deps, actorOf(sessionOf(c)), id);
    } catch (error) {
      return detail(c, id, { issues: formProblems(error) }, 422);
    }
    return c.redirect(`/admin/assemblies/${encodeURIComponent(id)}/progress`, 303);
  });
  app.get('/admin/assemblies/:id/progress', board, async (c) =>
    sendPage(
      c,
      <ProgressPage
        page={pageContext(c)}
        progress={await invitationProgress(deps, c.req.param('id'))}
      />,
    ),
  );
  app.post('/admin/assemblies/:id/minutes', board, async (c) => {
    const id = c.req.param('id');
    const body = await c.req.parseBody();
    try {
      await attachMinutes(deps, actorOf(sessionOf(c)), id, await formFile(body, 'minutes'));
    } catch (error) {
      return detail(c, id, { issues: formProblems(error) }, 422);
    }
    return detail(c, id, { notice: c.var.t('assembly.minutes.attached') });
  });
  app.get('/admin/assemblies/:id/minutes', board, async (c) => {
    const file = await readMinutes(deps, c.req.param('id'));
    return c.body(new Uint8Array(file.bytes), 200, {
      'content-type': 'application/octet-stream',
      'content-disposition': `attachment; filename="${encodeURIComponent(file.name)}"`,
      'cache-control': 'no-store',
    });
  });
  return app;
}
