import { Hono } from 'hono';
import { listAuditForMember } from '../core/audit/index.ts';
import type { Deps } from '../core/deps.ts';
import { pageContext, sendPage } from '../core/http/app.tsx';
import type { AppEnv } from '../core/http/context.ts';
import { requireRole } from '../core/http/guard.ts';
import { retentionStatus } from './retention.service.ts';
import { ErasureRecordPage, RetentionPage } from './retention.views.tsx';

const ERASURE_EVENTS = new Set([
  'members.membership.ended',
  'members.erasure.fields',
  'members.erasure.final',
  'members.audit.anonymised',
]);

const CATEGORY_OF: Record<string, string> = {
  birthDate: 'birthDate',
  street: 'street',
  postcode: 'postcode',
  city: 'city',
  email: 'email',
  phone: 'phone',
  openpgpFingerprint: 'openpgpFingerprint',
};

/** The proof of deletion (admin) and a member's erasure record (board). */
export function retentionRoutes(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const timeZone = deps.config.club.timeZone;

  app.get('/admin/retention', requireRole('admin', 'board'), async (c) =>
    sendPage(
      c,
      <RetentionPage
        page={pageContext(c)}
        rows={await retentionStatus(deps)}
        timeZone={timeZone}
      />,
    ),
  );

  // By id, so the record stays printable after the member row itself has been erased.
  app.get('/admin/erasures/:memberId', requireRole('board', 'treasurer'), async (c) => {
    const memberId = c.req.param('memberId');
    const events = await listAuditForMember(deps.db, memberId);
    const steps = events
      .filter((event) => ERASURE_EVENTS.has(event.event))
      .map((event) => ({
        at: event.occurredAt,
        event: event.event,
        fields: event.fields.map((field) => CATEGORY_OF[field] ?? field),
      }));
    return sendPage(
      c,
      <ErasureRecordPage
        page={pageContext(c)}
        memberId={memberId}
        steps={steps}
        timeZone={timeZone}
      />,
      steps.length > 0 ? 200 : 404,
    );
  });

  return app;
}
