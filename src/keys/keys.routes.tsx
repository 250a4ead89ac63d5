import { Hono } from 'hono';
import type { Deps } from '../core/deps.ts';
import { AppError, ValidationError, type FieldIssue } from '../core/errors.ts';
import { pageContext, sendPage } from '../core/http/app.tsx';
import {
  actorOf,
  memberIdOf,
  sessionOf,
  type AppContext,
  type AppEnv,
} from '../core/http/context.ts';
import { formFile, formProblems, formText } from '../core/http/forms.ts';
import { requireRole } from '../core/http/guard.ts';
import type { Translate } from '../core/i18n/index.ts';
import { getMemberByNumber } from '../members/index.ts';
import { createKeyDirectory, type KeyDirectory } from './directory.ts';
import {
  clubAddressOf,
  confirmPublication,
  keysOfMember,
  listKeys,
  removeKeyById,
  removeKeyOfMember,
  requestPublication,
  type PublicationRequest,
} from './keys.service.ts';
import { recordPortalRequest } from '../requests/index.ts';
import { KeysAdminPage, MyKeyPage, type ChallengeView } from './keys.views.tsx';
import { submissionAddress } from './submission-key.ts';
import { isWkdRequest, wkdHandler, wkdNodeListener, type WkdNodeListener } from './wkd.routes.ts';

/**
 * The problems of a failed action, for showing above the form. Known codes (every key error,
 * the code checks) get a German or English text; other refusals show their message.
 */
function problemsOf(error: unknown, t: Translate): readonly FieldIssue[] {
  const key = error instanceof AppError ? `keys.error.${error.code}` : '';
  const problems = formProblems(error);
  return t.has(key) ? [{ path: '', message: t(key) }] : problems;
}

/** The uploaded key: the file if one was chosen, else the pasted text. */
async function uploadedKey(body: Record<string, unknown>): Promise<string | Uint8Array> {
  const file = await formFile(body, 'file');
  if (file && file.bytes.length > 0) return file.bytes;
  return formText(body, ['key']).key;
}

function challengeView(request: PublicationRequest & { kind: 'pending' }): ChallengeView {
  return {
    challenge: request.challenge,
    fingerprint: request.pending.fingerprint,
    expiresAt: request.pending.expiresAt ?? '',
    mailed: request.mailed,
  };
}

/**
 * The key pages: the member's own key in the portal (`/me/keys`: upload, prove, publish,
 * remove) and the admin's list (`/admin/keys`: publish on a member's request with the same
 * proof, remove). Every change invalidates this process's WKD map at once.
 */
