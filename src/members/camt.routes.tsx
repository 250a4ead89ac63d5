import type { Hono } from 'hono';
import type { Deps } from '../core/deps.ts';
import { ValidationError } from '../core/errors.ts';
import { pageContext, sendPage } from '../core/http/app.tsx';
import type { AppContext, AppEnv } from '../core/http/context.ts';
import { formText } from '../core/http/forms.ts';
import { newToken } from '../core/ids.ts';
import { previewCamtImport, readCamt } from './camt.service.ts';
import { CamtPreviewPage } from './camt.views.tsx';
import { bookInBackground, labelsFor, readers } from './members.routes.tsx';

/** The preview page of a CAMT.053 file, or 422 naming each unreadable entry. */
export async function camtPreviewPage(
  deps: Deps,
  c: AppContext,
  fileName: string,
  xml: string,
): Promise<Response> {
  const common = {
    page: pageContext(c),
    labels: labelsFor(deps, c),
    fileName,
    xml,
    runKey: newToken(),
  };
  try {
    const preview = await previewCamtImport(deps, xml);
    return await sendPage(c, <CamtPreviewPage {...common} preview={preview} issues={[]} />);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return sendPage(c, <CamtPreviewPage {...common} preview={null} issues={error.issues} />, 422);
  }
}

/**
 * Booking a previewed CAMT.053 file (board and treasurer, as the CSV import): after the answer,
 * with the progress page of the CSV import.
 */
export function camtRoutes(app: Hono<AppEnv>, deps: Deps): void {
  app.post('/admin/contributions/import/camt/commit', readers, async (c) => {
    const { runKey, fileName, xml } = formText(await c.req.parseBody(), [
      'runKey',
      'fileName',
      'xml',
    ]);
    let rows;
    try {
      rows = readCamt(deps, xml).rows;
    } catch (error) {
      if (error instanceof ValidationError) return camtPreviewPage(deps, c, fileName, xml);
      throw error;
    }
    return bookInBackground(deps, c, runKey, fileName, rows);
  });
}
