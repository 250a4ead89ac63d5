import { Hono } from 'hono';
import { DATA_CATEGORIES, type DataCategory } from '../core/config/vocabulary.ts';
import type { Deps } from '../core/deps.ts';
import type { FieldIssue } from '../core/errors.ts';
import { pageContext, sendPage } from '../core/http/app.tsx';
import { actorOf, sessionOf, type AppContext, type AppEnv } from '../core/http/context.ts';
import { formProblems } from '../core/http/forms.ts';
import { requireRole } from '../core/http/guard.ts';
import { CsrfField, Layout, Notices, type PageContext } from '../core/http/layout.tsx';
import { formatDate, formatDateTime } from '../core/i18n/index.ts';
import {
  currentDeclaration,
  publishDeclaration,
  type BoardDeclaration,
} from './declaration.service.ts';
import {
  AUTHORITY_KINDS,
  NOT_INFORMED_REASONS,
  OUTCOMES,
  REQUEST_KINDS,
} from './disclosures.schema.ts';
import {
  getDisclosure,
  listDisclosures,
  recordDisclosure,
  updateDisclosure,
  type Disclosure,
} from './disclosures.service.ts';

/** The form's values as the browser sent them (strings and lists of strings). */
interface FormValues {
  receivedOn: string;
  authorityKind: string;
  legalBasis: string;
  requested: string[];
  formallyCorrect: boolean;
  outcome: string;
  handedOver: string[];
  answeredOn: string;
  subjectInformedOn: string;
  notInformedReason: string;
}

const EMPTY: FormValues = {
  receivedOn: '',
  authorityKind: 'lawEnforcement',
  legalBasis: '',
  requested: [],
  formallyCorrect: true,
  outcome: 'pending',
  handedOver: [],
  answeredOn: '',
  subjectInformedOn: '',
  notInformedReason: 'notYet',
};

function valuesOf(entry: Disclosure): FormValues {
  return {
    receivedOn: entry.receivedOn,
    authorityKind: entry.authorityKind,
    legalBasis: entry.legalBasis,
    requested: entry.requested,
    formallyCorrect: entry.formallyCorrect,
    outcome: entry.outcome,
    handedOver: entry.handedOver,
    answeredOn: entry.answeredOn ?? '',
    subjectInformedOn: entry.subjectInformedOn ?? '',
    notInformedReason: entry.notInformedReason ?? '',
  };
}

async function readForm(c: AppContext): Promise<FormValues> {
  const form = await c.req.formData();
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === 'string' ? value : '';
  };
  const list = (name: string) =>
    form.getAll(name).filter((value): value is string => typeof value === 'string');
  return {
    receivedOn: text('receivedOn'),
    authorityKind: text('authorityKind'),
    legalBasis: text('legalBasis'),
    requested: list('requested'),
    formallyCorrect: text('formallyCorrect') === 'yes',
    outcome: text('outcome'),
    handedOver: list('handedOver'),
    answeredOn: text('answeredOn'),
    subjectInformedOn: text('subjectInformedOn'),
    notInformedReason: text('notInformedReason'),
  };
}

function Choice(props: {
  name: string;
  options: readonly string[];
  label: (option: string) => string;
  chosen: readonly string[];
  multiple: boolean;
}) {
  return (
    <>
      {props.options.map((option) => (
        <label>
          <input
            type={props.multiple ? 'checkbox' : 'radio'}
            name={props.name}
            value={option}
            checked={props.chosen.includes(option)}
          />{' '}
          {props.label(option)}
        </label>
      ))}
    </>
  );
}

function DisclosureForm(props: {
  page: PageContext;
  action: string;
  values: FormValues;
  categories: readonly DataCategory[];
}) {
  const { t } = props.page;
  const v = props.values;
  return (
    <form method="post" action={props.action}>
      <CsrfField token={props.page.csrfToken} />
      <label>
        {t('disclosures.receivedOn')}
        <input type="date" name="receivedOn" value={v.receivedOn} required />
      </label>
      <fieldset>
        <legend>{t('disclosures.authorityKind')}</legend>
        <Choice
          name="authorityKind"
          options={AUTHORITY_KINDS}
          label={(kind) => t(`authority.${kind}` as 'authority.other')}
          chosen={[v.authorityKind]}
          multiple={false}
        />
      </fieldset>
      <label>
        {t('disclosures.legalBasis')}
        <input
          name="legalBasis"
          value={v.legalBasis}
          maxlength={200}
          placeholder={t('disclosures.legalBasis.hint')}
          required
        />
      </label>
      <fieldset>
        <legend>{t('disclosures.requested')}</legend>
        <Choice
          name="requested"
          options={REQUEST_KINDS}
          label={(kind) => t(`requestKind.${kind}` as 'requestKind.other')}
          chosen={v.requested}
          multiple
        />
      </fieldset>
      <label>
        <input type="checkbox" name="formallyCorrect" value="yes" checked={v.formallyCorrect} />{' '}
        {t('disclosures.formallyCorrect')}
      </label>
      <fieldset>
        <legend>{t('disclosures.outcome')}</legend>
        <Choice
          name="outcome"
          options={OUTCOMES}
          label={(outcome) => t(`outcome.${outcome}` as 'outcome.pending')}
          chosen={[v.outcome]}
          multiple={false}
        />
      </fieldset>
      <fieldset>
        <legend>{t('disclosures.handedOver')}</legend>
        <Choice
          name="handedOver"
          options={props.categories}
          label={(category) => t(`data.${category}` as 'data.ip')}
          chosen={v.handedOver}
          multiple
        />
      </fieldset>
      <label>
        {t('disclosures.answeredOn')}
        <input type="date" name="answeredOn" value={v.answeredOn} />
      </label>
      <label>
        {t('disclosures.subjectInformedOn')}
        <input type="date" name="subjectInformedOn" value={v.subjectInformedOn} />
      </label>
      <label>
        {t('disclosures.notInformedReason')}
        <select name="notInformedReason">
          <option value="" selected={v.notInformedReason === ''}>
            {t('notInformed.none')}
          </option>
          {NOT_INFORMED_REASONS.map((reason) => (
            <option value={reason} selected={v.notInformedReason === reason}>
              {t(`notInformed.${reason}` as 'notInformed.none')}
            </option>
          ))}
        </select>
      </label>
      <button type="submit">{t('disclosures.save')}</button>
    </form>
  );
}

