import { posix } from 'node:path';
import { globToRegExp, hasWildcard, type ReadProblem, type RootFs } from '../rootfs.ts';

/**
 * A reader for Prosody 0.12 configuration files without running them: the Lua subset Prosody's
 * configs use (assignments of strings, numbers, booleans and tables, arithmetic, `VirtualHost`,
 * `Component`, `Include` with globs), evaluated with Prosody's rules (core/configmanager.lua: an
 * included file starts in the global section, a later assignment wins; core/modulemanager.lua:
 * which modules a host loads). Anything else is reported as a problem, not guessed.
 */

export type LuaValue = string | number | boolean | null | LuaTable;
export interface LuaTable {
  list: LuaValue[];
  fields: Record<string, LuaValue>;
}

/** Options by host; `*` is the global section. */
export interface ProsodyConfig {
  hosts: Map<string, Map<string, LuaValue>>;
  /** Files read, in order (as under root). */
  files: string[];
  problems: ReadProblem[];
}

/** A setting of `host`, falling back to the global section, as Prosody's config.get does. */
export function prosodyGet(config: ProsodyConfig, host: string, key: string): LuaValue | undefined {
  return config.hosts.get(host)?.get(key) ?? config.hosts.get('*')?.get(key);
}

/** The hosts defined (VirtualHosts and Components). */
export function prosodyHosts(config: ProsodyConfig): string[] {
  return [...config.hosts.keys()].filter((host) => host !== '*');
}

/** The strings of a Lua list (`{ "a"; "b" }`), ignoring other values. */
export function luaStrings(value: LuaValue | undefined): string[] {
  if (value === undefined || value === null || typeof value !== 'object') return [];
  return value.list.filter((item): item is string => typeof item === 'string');
}

/** Modules Prosody loads on every host unless disabled (modulemanager.lua, 0.12). */
const AUTOLOAD = ['posix', 'presence', 'message', 'iq', 'offline', 'c2s', 's2s', 's2s_auth_certs'];
const COMPONENT_INHERITABLE = [
  'tls',
  'saslauth',
  'dialback',
  'iq',
  's2s',
  's2s_bidi',
  'smacks',
  'server_contact_info',
];

/** The modules `host` loads, computed as Prosody 0.12's get_modules_for_host does. */
export function prosodyModules(config: ProsodyConfig, host: string): Set<string> {
  const globalEnabled = luaStrings(config.hosts.get('*')?.get('modules_enabled'));
  const globalDisabled = luaStrings(config.hosts.get('*')?.get('modules_disabled'));
  const hostEnabled = luaStrings(config.hosts.get(host)?.get('modules_enabled'));
  const hostDisabled = luaStrings(config.hosts.get(host)?.get('modules_disabled'));
  const component = config.hosts.get(host)?.get('component_module');
  let global = new Set([...AUTOLOAD, ...globalEnabled].filter((m) => !globalDisabled.includes(m)));
  if (typeof component === 'string') {
    global = new Set([...global].filter((m) => COMPONENT_INHERITABLE.includes(m)));
    global.add(component);
  }
  return new Set([...global, ...hostEnabled].filter((m) => !hostDisabled.includes(m)));
}

// ---------------------------------------------------------------------------------------------
// Lexer

interface LuaToken {
  kind: 'name' | 'string' | 'number' | 'symbol';
  text: string;
  value?: string | number;
  line: number;
}

