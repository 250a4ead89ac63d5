/**
 * Informal requests in German and English: which kind a free-text mail asks for, and in which
 * language to answer. Simple keyword and phrase rules (a request need not name an article or use
 * a form, Art. 12(2) GDPR); whatever no rule matches, or two kinds match equally, is `other` and
 * goes to the board. Pure functions.
 */

/** What a mail can ask for (the same names as the request ledger's kinds). */
export type ClassifiedKind =
  | 'account.create'
  | 'account.delete'
  | 'key.publish'
  | 'key.remove'
  | 'access'
  | 'rectification'
  | 'erasure'
  | 'restriction'
  | 'objection'
  | 'other';

interface Rule {
  kind: Exclude<ClassifiedKind, 'other'>;
  /** Tested against the normalised text (lower case, ß → ss, umlauts folded, one space). */
  pattern: RegExp;
  /** Higher wins when several kinds match: a specific phrase beats a generic word. */
  weight: number;
}

// Words for "account", "key", "delete", "data" as people write them, umlauts folded (ä → ae).
const ACCOUNT = String.raw`(?:konto|account|zugang|mailkonto|e-?mail-?konto|mail-?adresse|postfach|mailbox|login)`;
const KEY = String.raw`(?:schluessel|key|pgp|gpg|openpgp|wkd)`;
const DELETE_DE = String.raw`(?:loesch\w*|entfern\w*|aufloes\w*|schliess\w*|kuendig\w*)`;
const DELETE_EN = String.raw`(?:delet\w*|remov\w*|clos\w*|cancel\w*|terminat\w*)`;
const DATA = String.raw`(?:daten|data|informationen|information|angaben)`;
const GAP = String.raw`(?:\W+\w+){0,6}?\W+`;

function near(a: string, b: string): RegExp {
  return new RegExp(String.raw`\b${a}\w*${GAP}${b}|\b${b}\w*${GAP}${a}`);
}

const RULES: readonly Rule[] = [
  // Account: create.
  {
    kind: 'account.create',
    pattern: near(
      ACCOUNT,
      String.raw`(?:beantrag|einricht|anleg|erstell|eroeffn|moechte\W+(?:ein|einen)|haette\W+gern|bekommen)\w*`,
    ),
    weight: 3,
  },
  {
    kind: 'account.create',
    pattern: near(
      ACCOUNT,
      String.raw`(?:request|creat|set\W*up|open|sign\W*up|get|apply|would like)\w*`,
    ),
    weight: 3,
  },
  {
    kind: 'account.create',
    pattern: /\b(?:neues|ein)\s+(?:mail)?konto\b|\bnew\s+(?:mail\s+)?account\b|\bkontoantrag\b/,
    weight: 3,
  },
  // Account: delete.
  { kind: 'account.delete', pattern: near(ACCOUNT, DELETE_DE), weight: 4 },
  { kind: 'account.delete', pattern: near(ACCOUNT, DELETE_EN), weight: 4 },
  // Key: publish.
  {
    kind: 'key.publish',
    pattern: near(
      KEY,
      String.raw`(?:veroeffentlich|hochlad|eintrag|aufnehm|hinterleg|publish|upload|add)\w*`,
    ),
    weight: 5,
  },
  // Key: remove (beats account.delete when the key is named).
  {
    kind: 'key.remove',
    pattern: near(
      KEY,
      String.raw`(?:${DELETE_DE}|${DELETE_EN}|zurueckzieh\w*|widerruf\w*|revok\w*|withdraw\w*|unpublish\w*)`,
    ),
    weight: 6,
  },
  // Access (Art. 15).
  { kind: 'access', pattern: /\bauskunft\w*|\bselbstauskunft\b|\bdatenauskunft\b/, weight: 5 },
  { kind: 'access', pattern: /\bart(?:ikel|icle|\.)?\s*15\b/, weight: 7 },
  {
    kind: 'access',
    pattern:
      /\b(?:subject\s+)?access\s+request\b|\bright\s+of\s+access\b|\bcopy\s+of\s+(?:my|all|the)\b.*\bdata\b|\bwhat\s+(?:personal\s+)?data\b.*\b(?:hold|store|have|keep|process)/,
    weight: 5,
  },
  {
    kind: 'access',
    pattern:
      /\bwelche\s+(?:personenbezogenen\s+)?daten\b.*\b(?:gespeichert|speichern|haben|verarbeite)/,
    weight: 5,
  },
  { kind: 'access', pattern: /\bkopie\s+meiner\s+daten\b/, weight: 5 },
  // Rectification (Art. 16).
  {
    kind: 'rectification',
    pattern:
      /\bberichtig\w*|\bkorrigier\w*|\bkorrektur\w*|\bfalsch\w*\s+(?:geschrieben|eingetragen|gespeichert)|\bhat\s+sich\s+geaendert|\baender\w*\s+(?:sie\s+)?(?:bitte\s+)?(?:meine|meinen|die)\b|\bneue\s+(?:adresse|anschrift|iban|bankverbindung|telefonnummer)\b/,
    weight: 4,
  },
  {
    kind: 'rectification',
    pattern:
      /\brectif\w*|\bcorrect\w*\s+(?:my|the)\b|\b(?:is|are)\s+(?:wrong|incorrect|misspelt|misspelled)\b|\bupdate\s+my\s+(?:address|name|details|iban|bank|phone)/,
    weight: 4,
  },
  { kind: 'rectification', pattern: /\bart(?:ikel|icle|\.)?\s*16\b/, weight: 7 },
  // Erasure (Art. 17): the data, not the account.
  {
    kind: 'erasure',
    pattern: new RegExp(
      String.raw`\b${DELETE_DE}${GAP}(?:aller\s+|saemtlicher\s+)?(?:meiner|meine|aller|saemtlicher)\W+(?:\w+\W+)?${DATA}|\b${DATA}\W+${GAP}?${DELETE_DE}|\bloeschung\s+(?:meiner|aller)\b`,
    ),
    weight: 5,
  },
  {
    kind: 'erasure',
    pattern: new RegExp(
      String.raw`\b(?:erase|erasure)\w*|\b${DELETE_EN}${GAP}?(?:all\s+)?(?:of\s+)?my\s+(?:personal\s+)?${DATA}|\bright\s+to\s+be\s+forgotten\b|\bforget\s+me\b`,
    ),
    weight: 5,
  },
  {
    kind: 'erasure',
    pattern: /\bart(?:ikel|icle|\.)?\s*17\b|\brecht\s+auf\s+vergessen/,
    weight: 7,
  },
  // Restriction (Art. 18).
  {
    kind: 'restriction',
    pattern: /\beinschraenk\w*|\bsperr(?:ung|en)\s+(?:meiner|der|meine)\b|\brestrict\w*/,
    weight: 5,
  },
  { kind: 'restriction', pattern: /\bart(?:ikel|icle|\.)?\s*18\b/, weight: 7 },
  // Objection (Art. 21).
  {
    kind: 'objection',
    pattern:
      /\bwiderspr\w*|\bwiderspruch\w*|\bobject\w*\s+to\b|\bobjection\b|\bopt\W*out\b|\bnicht\s+mehr\s+(?:fuer|zu)\s+\w+\s+verwend/,
    weight: 5,
  },
  { kind: 'objection', pattern: /\bart(?:ikel|icle|\.)?\s*21\b/, weight: 7 },
];

