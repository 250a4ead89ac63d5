/**
 * A fast reader for the plain XML of a CAMT.053 file: elements, attributes and text, nothing
 * else. It yields the tree fast-xml-parser yields with camt.ts's options (namespace prefixes
 * removed, attributes as `@name`, text trimmed and kept as strings, the names in `arrays`
 * always lists, a repeated name a list) in a tenth of the time, which is most of a 10,000-entry
 * import (issue 16).
 *
 * It reads a subset of XML and checks it as XMLValidator would: names of letters and digits
 * (after an optional prefix), attributes quoted and given once, start and end tags that pair
 * up, one root with nothing but white space, the declaration (at the very start) and comments
 * around it, and no references but the five predefined entities (`&amp;` …). For anything else
 * (CDATA, comments or processing instructions inside the root, character references, HTML
 * entities, a byte order mark, or a file that is not well-formed) it returns null, and the
 * caller takes the old path: XMLValidator, whose message names the line, then fast-xml-parser.
 */

type Tree = Record<string, unknown>;

interface Open {
  name: string;
  attributes: Tree | undefined;
  /** Made with the first child element. */
  children: Tree | undefined;
  text: string | undefined;
}

const NAME = /^(?:([A-Za-z_][\w.-]*):)?([A-Za-z][A-Za-z0-9]*)$/;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the five predefined entities in one pass (`&amp;lt;` is `&lt;`, as before). */
function decode(text: string): string {
  return text.includes('&')
    ? text.replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => ENTITIES[name] ?? '')
    : text;
}

/** The local name of a tag or attribute, '' for a namespace declaration, null outside the subset. */
function localNameOf(raw: string): string | null {
  const match = NAME.exec(raw);
  if (!match) return null;
  if (match[1] === 'xmlns' || (match[1] === undefined && match[2] === 'xmlns')) return '';
  return match[2] ?? null;
}

function add(parent: Tree, name: string, value: unknown, arrays: ReadonlySet<string>): void {
  if (Object.prototype.hasOwnProperty.call(parent, name)) {
    const existing = parent[name];
    if (Array.isArray(existing)) existing.push(value);
    else parent[name] = [existing, value];
  } else {
    parent[name] = arrays.has(name) ? [value] : value;
  }
}

function valueOf(open: Open): unknown {
  if (!open.attributes && !open.children) return open.text ?? '';
  const value = open.children ?? {};
  if (open.text !== undefined) value['#text'] = open.text;
  return open.attributes ? Object.assign(value, open.attributes) : value;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/** The declaration as banks write it, at the very start (as XMLValidator wants it). */
const DECLARATION =
  /^<\?xml[ \t\n]+version[ \t\n]*=[ \t\n]*(["'])1\.[0-9]\1(?:[ \t\n]+encoding[ \t\n]*=[ \t\n]*(["'])[A-Za-z][A-Za-z0-9._-]*\2)?(?:[ \t\n]+standalone[ \t\n]*=[ \t\n]*(["'])(?:yes|no)\3)?[ \t\n]*\?>/;
const COMMENTS = /^(?:[ \t\n]|<!--(?:[^-]|-(?!-))*-->)*/;

/**
 * The tree of a document in the plain subset, or null for anything else, well-formed or not. A
 * tree means XMLValidator would have accepted the file and fast-xml-parser given the same.
 */