function longBracket(text: string, at: number): { level: number } | null {
  const match = /^\[(=*)\[/.exec(text.slice(at, at + 40));
  return match ? { level: (match[1] ?? '').length } : null;
}

function lexLua(text: string): LuaToken[] {
  const tokens: LuaToken[] = [];
  let i = 0;
  let line = 1;
  const escapes: Record<string, string> = {
    n: '\n',
    t: '\t',
    r: '\r',
    '\\': '\\',
    '"': '"',
    "'": "'",
  };
  while (i < text.length) {
    const c = text[i] ?? '';
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (text.startsWith('--', i)) {
      const long = longBracket(text, i + 2);
      if (long) {
        const close = `]${'='.repeat(long.level)}]`;
        const end = text.indexOf(close, i + 2);
        const stop = end === -1 ? text.length : end + close.length;
        line += (text.slice(i, stop).match(/\n/g) ?? []).length;
        i = stop;
      } else {
        while (i < text.length && text[i] !== '\n') i++;
      }
    } else if (c === '"' || c === "'") {
      let value = '';
      i++;
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\') {
          const next = text[i + 1] ?? '';
          const digits = /^\d{1,3}/.exec(text.slice(i + 1));
          if (digits) {
            value += String.fromCharCode(Number(digits[0]));
            i += 1 + digits[0].length;
          } else {
            value += escapes[next] ?? next;
            i += 2;
          }
          continue;
        }
        value += text[i] ?? '';
        i++;
      }
      i++;
      tokens.push({ kind: 'string', text: value, value, line });
    } else if (c === '[' && longBracket(text, i)) {
      const long = longBracket(text, i) ?? { level: 0 };
      const open = 2 + long.level;
      const close = `]${'='.repeat(long.level)}]`;
      const end = text.indexOf(close, i + open);
      const value = text.slice(i + open, end === -1 ? text.length : end).replace(/^\n/, '');
      line += (value.match(/\n/g) ?? []).length;
      i = end === -1 ? text.length : end + close.length;
      tokens.push({ kind: 'string', text: value, value, line });
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const match = /^(0[xX][0-9a-fA-F]+|\d*\.?\d+(?:[eE][+-]?\d+)?)/.exec(text.slice(i)) ?? [c];
      tokens.push({ kind: 'number', text: match[0], value: Number(match[0]), line });
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i)) ?? [c];
      tokens.push({ kind: 'name', text: match[0], line });
      i += match[0].length;
    } else {
      const symbol = text.startsWith('..', i) ? '..' : c;
      tokens.push({ kind: 'symbol', text: symbol, line });
      i += symbol.length;
    }
  }
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Evaluator

class Unsupported extends Error {}

/** A string, number or boolean as Lua's tostring would give it; a table is not evaluated. */
function scalar(value: LuaValue): string {
  if (value !== null && typeof value === 'object')
    throw new Unsupported('a table where a string is expected');
  return value === null ? 'nil' : String(value);
}

/**
 * Reads a Prosody configuration starting at `file` (as under root), with its Includes.
 * Never throws for a bad file: what it cannot evaluate is listed in `problems`.
 */
export async function readProsody(fs: RootFs, file: string): Promise<ProsodyConfig> {
  const config: ProsodyConfig = {
    hosts: new Map([['*', new Map<string, LuaValue>()]]),
    files: [],
    problems: [],
  };
  await loadFile(fs, file, config, 0, []);
  return config;
}

async function loadFile(
  fs: RootFs,
  file: string,
  config: ProsodyConfig,
  depth: number,
  chain: readonly string[],
) {
  if (chain.includes(file)) {
    config.problems.push({ file, message: 'Include loop' });
    return;
  }
  const text = await fs.read(file);
  if (text === null) {
    config.problems.push({ file, message: 'file not found' });
    return;
  }
  config.files.push(file);
  let host = '*';
  const set = (key: string, value: LuaValue) => {
    let options = config.hosts.get(host);
    if (!options) {
      options = new Map();
      config.hosts.set(host, options);
    }
    options.set(key, value);
  };
  const { peek, next, expression, argument, done } = luaParser(lexLua(text));
  while (!done()) {
    const token = next();
    if (!token) break;
    if (token.text === ';') continue;
    try {
      if (token.kind !== 'name') throw new Unsupported(`"${token.text}" at line ${token.line}`);
      if (['VirtualHost', 'Host', 'host'].includes(token.text)) {
        host = scalar(argument()).toLowerCase();
        set('defined', true);
        if (peek()?.text === '{') {
          const options = argument() as LuaTable;
          for (const [key, value] of Object.entries(options.fields)) set(key, value);
          host = '*';
        }
      } else if (['Component', 'component'].includes(token.text)) {
        host = scalar(argument()).toLowerCase();
        set('component_module', 'component');
        if (peek()?.kind === 'string' || peek()?.text === '(') {
          set('component_module', scalar(argument()));
        }
        if (peek()?.text === '{') {
          const options = argument() as LuaTable;
          for (const [key, value] of Object.entries(options.fields)) set(key, value);
          host = '*';
        }
      } else if (['Include', 'include'].includes(token.text)) {
        const target = scalar(argument());
        const dir = posix.dirname(file);
        const path = posix.isAbsolute(target) ? target : posix.join(dir, target);
        if (depth > 20) throw new Unsupported('Include nested too deeply');
        if (hasWildcard(posix.basename(path))) {
          const pattern = globToRegExp(posix.basename(path));
          for (const name of await fs.list(posix.dirname(path))) {
            if (!name.startsWith('.') && pattern.test(name)) {
              await loadFile(fs, posix.join(posix.dirname(path), name), config, depth + 1, [
                ...chain,
                file,
              ]);
            }
          }
        } else {
          await loadFile(fs, path, config, depth + 1, [...chain, file]);
        }
      } else if (token.text === 'local' || token.text === 'RunScript') {
        throw new Unsupported(`"${token.text}" at line ${token.line}`);
      } else if (peek()?.text === '=') {
        next();
        set(token.text, expression());
      } else {
        throw new Unsupported(`"${token.text}" at line ${token.line}`);
      }
    } catch (error) {
      if (!(error instanceof Unsupported)) throw error;
      config.problems.push({ file, message: `cannot evaluate ${error.message}` });
      // Skip to the next line's statement.
      const line = token.line;
      while (peek() && (peek()?.line ?? 0) <= line) next();
    }
  }
}

