import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Hono } from 'hono';
import type { Deps } from '../core/deps.ts';
import type { AppEnv } from '../core/http/context.ts';
import { formatDate } from '../core/i18n/index.ts';
import type { PageContext } from '../core/http/layout.tsx';
import { currentDeclaration, declarationKey } from './declaration.service.ts';
import type { DisclosureCounts } from './disclosures.service.ts';
import { listStatementDates, statementsDir } from './statement.service.ts';
import { AUTHORITY_KINDS, OUTCOMES } from './disclosures.schema.ts';

const NAME = /^(\d{4}-\d{2}-\d{2})\.json(\.asc)?$/;

async function readOrNull(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** The newest statement's date and signer, for the public page; null before the first one. */
export async function latestStatement(
  deps: Pick<Deps, 'config'>,
): Promise<{ date: string; address: string; fingerprint: string } | null> {
  const dir = statementsDir(deps.config);
  const date = (await listStatementDates(dir)).at(-1);
  if (!date) return null;
  const bytes = await readOrNull(join(dir, `${date}.json`));
  if (!bytes) return null;
  const parsed = JSON.parse(bytes.toString('utf8')) as {
    signer?: { address?: string; fingerprint?: string };
  };
  return {
    date,
    address: parsed.signer?.address ?? '',
    fingerprint: parsed.signer?.fingerprint ?? '',
  };
}

/**
 * The public files of the transparency module, cookie-free like every public page:
 * `/transparency/statements` (JSON list of the statements), `/transparency/statements/DATE.json`
 * and `DATE.json.asc` (the statement and its detached signature, byte for byte as stored),
 * `/transparency/declaration.asc` (the board's newest clear-signed declaration) and
 * `/transparency/declaration.key.asc` (the public key that signed it).
 */
export function statementRoutes(deps: Pick<Deps, 'config' | 'clock'>): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const dir = () => statementsDir(deps.config);
  app.get('/transparency/statements', async (c) => {
    const dates = await listStatementDates(dir());
    return c.json({
      statements: dates.map((date) => ({
        date,
        statement: `/transparency/statements/${date}.json`,
        signature: `/transparency/statements/${date}.json.asc`,
      })),
    });
  });
  app.get('/transparency/statements/:name', async (c) => {
    const name = c.req.param('name');
    const match = NAME.exec(name);
    const bytes = match ? await readOrNull(join(dir(), name)) : null;
    if (!bytes) return c.notFound();
    c.header(
      'content-type',
      match?.[2] ? 'application/pgp-signature' : 'application/json; charset=utf-8',
    );
    return c.body(new Uint8Array(bytes));
  });
  app.get('/transparency/declaration.asc', async (c) => {
    const declaration = await currentDeclaration(deps);
    if (!declaration) return c.notFound();
    c.header('content-type', 'text/plain; charset=utf-8');
    return c.body(declaration.armored);
  });
  app.get('/transparency/declaration.key.asc', async (c) => {
    const declaration = await currentDeclaration(deps);
    if (!declaration) return c.notFound();
    c.header('content-type', 'application/pgp-keys');
    return c.body(await declarationKey(deps, declaration.id));
  });
  return app;
}

/**
 * The transparency page's part from the register and the signed statement: the yearly counts
 * of requests from authorities (per kind of authority and outcome; nothing that identifies
 * anyone), and where the signed statements are and who signs them.
 */
export function DisclosureFigures(props: {
  page: PageContext;
  counts: DisclosureCounts;
  statement: { date: string; address: string; fingerprint: string } | null;
}) {
  const { t, lang } = props.page;
  const { years } = props.counts;
  return (
    <>
      <section>
        <h2>{t('transparency.disclosures.title')}</h2>
        {years.length === 0 ? (
          <p>{t('transparency.disclosures.none')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>{t('transparency.disclosures.year')}</th>
                <th>{t('transparency.disclosures.requests')}</th>
                {AUTHORITY_KINDS.map((kind) => (
                  <th>{t(`authority.${kind}`)}</th>
                ))}
                {OUTCOMES.map((outcome) => (
                  <th>{t(`outcome.${outcome}`)}</th>
                ))}
                <th>{t('transparency.disclosures.formallyIncorrect')}</th>
                <th>{t('transparency.disclosures.informed')}</th>
              </tr>
            </thead>
            <tbody>
              {years.map((year) => (
                <tr>
                  <td>{year.year}</td>
                  <td>{year.requests}</td>
                  {AUTHORITY_KINDS.map((kind) => (
                    <td>{year.byAuthority[kind]}</td>
                  ))}
                  {OUTCOMES.map((outcome) => (
                    <td>{year.byOutcome[outcome]}</td>
                  ))}
                  <td>{year.formallyIncorrect}</td>
                  <td>{year.subjectInformed}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {props.statement && (
        <section>
          <h2>{t('transparency.statement.title')}</h2>
          <p>
            {t('transparency.statement.intro', {
              address: props.statement.address,
              fingerprint: props.statement.fingerprint,
            })}
          </p>
          <p>
            <a href={`/transparency/statements/${props.statement.date}.json`}>
              {t('transparency.statement.latest', {
                date: formatDate(props.statement.date, lang),
              })}
            </a>{' '}
            (<a href={`/transparency/statements/${props.statement.date}.json.asc`}>.asc</a>) ·{' '}
            <a href="/transparency/statements">{t('transparency.statement.all')}</a>
          </p>
        </section>
      )}
    </>
  );
}