function RegisterPage(props: {
  page: PageContext;
  entries: Disclosure[];
  values: FormValues;
  categories: readonly DataCategory[];
  recipients: string;
  notice?: string | undefined;
  issues?: readonly FieldIssue[] | undefined;
}) {
  const { t, lang } = props.page;
  return (
    <Layout page={props.page} title={t('disclosures.title')}>
      <h1>{t('disclosures.title')}</h1>
      <Notices notice={props.notice} issues={props.issues} />
      <p>{t('disclosures.intro')}</p>
      {props.entries.length === 0 ? (
        <p>{t('disclosures.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('disclosures.receivedOn')}</th>
              <th>{t('disclosures.authorityKind')}</th>
              <th>{t('disclosures.legalBasis')}</th>
              <th>{t('disclosures.requested')}</th>
              <th>{t('disclosures.outcome')}</th>
              <th>{t('disclosures.subjectInformedOn')}</th>
            </tr>
          </thead>
          <tbody>
            {props.entries.map((entry) => (
              <tr>
                <td>
                  <a href={`/admin/disclosures/${entry.id}`}>
                    {formatDate(entry.receivedOn, lang)}
                  </a>
                </td>
                <td>{t(`authority.${entry.authorityKind}`)}</td>
                <td>{entry.legalBasis}</td>
                <td>{entry.requested.map((kind) => t(`requestKind.${kind}`)).join(', ')}</td>
                <td>
                  {t(`outcome.${entry.outcome}`)}
                  {entry.handedOver.length > 0 &&
                    `: ${entry.handedOver.map((category) => t(`data.${category}` as 'data.ip')).join(', ')}`}
                </td>
                <td>
                  {entry.subjectInformedOn
                    ? formatDate(entry.subjectInformedOn, lang)
                    : t(`notInformed.${entry.notInformedReason ?? 'none'}`)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        <a href="/admin/transparency/declaration">{t('declaration.title')}</a>
      </p>
      <h2>{t('disclosures.new')}</h2>
      <p>{t('disclosures.declaredRecipients', { recipients: props.recipients })}</p>
      <DisclosureForm
        page={props.page}
        action="/admin/disclosures"
        values={props.values}
        categories={props.categories}
      />
    </Layout>
  );
}

function EditPage(props: {
  page: PageContext;
  id: string;
  values: FormValues;
  categories: readonly DataCategory[];
  issues?: readonly FieldIssue[] | undefined;
}) {
  const { t } = props.page;
  return (
    <Layout page={props.page} title={t('disclosures.edit')}>
      <h1>{t('disclosures.edit')}</h1>
      <Notices issues={props.issues} />
      <DisclosureForm
        page={props.page}
        action={`/admin/disclosures/${props.id}`}
        values={props.values}
        categories={props.categories}
      />
      <p>
        <a href="/admin/disclosures">{t('disclosures.title')}</a>
      </p>
    </Layout>
  );
}

function DeclarationPage(props: {
  page: PageContext;
  current: BoardDeclaration | null;
  timeZone: string;
  notice?: string | undefined;
  issues?: readonly FieldIssue[] | undefined;
}) {
  const { t } = props.page;
  return (
    <Layout page={props.page} title={t('declaration.title')}>
      <h1>{t('declaration.title')}</h1>
      <Notices notice={props.notice} issues={props.issues} />
      <DeclarationView page={props.page} declaration={props.current} timeZone={props.timeZone} />
      <p>{t('declaration.intro')}</p>
      <form method="post" action="/admin/transparency/declaration">
        <CsrfField token={props.page.csrfToken} />
        <label>
          {t('declaration.signedText')}
          <textarea name="signedText" rows={12} required></textarea>
        </label>
        <label>
          {t('declaration.publicKey')}
          <textarea name="publicKey" rows={8} required></textarea>
        </label>
        <button type="submit">{t('declaration.publish')}</button>
      </form>
    </Layout>
  );
}

/**
 * The board's declaration as the public page and the upload page show it: its text, who
 * signed it when, and until when it is valid (or that it expired).
 */
export function DeclarationView(props: {
  page: PageContext;
  declaration: BoardDeclaration | null;
  timeZone: string;
}) {
  const { t, lang } = props.page;
  const declaration = props.declaration;
  return (
    <section>
      <h2>{t('transparency.declaration.title')}</h2>
      {declaration ? (
        <>
          <pre>{declaration.text}</pre>
          <p class={declaration.expired ? 'bad' : 'ok'}>
            {declaration.expired
              ? t('transparency.declaration.expired', {
                  expiresOn: formatDate(declaration.expiresOn, lang),
                })
              : t('transparency.declaration.meta', {
                  signedAt: formatDateTime(declaration.signedAt, lang, props.timeZone),
                  fingerprint: declaration.fingerprint,
                  expiresOn: formatDate(declaration.expiresOn, lang),
                })}{' '}
            <a href="/transparency/declaration.asc">declaration.asc</a>,{' '}
            <a href="/transparency/declaration.key.asc">declaration.key.asc</a>
          </p>
        </>
      ) : (
        <p>{t('transparency.declaration.none')}</p>
      )}
    </section>
  );
}

/**
 * The board's pages of the transparency module: the register of disclosures
 * (`/admin/disclosures`, list, new entry, edit) and the upload of the board's signed
 * declaration (`/admin/transparency/declaration`). Board only; every form carries the CSRF
 * token; every change is audited by the service.
 */
export function disclosureRoutes(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const board = requireRole('board');
  const declared = new Set(deps.config.activities.flatMap((activity) => activity.data));
  const categories = DATA_CATEGORIES.filter((category) => declared.has(category));

  const register = async (
    c: AppContext,
    extra: { values?: FormValues; notice?: string; issues?: readonly FieldIssue[] } = {},
    status: 200 | 422 = 200,
  ) => {
    const page = pageContext(c);
    const recipients = (deps.config.transparency?.disclosureRecipients ?? [])
      .map((recipient) => page.t(`authority.${recipient}`))
      .join(', ');
    return sendPage(
      c,
      <RegisterPage
        page={page}
        entries={await listDisclosures(deps)}
        values={extra.values ?? EMPTY}
        categories={categories}
        recipients={recipients || '—'}
        notice={extra.notice}
        issues={extra.issues}
      />,
      status,
    );
  };

  app.get('/admin/disclosures', board, (c) => register(c));
  app.post('/admin/disclosures', board, async (c) => {
    const values = await readForm(c);
    try {
      await recordDisclosure(deps, actorOf(sessionOf(c)), values);
    } catch (error) {
      return register(c, { values, issues: formProblems(error) }, 422);
    }
    return register(c, { notice: c.var.t('disclosures.saved') });
  });
  app.get('/admin/disclosures/:id', board, async (c) => {
    const entry = await getDisclosure(deps, c.req.param('id'));
    return sendPage(
      c,
      <EditPage
        page={pageContext(c)}
        id={entry.id}
        values={valuesOf(entry)}
        categories={categories}
      />,
    );
  });
  app.post('/admin/disclosures/:id', board, async (c) => {
    const id = c.req.param('id');
    const values = await readForm(c);
    try {
      await updateDisclosure(deps, actorOf(sessionOf(c)), id, values);
    } catch (error) {
      return sendPage(
        c,
        <EditPage
          page={pageContext(c)}
          id={id}
          values={values}
          categories={categories}
          issues={formProblems(error)}
        />,
        422,
      );
    }
    return register(c, { notice: c.var.t('disclosures.saved') });
  });

  const timeZone = deps.config.club.timeZone;
  app.get('/admin/transparency/declaration', board, async (c) =>
    sendPage(
      c,
      <DeclarationPage
        page={pageContext(c)}
        current={await currentDeclaration(deps)}
        timeZone={timeZone}
      />,
    ),
  );
  app.post('/admin/transparency/declaration', board, async (c) => {
    const form = await c.req.formData();
    const field = (name: string) => {
      const value = form.get(name);
      return typeof value === 'string' ? value : '';
    };
    try {
      const published = await publishDeclaration(deps, actorOf(sessionOf(c)), {
        signedText: field('signedText'),
        publicKey: field('publicKey'),
      });
      return await sendPage(
        c,
        <DeclarationPage
          page={pageContext(c)}
          current={await currentDeclaration(deps)}
          timeZone={timeZone}
          notice={c.var.t('declaration.published', {
            expiresOn: formatDate(published.expiresOn, c.var.lang),
          })}
        />,
      );
    } catch (error) {
      return sendPage(
        c,
        <DeclarationPage
          page={pageContext(c)}
          current={await currentDeclaration(deps)}
          timeZone={timeZone}
          issues={formProblems(error)}
        />,
        422,
      );
    }
  });
  return app;
}