/**
 * A parser over `tokens` for the Lua that Prosody's configuration uses: literals, tables,
 * arithmetic and `..`. Anything else throws {@link Unsupported}.
 */
function luaParser(tokens: LuaToken[]) {
  let position = 0;
  const peek = () => tokens[position];
  const next = () => tokens[position++];
  const expect = (text: string) => {
    const token = next();
    if (token?.text !== text)
      throw new Unsupported(`expected "${text}" at line ${token?.line ?? '?'}`);
  };

  // Deeply nested tables or parentheses would overflow the stack of this recursive parser.
  let nesting = 0;
  const primary = (): LuaValue => {
    if (nesting >= 200) throw new Unsupported('expression nested too deeply');
    nesting++;
    try {
      return literal();
    } finally {
      nesting--;
    }
  };
  const literal = (): LuaValue => {
    const token = next();
    if (!token) throw new Unsupported('unexpected end of file');
    if (token.kind === 'string') return token.value as string;
    if (token.kind === 'number') return token.value as number;
    if (token.kind === 'name') {
      if (token.text === 'true') return true;
      if (token.text === 'false') return false;
      if (token.text === 'nil') return null;
      throw new Unsupported(`"${token.text}" at line ${token.line} is not a literal`);
    }
    if (token.text === '{') return table();
    if (token.text === '(') {
      const value = expression();
      expect(')');
      return value;
    }
    if (token.text === '-') {
      const value = primary();
      if (typeof value !== 'number') throw new Unsupported(`"-" before a non-number`);
      return -value;
    }
    throw new Unsupported(`"${token.text}" at line ${token.line}`);
  };
  const term = (): LuaValue => {
    let value = primary();
    while (peek()?.text === '*' || peek()?.text === '/') {
      const op = next()?.text;
      const right = primary();
      if (typeof value !== 'number' || typeof right !== 'number')
        throw new Unsupported('arithmetic on a non-number');
      value = op === '*' ? value * right : value / right;
    }
    return value;
  };
  const sum = (): LuaValue => {
    let value = term();
    while (peek()?.text === '+' || (peek()?.text === '-' && peek()?.kind === 'symbol')) {
      const op = next()?.text;
      const right = term();
      if (typeof value !== 'number' || typeof right !== 'number')
        throw new Unsupported('arithmetic on a non-number');
      value = op === '+' ? value + right : value - right;
    }
    return value;
  };
  const expression = (): LuaValue => {
    let value = sum();
    while (peek()?.text === '..') {
      next();
      const right = sum();
      value = `${scalar(value)}${scalar(right)}`;
    }
    return value;
  };
  const table = (): LuaTable => {
    const result: LuaTable = { list: [], fields: {} };
    while (peek() && peek()?.text !== '}') {
      const token = peek();
      if (token?.text === '[') {
        next();
        const key = expression();
        expect(']');
        expect('=');
        result.fields[scalar(key)] = expression();
      } else if (token?.kind === 'name' && tokens[position + 1]?.text === '=') {
        next();
        next();
        result.fields[token.text] = expression();
      } else {
        result.list.push(expression());
      }
      if (peek()?.text === ',' || peek()?.text === ';') next();
    }
    expect('}');
    return result;
  };
  /** A call argument: `"x"`, `("x")` or `{ … }`. */
  const argument = (): LuaValue => {
    const token = peek();
    if (token?.kind === 'string') return next()?.value as string;
    if (token?.text === '{') {
      next();
      return table();
    }
    if (token?.text === '(') {
      next();
      const value = expression();
      expect(')');
      return value;
    }
    throw new Unsupported(`expected an argument at line ${token?.line ?? '?'}`);
  };
  return { peek, next, expression, argument, done: () => position >= tokens.length };
}