export function readPlainXml(source: string, arrays: ReadonlySet<string>): Tree | null {
  const xml = source.includes('\r') ? source.replace(/\r\n?/g, '\n') : source;
  if (/&(?!(?:amp|lt|gt|quot|apos);)/.test(xml)) return null;
  let position = DECLARATION.exec(xml)?.[0].length ?? 0;
  position += COMMENTS.exec(xml.slice(position))?.[0].length ?? 0;
  const length = xml.length;
  if (xml.charCodeAt(position) !== 60 /* < */) return null;
  const root: Tree = {};
  const stack: (Open & { raw: string })[] = [];
  // A file has a few dozen distinct names: each is checked once.
  const names = new Map<string, string | null>();
  const localName = (raw: string): string | null => {
    let name = names.get(raw);
    if (name === undefined) {
      name = localNameOf(raw);
      names.set(raw, name);
    }
    return name;
  };
  let rootDone = false;
  while (position < length) {
    const open = xml.indexOf('<', position);
    const end = open === -1 ? length : open;
    let blank = true;
    for (let i = position; i < end && blank; i++) blank = isSpace(xml.charCodeAt(i));
    if (!blank) {
      const current = stack.at(-1);
      // Outside the root: white space only.
      if (!current) return null;
      const text = decode(xml.slice(position, end).trim());
      if (text.length > 0) current.text = current.text === undefined ? text : current.text + text;
    }
    if (open === -1) break;
    let at = open + 1;
    const closing = xml.charCodeAt(at) === 47; /* / */
    if (closing) at++;
    // The name: up to white space, `/` or `>`.
    const nameStart = at;
    while (at < length) {
      const code = xml.charCodeAt(at);
      if (isSpace(code) || code === 47 || code === 62) break;
      at++;
    }
    const nameEnd = at;
    while (at < length && isSpace(xml.charCodeAt(at))) at++;
    if (closing) {
      const done = stack.pop();
      if (
        !done ||
        done.raw.length !== nameEnd - nameStart ||
        !xml.startsWith(done.raw, nameStart) ||
        xml.charCodeAt(at) !== 62
      )
        return null;
      const parent = stack.at(-1);
      add(parent ? (parent.children ??= {}) : root, done.name, valueOf(done), arrays);
      if (stack.length === 0) rootDone = true;
      position = at + 1;
      continue;
    }
    if (rootDone) return null;
    const raw = xml.slice(nameStart, nameEnd);
    const name = localName(raw);
    if (!name) return null;
    let attributes: Tree | undefined;
    let seen: string[] | undefined;
    let selfClosing = false;
    for (;;) {
      const code = xml.charCodeAt(at);
      if (code === 62 /* > */) break;
      if (code === 47 /* / */) {
        if (xml.charCodeAt(at + 1) !== 62) return null;
        selfClosing = true;
        at++;
        break;
      }
      // An attribute needs white space before it.
      if (!isSpace(xml.charCodeAt(at - 1))) return null;
      const attributeStart = at;
      while (at < length) {
        const c = xml.charCodeAt(at);
        if (isSpace(c) || c === 61 /* = */ || c === 62 || c === 47) break;
        at++;
      }
      const rawAttribute = xml.slice(attributeStart, at);
      const attribute = localName(rawAttribute);
      if (attribute === null || seen?.includes(rawAttribute)) return null;
      (seen ??= []).push(rawAttribute);
      while (at < length && isSpace(xml.charCodeAt(at))) at++;
      if (xml.charCodeAt(at) !== 61) return null;
      at++;
      while (at < length && isSpace(xml.charCodeAt(at))) at++;
      const quote = xml.charCodeAt(at);
      if (quote !== 34 && quote !== 39) return null;
      const close = xml.indexOf(quote === 34 ? '"' : "'", at + 1);
      if (close === -1) return null;
      const value = xml.slice(at + 1, close);
      if (value.includes('<')) return null;
      if (attribute !== '') {
        attributes ??= {};
        attributes[`@${attribute}`] = decode(value.trim());
      }
      at = close + 1;
      while (at < length && isSpace(xml.charCodeAt(at))) at++;
    }
    if (at >= length) return null;
    const parent = stack.at(-1);
    const element = { name, raw, attributes, children: undefined, text: undefined };
    if (selfClosing) {
      add(parent ? (parent.children ??= {}) : root, name, valueOf(element), arrays);
      if (!parent) rootDone = true;
    } else {
      if (parent) parent.children ??= {};
      stack.push(element);
    }
    position = at + 1;
  }
  return stack.length === 0 && rootDone ? root : null;
}
