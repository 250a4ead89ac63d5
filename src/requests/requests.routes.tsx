import { open } from 'node:fs/promises';
import { Hono } from 'hono';
import type { Deps } from '../core/deps.ts';
import { localDate } from '../core/clock.ts';
import { AppError } from '../core/errors.ts';
import { pageContext, sendPage } from '../core/http/app.tsx';
import { actorOf, sessionOf, type AppContext, type AppEnv } from '../core/http/context.ts';
import { formProblems, formText } from '../core/http/forms.ts';
import { requireRole } from '../core/http/guard.ts';
import { getMemberByNumber } from '../members/index.ts';
import { daysBetween } from './deadline.ts';
import { approveRequest } from './execute.ts';
import { RequestError } from './requests.errors.ts';
import {
  changeRequestKind,
  confirmationIsUsable,
  confirmRequest,
  denyRequest,
  extendRequest,
  getRequest,
  isRequestKind,
  listRequests,
  OPEN_STATES,
  recordRequest,
  verifyRequest,
} from './requests.service.ts';
import type { LedgerRequest } from './requests.types.ts';
import { ConfirmPage, RequestListPage, RequestPage, type RequestRow } from './requests.views.tsx';

/** Requests due within this many days are marked "due soon" (the first reminder's step). */
const DUE_SOON_DAYS = 14;
/** The admin page shows at most this much of a raw mail. */
const MAIL_SHOWN_BYTES = 256 * 1024;
const TOKEN = /^[A-Za-z0-9_-]{20,100}$/;

function rowOf(deps: Pick<Deps, 'clock' | 'config'>, request: LedgerRequest): RequestRow {
  const daysLeft = daysBetween(
    localDate(deps.clock.now(), deps.config.club.timeZone),
    request.dueOn,
  );
  const urgency =
    request.closedAt !== null
      ? null
      : daysLeft < 0
        ? 'overdue'
        : request.pausedSince
          ? 'paused'
          : daysLeft <= DUE_SOON_DAYS
            ? 'soon'
            : null;
  return { request, daysLeft, urgency };
}