export function keyPageRoutes(deps: Deps, directory: KeyDirectory): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const members = requireRole('member');
  const admins = requireRole('admin');

  const myPage = async (
    c: AppContext,
    extra: { notice?: string; issues?: readonly FieldIssue[]; challenge?: ChallengeView } = {},
    status: 200 | 422 = 200,
  ) => {
    const memberId = memberIdOf(c);
    let address: string | null = null;
    try {
      address = await clubAddressOf(deps, memberId);
    } catch (error) {
      if (!(error instanceof AppError) || error.kind === 'internal') throw error;
    }
    const keys = await keysOfMember(deps, memberId);
    return sendPage(
      c,
      <MyKeyPage
        page={pageContext(c)}
        address={address}
        published={keys.find((key) => key.state === 'published' && key.address === address)}
        pending={keys.find((key) => key.state === 'pending' && key.address === address)}
        challenge={extra.challenge}
        submissionAddress={submissionAddress(deps.config)}
        notice={extra.notice}
        issues={extra.issues}
      />,
      status,
    );
  };

  app.get('/me/keys', members, (c) => myPage(c));

  app.post('/me/keys', members, async (c) => {
    const t = c.get('t');
    try {
      const request = await requestPublication(
        deps,
        actorOf(sessionOf(c)),
        memberIdOf(c),
        await uploadedKey(await c.req.parseBody()),
        'portal',
      );
      if (request.kind === 'revoked') {
        directory.invalidate();
        return await myPage(c, { notice: t('keys.revokedRemoved') });
      }
      return await myPage(c, { challenge: challengeView(request) });
    } catch (error) {
      return myPage(c, { issues: problemsOf(error, t) }, 422);
    }
  });

  app.post('/me/keys/confirm', members, async (c) => {
    const t = c.get('t');
    const body = await c.req.parseBody();
    const { code } = formText(body, ['code']);
    try {
      const { fingerprintRecorded } = await confirmPublication(
        deps,
        actorOf(sessionOf(c)),
        memberIdOf(c),
        code,
        { recordFingerprint: body['recordFingerprint'] === '1' },
      );
      directory.invalidate();
      await recordPortalRequest(deps, actorOf(sessionOf(c)), {
        memberId: memberIdOf(c),
        kind: 'key.publish',
        lang: c.get('lang'),
        done: 'key.published',
      });
      return await myPage(c, {
        notice: `${t('keys.my.publishedNotice')}${fingerprintRecorded ? ` ${t('keys.fingerprintRecorded')}` : ''}`,
      });
    } catch (error) {
      return myPage(c, { issues: problemsOf(error, t) }, 422);
    }
  });

  app.post('/me/keys/remove', members, async (c) => {
    const t = c.get('t');
    const { confirm } = formText(await c.req.parseBody(), ['confirm']);
    if (confirm !== 'yes')
      return myPage(c, { issues: [{ path: '', message: t('keys.my.removeConfirm') }] }, 422);
    await removeKeyOfMember(deps, actorOf(sessionOf(c)), memberIdOf(c));
    directory.invalidate();
    return myPage(c, { notice: t('keys.my.removedNotice') });
  });

  const adminPage = async (
    c: AppContext,
    extra: {
      notice?: string;
      issues?: readonly FieldIssue[];
      challenge?: ChallengeView & { memberId: string; address: string };
    } = {},
    status: 200 | 422 = 200,
  ) => {
    const [entries, pending] = await Promise.all([
      listKeys(deps, 'published'),
      listKeys(deps, 'pending'),
    ]);
    return sendPage(
      c,
      <KeysAdminPage
        page={pageContext(c)}
        entries={entries}
        pending={
          extra.challenge
            ? pending.filter((p) => p.key.memberId !== extra.challenge?.memberId)
            : pending
        }
        numberLabel={deps.config.members.numberLabel[c.get('lang')]}
        challenge={extra.challenge}
        notice={extra.notice}
        issues={extra.issues}
      />,
      status,
    );
  };

  app.get('/admin/keys', admins, (c) => adminPage(c));

  app.post('/admin/keys', admins, async (c) => {
    const t = c.get('t');
    const body = await c.req.parseBody();
    try {
      const { memberNumber } = formText(body, ['memberNumber']);
      const member = await getMemberByNumber(
        deps,
        { includeRestricted: false },
        memberNumber.trim(),
      );
      const request = await requestPublication(
        deps,
        actorOf(sessionOf(c)),
        member.id,
        await uploadedKey(body),
        'admin',
      );
      if (request.kind === 'revoked') {
        directory.invalidate();
        return await adminPage(c, { notice: t('keys.revokedRemoved') });
      }
      return await adminPage(c, {
        challenge: {
          ...challengeView(request),
          memberId: member.id,
          address: request.pending.address,
        },
      });
    } catch (error) {
      return adminPage(c, { issues: problemsOf(error, t) }, 422);
    }
  });

  app.post('/admin/keys/confirm', admins, async (c) => {
    const t = c.get('t');
    const body = await c.req.parseBody();
    const { memberId, code } = formText(body, ['memberId', 'code']);
    try {
      const { fingerprintRecorded } = await confirmPublication(
        deps,
        actorOf(sessionOf(c)),
        memberId,
        code,
        { recordFingerprint: body['recordFingerprint'] === '1' },
      );
      directory.invalidate();
      return await adminPage(c, {
        notice: `${t('keys.admin.published')}${fingerprintRecorded ? ` ${t('keys.fingerprintRecorded')}` : ''}`,
      });
    } catch (error) {
      return adminPage(c, { issues: problemsOf(error, t) }, 422);
    }
  });

  app.post('/admin/keys/:id/remove', admins, async (c) => {
    const t = c.get('t');
    const { confirm } = formText(await c.req.parseBody(), ['confirm']);
    try {
      if (confirm !== 'yes')
        throw new ValidationError('confirmation_missing', t('keys.admin.removeConfirm'));
      await removeKeyById(deps, actorOf(sessionOf(c)), c.req.param('id'));
      directory.invalidate();
      return await adminPage(c, { notice: t('keys.admin.removed') });
    } catch (error) {
      return adminPage(c, { issues: problemsOf(error, t) }, 422);
    }
  });

  return app;
}

const nodeListeners = new WeakMap<object, WkdNodeListener>();

/**
 * The WKD of an app made by {@link mountKeys} as a Node request listener, for `treff serve` to
 * put in front of the web app's adapter (the same answers without a fetch Request/Response).
 */
export function wkdNodeListenerOf(app: object): WkdNodeListener | undefined {
  return nodeListeners.get(app);
}

/**
 * Mounts the keys module on treff's web app: the key pages as ordinary routes, and the public
 * WKD in front of the web frame. WKD requests never run the frame's middleware (session,
 * CSRF, language, request log, HTML error pages): they need none of it, must never be answered
 * 401/403 or redirected, and so a lookup costs a map access instead of a page request — which
 * is what lets one `treff serve` answer WKD lookups at a rate comparable to nginx
 * (bench/wkd.ts). Not logging lookups also means no record of who asked for whose key.
 * Returns `app`, whose `fetch` (and so `request`) now dispatches the WKD prefix first.
 */
export function mountKeys(
  app: Hono<AppEnv>,
  deps: Deps,
  directory: KeyDirectory = createKeyDirectory(deps),
): Hono<AppEnv> {
  app.route('/', keyPageRoutes(deps, directory));
  nodeListeners.set(app, wkdNodeListener(deps, directory));
  const wkd = wkdHandler(deps, directory);
  const frame = app.fetch;
  app.fetch = (request, env?: unknown, executionContext?: Parameters<typeof app.fetch>[2]) =>
    isWkdRequest(request, env) ? wkd(request, env) : frame(request, env, executionContext);
  return app;
}
