import type { FieldIssue } from '../core/errors.ts';
import {
  ConfirmedActionForm,
  CsrfField,
  Layout,
  Notices,
  type PageContext,
} from '../core/http/layout.tsx';
import { formatDate } from '../core/i18n/index.ts';
import type { KeyListEntry, WkdKey } from './keys.service.ts';

/** A fingerprint in groups of four, as gpg prints it. */
export function groupedFingerprint(fingerprint: string): string {
  return (fingerprint.match(/.{1,4}/g) ?? []).join(' ');
}

function Expiry(props: { page: PageContext; keyExpiresAt: string | null }) {
  const { t, lang } = props.page;
  return (
    <>
      {props.keyExpiresAt
        ? t('keys.expiresOn', { date: formatDate(props.keyExpiresAt, lang) })
        : t('keys.neverExpires')}
    </>
  );
}

/** The key upload fields: pasted armored text or a file (binary or armored). */
function KeyInput(props: { page: PageContext; address?: string | undefined }) {
  const { t } = props.page;
  return (
    <>
      <label>
        {t('keys.keyLabel')}
        <textarea
          name="key"
          rows={6}
          spellcheck={false}
          placeholder="-----BEGIN PGP PUBLIC KEY BLOCK-----"
          aria-describedby="key-help"
        ></textarea>
        <small id="key-help">{t('keys.keyHelp', { address: props.address ?? 'ADDRESS' })}</small>
      </label>
      <label>
        {t('keys.fileLabel')}
        <input type="file" name="file" accept=".asc,.gpg,.pgp,.key,application/pgp-keys" />
      </label>
    </>
  );
}

/** What the member sees right after an upload: the encrypted code and the form for it. */
export interface ChallengeView {
  challenge: string;
  fingerprint: string;
  expiresAt: string;
  mailed: boolean;
}

function ChallengeForm(props: {
  page: PageContext;
  action: string;
  challenge?: ChallengeView | undefined;
  address: string;
  memberId?: string | undefined;
  consentLabel: string;
}) {
  const { t, lang } = props.page;
  return (
    <section>
      <h2>{t('keys.pendingTitle')}</h2>
      {props.challenge && (
        <>
          <p>{t('keys.pendingText')}</p>
          <p class="muted">
            {t('keys.fingerprint')}: <code>{groupedFingerprint(props.challenge.fingerprint)}</code>
          </p>
          <pre>
            <code>{props.challenge.challenge}</code>
          </pre>
          {props.challenge.mailed && <p>{t('keys.mailed', { address: props.address })}</p>}
          <p class="muted">
            {t('keys.pendingUntil', { date: formatDate(props.challenge.expiresAt, lang) })}
          </p>
        </>
      )}
      <form method="post" action={props.action}>
        <CsrfField token={props.page.csrfToken} />
        {props.memberId && <input type="hidden" name="memberId" value={props.memberId} />}
        <label>
          {t('keys.code')}
          <input
            name="code"
            required
            autocomplete="off"
            spellcheck={false}
            pattern="[A-Za-z0-9 ]{16,80}"
          />
        </label>
        <label>
          <input type="checkbox" name="recordFingerprint" value="1" /> {props.consentLabel}
        </label>
        <button type="submit">{t('keys.confirm')}</button>
      </form>
    </section>
  );
}

/** The member's key page in the portal. */
export function MyKeyPage(props: {
  page: PageContext;
  address: string | null;
  published: WkdKey | undefined;
  pending: WkdKey | undefined;
  challenge?: ChallengeView | undefined;
  submissionAddress: string | null;
  notice?: string | undefined;
  issues?: readonly FieldIssue[] | undefined;
}) {
  const { page, published, pending, address } = props;
  const { t, lang } = page;
  return (
    <Layout page={page} title={t('keys.my.title')}>
      <h1>{t('keys.my.title')}</h1>
      <Notices notice={props.notice} issues={props.issues} />
      {!address && (
        <p>
          {t('keys.my.noAddress')} <a href="/me/account">{t('portal.account')}</a>
        </p>
      )}
      {address && (
        <>
          <p>{t('keys.my.intro', { address })}</p>
          {published && (
            <section>
              <h2>{t('keys.my.published')}</h2>
              <dl class="facts">
                <dt>{t('keys.address')}</dt>
                <dd>{published.address}</dd>
                <dt>{t('keys.fingerprint')}</dt>
                <dd>
                  <code>{groupedFingerprint(published.fingerprint)}</code>
                </dd>
                <dt>{t('keys.publishedAt')}</dt>
                <dd>{formatDate(published.publishedAt, lang)}</dd>
                <dt>{t('keys.validity')}</dt>
                <dd>
                  <Expiry page={page} keyExpiresAt={published.keyExpiresAt} />
                </dd>
              </dl>
              <ConfirmedActionForm
                action="/me/keys/remove"
                csrfToken={page.csrfToken}
                confirmLabel={t('keys.my.removeConfirm')}
                submitLabel={t('keys.my.remove')}
              />
            </section>
          )}
          {pending && (
            <ChallengeForm
              page={page}
              action="/me/keys/confirm"
              challenge={props.challenge}
              address={address}
              consentLabel={t('keys.my.recordFingerprint')}
            />
          )}
          <section>
            <h2>{published ? t('keys.my.replace') : t('keys.my.upload')}</h2>
            <form method="post" action="/me/keys" enctype="multipart/form-data">
              <CsrfField token={page.csrfToken} />
              <KeyInput page={page} address={address} />
              <button type="submit">{t('keys.check')}</button>
            </form>
            {props.submissionAddress && (
              <p class="muted">
                {t('keys.my.wks')}{' '}
                <code>{`gpg-wks-client --create --send FINGERPRINT ${address}`}</code>
              </p>
            )}
          </section>
          <p class="muted">{t('keys.my.deletion')}</p>
        </>
      )}
    </Layout>
  );
}

