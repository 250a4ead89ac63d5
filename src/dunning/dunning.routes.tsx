import { Hono } from 'hono';
import type { Deps } from '../core/deps.ts';
import { NotFoundError } from '../core/errors.ts';
import { pageContext, sendPage } from '../core/http/app.tsx';
import { actorOf, sessionOf, type AppEnv } from '../core/http/context.ts';
import { formText } from '../core/http/forms.ts';
import { requireRole } from '../core/http/guard.ts';
import { newToken } from '../core/ids.ts';
import { approveReminders, getRun, planReminders } from './dunning.service.ts';
import { RemindersPage, RunPage } from './dunning.views.tsx';

/** Who may see who is in arrears (as the ledger). */
const readers = requireRole('board', 'treasurer');
/** Who approves sending: the board. */
const approvers = requireRole('board');

/**
 * The payment reminders under `/admin/reminders`: the preview (board and treasurer), the
 * board's approval, and the progress page of a run.
 */
export function dunningRoutes(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/admin/reminders', readers, async (c) => {
    let plan = null;
    try {
      plan = await planReminders(deps);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
    return sendPage(
      c,
      <RemindersPage
        page={pageContext(c)}
        currency={deps.config.members.currency}
        plan={plan}
        runKey={newToken()}
        mayApprove={sessionOf(c).roles.includes('board')}
      />,
    );
  });

  app.post('/admin/reminders/approve', approvers, async (c) => {
    const { runKey, keys } = formText(await c.req.parseBody(), ['runKey', 'keys']);
    const { runId } = await approveReminders(
      deps,
      actorOf(sessionOf(c)),
      runKey,
      keys.split(/\s+/).filter(Boolean),
    );
    return c.redirect(`/admin/reminders/runs/${encodeURIComponent(runId)}`, 303);
  });

  app.get('/admin/reminders/runs/:id', readers, async (c) => {
    const run = await getRun(deps, c.req.param('id'));
    return sendPage(c, <RunPage page={pageContext(c)} run={run} />);
  });
  return app;
}