/** Lower case, umlauts and ß folded, whitespace collapsed: what the rules read. */
export function normaliseText(text: string): string {
  return text
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Only the new text: quoted lines (`> …`) and a signature after `-- ` are not the request. */
function ownText(body: string): string {
  const lines: string[] = [];
  for (const line of body.split(/\r?\n/)) {
    if (line === '-- ' || line === '--') break;
    if (/^\s*>/.test(line)) continue;
    lines.push(line);
  }
  // A long mail is read only at its start: the request is there, and the rules stay cheap.
  return lines.join('\n').slice(0, 8000);
}

/**
 * The kind a mail asks for, from its subject and body. The highest-weighted matching rule wins;
 * a tie between two kinds, or no match, is `other` (the board decides).
 */
export function classifyRequest(subject: string, body: string): ClassifiedKind {
  const text = normaliseText(`${subject}\n${ownText(body)}`);
  const best = new Map<ClassifiedKind, number>();
  for (const rule of RULES)
    if (rule.pattern.test(text))
      best.set(rule.kind, Math.max(best.get(rule.kind) ?? 0, rule.weight));
  let winner: ClassifiedKind = 'other';
  let top = 0;
  let tie = false;
  for (const [kind, weight] of best) {
    if (weight > top) {
      winner = kind;
      top = weight;
      tie = false;
    } else if (weight === top) tie = true;
  }
  return tie ? 'other' : winner;
}

const GERMAN =
  /\b(?:und|ich|bitte|meine?n?|meiner|nicht|mein|sie|der|die|das|ist|mit|fuer|loeschen|hallo|liebe|lieber|gruesse|gruss|danke|vielen|mfg|sehr\s+geehrte)\b/g;
const ENGLISH =
  /\b(?:and|i|please|my|not|you|the|is|with|for|delete|hello|hi|dear|regards|thanks|thank|would|like)\b/g;

/**
 * The language to answer in: German unless the text reads as English (more common English
 * than German words), since the club is German. Umlauts and ß count for German.
 */
export function detectLanguage(subject: string, body: string): 'de' | 'en' {
  const raw = `${subject}\n${ownText(body)}`;
  const text = normaliseText(raw);
  const german = (text.match(GERMAN)?.length ?? 0) + (/[äöüß]/i.test(raw) ? 2 : 0);
  const english = text.match(ENGLISH)?.length ?? 0;
  return english > german ? 'en' : 'de';
}