async function readMail(path: string | null): Promise<string | null> {
  if (!path) return null;
  try {
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(MAIL_SHOWN_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, MAIL_SHOWN_BYTES, 0);
      return buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
}

/**
 * The board's request pages (`/admin/requests`, one request, its actions) and the public
 * confirmation link (`/requests/confirm/:token`: GET shows a button, POST confirms).
 */
export function requestRoutes(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const board = requireRole('board');
  const timeZone = deps.config.club.timeZone;

  const listPage = async (
    c: AppContext,
    issues?: readonly { path: string; message: string }[],
  ): Promise<Response> => {
    const all = c.req.query('all') === '1';
    const requests = await listRequests(deps, all ? [] : OPEN_STATES);
    return sendPage(
      c,
      <RequestListPage
        page={pageContext(c)}
        rows={requests.map((request) => rowOf(deps, request))}
        all={all}
        timeZone={timeZone}
        issues={issues}
      />,
      issues ? 422 : 200,
    );
  };

  const detailPage = async (
    c: AppContext,
    id: string,
    options: { notice?: string; issues?: readonly { path: string; message: string }[] } = {},
  ): Promise<Response> => {
    const request = await getRequest(deps, id);
    return sendPage(
      c,
      <RequestPage
        page={pageContext(c)}
        row={rowOf(deps, request)}
        mail={await readMail(request.mailFile)}
        timeZone={timeZone}
        notice={options.notice}
        issues={options.issues}
      />,
      options.issues ? 409 : 200,
    );
  };

  app.get('/admin/requests', board, (c) => listPage(c));

  app.post('/admin/requests', board, async (c) => {
    const form = formText(await c.req.parseBody(), [
      'kind',
      'memberNumber',
      'receivedOn',
      'how',
      'lang',
      'replyTo',
    ]);
    try {
      if (!isRequestKind(form.kind))
        throw new RequestError('requests.invalid_kind', 'unknown kind');
      if (!/^\d{4}-\d{2}-\d{2}$/.test(form.receivedOn)) {
        throw new RequestError('requests.invalid_input', 'give the date of receipt');
      }
      const memberId = form.memberNumber.trim()
        ? (await getMemberByNumber(deps, { includeRestricted: true }, form.memberNumber.trim())).id
        : null;
      const { id } = await recordRequest(deps, actorOf(sessionOf(c)), {
        kind: form.kind,
        channel: 'board',
        // Noon in UTC lies on the same calendar day in every European time zone.
        receivedAt: new Date(`${form.receivedOn}T12:00:00.000Z`),
        lang: form.lang === 'en' ? 'en' : 'de',
        identity: { kind: 'board', memberId, how: form.how },
        replyTo: form.replyTo.trim() || null,
      });
      return c.redirect(`/admin/requests/${id}?done=recorded`, 303);
    } catch (error) {
      return listPage(c, formProblems(error));
    }
  });

  app.get('/admin/requests/:id', board, (c) =>
    detailPage(c, c.req.param('id'), {
      ...(c.req.query('done') === 'recorded'
        ? { notice: pageContext(c).t('requests.admin.recorded') }
        : c.req.query('done')
          ? { notice: pageContext(c).t('requests.admin.saved') }
          : {}),
    }),
  );

  const action = (
    name: string,
    fields: readonly string[],
    run: (id: string, form: Record<string, string>, c: AppContext) => Promise<unknown>,
  ) => {
    app.post(`/admin/requests/:id/${name}`, board, async (c) => {
      const id = c.req.param('id');
      const form = formText(await c.req.parseBody(), fields);
      try {
        await run(id, form, c);
      } catch (error) {
        if (error instanceof AppError && error.kind === 'not_found') throw error;
        return detailPage(c, id, { issues: formProblems(error) });
      }
      return c.redirect(`/admin/requests/${id}?done=${name}`, 303);
    });
  };
  action('approve', ['username', 'note'], (id, form, c) =>
    approveRequest(deps, actorOf(sessionOf(c)), id, {
      username: form['username'],
      note: form['note'],
    }),
  );
  action('deny', ['reason'], (id, form, c) =>
    denyRequest(deps, actorOf(sessionOf(c)), id, form['reason'] ?? ''),
  );
  action('extend', ['reason'], (id, form, c) =>
    extendRequest(deps, actorOf(sessionOf(c)), id, form['reason'] ?? ''),
  );
  action('kind', ['kind'], (id, form, c) =>
    changeRequestKind(deps, actorOf(sessionOf(c)), id, form['kind'] ?? ''),
  );
  action('verify', ['how', 'memberNumber'], async (id, form, c) => {
    const number = form['memberNumber']?.trim();
    const memberId = number
      ? (await getMemberByNumber(deps, { includeRestricted: true }, number)).id
      : undefined;
    return verifyRequest(deps, actorOf(sessionOf(c)), id, { how: form['how'] ?? '', memberId });
  });

  app.get('/requests/confirm/:token', async (c) => {
    const token = c.req.param('token');
    const usable = TOKEN.test(token) && (await confirmationIsUsable(deps, token));
    return sendPage(
      c,
      <ConfirmPage page={pageContext(c)} token={token} state={usable ? 'ask' : 'invalid'} />,
      usable ? 200 : 404,
    );
  });

  app.post('/requests/confirm/:token', async (c) => {
    const token = c.req.param('token');
    const request = TOKEN.test(token) ? await confirmRequest(deps, token) : null;
    return sendPage(
      c,
      <ConfirmPage
        page={pageContext(c)}
        token={token}
        state={request ? { due: request.dueOn } : 'invalid'}
      />,
      request ? 200 : 404,
    );
  });

  return app;
}