/** The admin's list of published keys, waiting requests, and the form for a member's request. */
export function KeysAdminPage(props: {
  page: PageContext;
  entries: KeyListEntry[];
  pending: KeyListEntry[];
  numberLabel: string;
  challenge?: (ChallengeView & { memberId: string; address: string }) | undefined;
  notice?: string | undefined;
  issues?: readonly FieldIssue[] | undefined;
}) {
  const { page } = props;
  const { t, lang } = page;
  return (
    <Layout page={page} title={t('keys.admin.title')}>
      <h1>{t('keys.admin.title')}</h1>
      <Notices notice={props.notice} issues={props.issues} />
      {props.entries.length === 0 ? (
        <p>{t('keys.admin.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('keys.address')}</th>
              <th>{t('keys.member')}</th>
              <th>{t('keys.fingerprint')}</th>
              <th>{t('keys.publishedAt')}</th>
              <th>{t('keys.validity')}</th>
              <th>{t('keys.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {props.entries.map(({ key, memberName, memberNumber }) => (
              <tr>
                <td>{key.address}</td>
                <td>
                  {memberName} ({memberNumber})
                </td>
                <td>
                  <code>{groupedFingerprint(key.fingerprint)}</code>
                </td>
                <td>
                  {formatDate(key.publishedAt, lang)}
                  <div class="muted">{t(`keys.source.${key.source}`)}</div>
                </td>
                <td>
                  <Expiry page={page} keyExpiresAt={key.keyExpiresAt} />
                </td>
                <td>
                  <ConfirmedActionForm
                    action={`/admin/keys/${key.id}/remove`}
                    csrfToken={page.csrfToken}
                    confirmLabel={t('keys.admin.removeConfirm')}
                    submitLabel={t('keys.admin.remove')}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.challenge && (
        <ChallengeForm
          page={page}
          action="/admin/keys/confirm"
          challenge={props.challenge}
          address={props.challenge.address}
          memberId={props.challenge.memberId}
          consentLabel={t('keys.admin.recordFingerprint')}
        />
      )}
      {props.pending.length > 0 && (
        <section>
          <h2>{t('keys.admin.waiting')}</h2>
          <table>
            <thead>
              <tr>
                <th>{t('keys.address')}</th>
                <th>{t('keys.member')}</th>
                <th>{t('keys.fingerprint')}</th>
                <th>{t('keys.admin.until')}</th>
                <th>{t('keys.code')}</th>
              </tr>
            </thead>
            <tbody>
              {props.pending.map(({ key, memberName, memberNumber }) => (
                <tr>
                  <td>
                    {key.address}
                    <div class="muted">{t(`keys.source.${key.source}`)}</div>
                  </td>
                  <td>
                    {memberName} ({memberNumber})
                  </td>
                  <td>
                    <code>{groupedFingerprint(key.fingerprint)}</code>
                  </td>
                  <td>{formatDate(key.expiresAt, lang)}</td>
                  <td>
                    <form method="post" action="/admin/keys/confirm">
                      <CsrfField token={page.csrfToken} />
                      <input type="hidden" name="memberId" value={key.memberId} />
                      <input name="code" required autocomplete="off" aria-label={t('keys.code')} />
                      <label>
                        <input type="checkbox" name="recordFingerprint" value="1" />{' '}
                        {t('keys.admin.recordFingerprint')}
                      </label>
                      <button type="submit" class="secondary">
                        {t('keys.confirm')}
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <section>
        <h2>{t('keys.admin.publishTitle')}</h2>
        <p class="muted">{t('keys.admin.publishText')}</p>
        <form method="post" action="/admin/keys" enctype="multipart/form-data">
          <CsrfField token={page.csrfToken} />
          <label>
            {props.numberLabel}
            <input name="memberNumber" required />
          </label>
          <KeyInput page={page} />
          <button type="submit">{t('keys.check')}</button>
        </form>
      </section>
    </Layout>
  );
}
