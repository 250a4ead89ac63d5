import { Hono } from 'hono';
import type { Deps } from '../core/deps.ts';
import { pageContext, sendPage } from '../core/http/app.tsx';
import {
  actorOf,
  memberIdOf,
  sessionOf,
  type AppContext,
  type AppEnv,
} from '../core/http/context.ts';
import { requireRole } from '../core/http/guard.ts';
import { getMember, visibilityFor, type RegistryLabels } from '../members/index.ts';
import { recordPortalRequest } from '../requests/index.ts';
import { buildAccessReport, type AccessReport } from './access.service.ts';
import { AccessReportView, PortalHome } from './access.views.tsx';

/**
 * The member portal (`/me`, the member's own data only: the member id comes from the session,
 * never from the URL) and the board's view of any member's access report.
 */
export function accessRoutes(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const labelsFor = (c: AppContext): RegistryLabels => ({
    numberLabel: deps.config.members.numberLabel[c.get('lang')],
    currency: deps.config.members.currency,
    timeZone: deps.config.club.timeZone,
  });
  const json = (c: AppContext, report: AccessReport) => {
    c.header(
      'Content-Disposition',
      `attachment; filename="access-${report.member.memberNumber ?? 'member'}.json"`,
    );
    return c.json(report);
  };
  app.get('/me', requireRole('member'), async (c) => {
    const member = await getMember(deps, { includeRestricted: true }, memberIdOf(c));
    return sendPage(c, <PortalHome page={pageContext(c)} name={member.firstName} />);
  });

  app.get('/me/data', requireRole('member'), async (c) => {
    const report = await buildAccessReport(
      deps,
      actorOf(sessionOf(c)),
      { includeRestricted: true },
      memberIdOf(c),
    );
    return sendPage(
      c,
      <AccessReportView
        page={pageContext(c)}
        labels={labelsFor(c)}
        report={report}
        jsonHref="/me/data.json"
      />,
    );
  });

  app.get('/me/data.json', requireRole('member'), async (c) => {
    const report = await buildAccessReport(
      deps,
      actorOf(sessionOf(c)),
      { includeRestricted: true },
      memberIdOf(c),
    );
    // The export is an access request answered at once: the ledger shows it as done.
    await recordPortalRequest(deps, actorOf(sessionOf(c)), {
      memberId: memberIdOf(c),
      kind: 'access',
      lang: c.get('lang'),
      done: 'report.portal',
    });
    return json(c, report);
  });

  const boardReport = (c: AppContext) => {
    const session = sessionOf(c);
    return buildAccessReport(
      deps,
      actorOf(session),
      visibilityFor(session.roles),
      c.req.param('id') ?? '',
    );
  };

  app.get('/admin/members/:id/access', requireRole('board', 'treasurer'), async (c) => {
    const report = await boardReport(c);
    return sendPage(
      c,
      <AccessReportView
        page={pageContext(c)}
        labels={labelsFor(c)}
        report={report}
        jsonHref={`/admin/members/${c.req.param('id')}/access.json`}
      />,
    );
  });

  app.get('/admin/members/:id/access.json', requireRole('board', 'treasurer'), async (c) =>
    json(c, await boardReport(c)),
  );

  return app;
}
