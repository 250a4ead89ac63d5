import { isMap, isSeq, parseDocument, type Document } from 'yaml';

/** Where setup installs the declaration, and the data directory it declares. */
export const CONFIG_FILE = '/etc/treff/treff.yaml';
export const DATA_DIR = '/var/lib/treff';

/** The example declaration shipped in the install dir: the template for a new club. */
export const TEMPLATE = 'examples/chaostreff-osnabrueck/treff.yaml';
const TEMPLATE_DOMAIN = 'chaostreff-osnabrueck.de';
const TEMPLATE_JITSI = 'meet.osna.social';

/** The values a new declaration takes from the flags. */
export interface DeclarationValues {
  domain: string;
  clubName: string;
  adminMail: string;
  databaseUrl: string;
  /** The Jitsi Meet host; without it the template's Jitsi service is left out. */
  jitsiDomain?: string | undefined;
}

/**
 * A new declaration from the shipped example: the example club's domain and name replaced,
 * the contacts set to the admin's address, data under `/var/lib/treff`, nginx in front
 * (`trustProxy`, `https://` public URL). Comments stay. Jitsi Meet is not in Debian: without
 * `jitsiDomain` the Jitsi service and its activities are removed. Pure; the result is checked
 * by the caller like any declaration.
 */
export function createDeclaration(template: string, values: DeclarationValues): string {
  const body = template
    .replace(/^(#.*\n)+\n?/, '')
    .replaceAll(TEMPLATE_JITSI, values.jitsiDomain ?? TEMPLATE_JITSI)
    .replaceAll(TEMPLATE_DOMAIN, values.domain);
  const document = parseDocument(body);
  document.setIn(['club', 'name'], values.clubName);
  document.setIn(['club', 'website'], `https://${values.domain}`);
  document.setIn(['club', 'contacts', 'board'], values.adminMail);
  document.setIn(['club', 'contacts', 'privacy'], values.adminMail);
  document.setIn(['dataDir'], DATA_DIR);
  document.setIn(['database', 'url'], values.databaseUrl);
  document.setIn(['web', 'trustProxy'], true);
  document.setIn(['web', 'publicUrl'], `https://${values.domain}`);
  moveDataPaths(document);
  if (!values.jitsiDomain) removeService(document, 'jitsi');
  const name = values.clubName.replace(/[\r\n]+/g, ' ');
  return `# The declaration of ${name}, created by \`treff setup\` from treff's example club.
# Check the club's postal address, the supervisory authority and the activities, then run
# \`treff setup\` again: it re-renders every daemon's configuration from this file.

${document.toString({ lineWidth: 0 })}`;
}

/** The example keeps its folders under `./data`; on a server they live in the data dir. */
function moveDataPaths(document: Document): void {
  const activities = document.get('activities');
  if (!isSeq(activities)) return;
  for (const item of activities.items) {
    if (!isMap(item)) continue;
    const path = item.getIn(['store', 'path']);
    if (typeof path === 'string' && path.startsWith('./data/'))
      item.setIn(['store', 'path'], `${DATA_DIR}/${path.slice('./data/'.length)}`);
  }
}

function removeService(document: Document, service: string): void {
  document.deleteIn(['services', service]);
  const activities = document.get('activities');
  if (!isSeq(activities)) return;
  activities.items = activities.items.filter(
    (item) => !(isMap(item) && item.get('service') === service),
  );
}
