import { posix } from 'node:path';
import { hasWildcard, type ReadProblem, type RootFs } from '../rootfs.ts';

/**
 * A reader for nginx configuration as nginx itself reads it (tokens, blocks, `include` expanded
 * in place, relative includes against /etc/nginx), enough for the doctor to see which servers log
 * what (services.md §2.1). It does not interpret directives beyond that.
 */

export interface NginxDirective {
  name: string;
  args: string[];
  block?: NginxDirective[];
  /** The file (as under root) and line the directive is in. */
  file: string;
  line: number;
}

interface Token {
  text: string;
  quoted: boolean;
  line: number;
}

/** Splits nginx configuration text into tokens; `;`, `{` and `}` are tokens of their own. */
export function tokenizeNginx(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === ';' || c === '{' || c === '}') {
      tokens.push({ text: c, quoted: false, line });
      i++;
    } else if (c === '"' || c === "'") {
      const start = line;
      let value = '';
      i++;
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\' && i + 1 < text.length) {
          const next = text[i + 1] ?? '';
          // nginx unescapes \" \' \\ and keeps other backslashes (ngx_conf_read_token).
          value += next === c || next === '\\' ? next : `\\${next}`;
          i += 2;
          continue;
        }
        if (text[i] === '\n') line++;
        value += text[i] ?? '';
        i++;
      }
      i++;
      tokens.push({ text: value, quoted: true, line: start });
    } else {
      let value = '';
      while (i < text.length && !/[\s;{}]/.test(text[i] ?? '')) {
        // A `#` inside a bare word is part of it; `{` after `$` is a variable like ${name}.
        if (text[i] === '$' && text[i + 1] === '{') {
          const end = text.indexOf('}', i);
          value += text.slice(i, end + 1);
          i = end + 1;
          continue;
        }
        value += text[i] ?? '';
        i++;
      }
      tokens.push({ text: value, quoted: false, line });
    }
  }
  return tokens;
}

/**
 * Parses the configuration starting at `file` (as under root), expanding `include` directives
 * (globs allowed; relative paths against /etc/nginx). A missing file yields no directives and a
 * problem; a missing glob match is silent, as in nginx.
 */
export async function readNginx(
  fs: RootFs,
  file: string,
  problems: ReadProblem[] = [],
  depth = 0,
  chain: readonly string[] = [],
): Promise<NginxDirective[]> {
  const text = await fs.read(file);
  if (text === null) {
    problems.push({ file, message: 'file not found' });
    return [];
  }
  const tokens = tokenizeNginx(text);
  let position = 0;
  const parseBlock = async (): Promise<NginxDirective[]> => {
    const directives: NginxDirective[] = [];
    while (position < tokens.length) {
      const first = tokens[position];
      if (!first) break;
      if (first.text === '}' && !first.quoted) {
        position++;
        return directives;
      }
      const args: string[] = [];
      position++;
      let ended = false;
      let block: NginxDirective[] | undefined;
      while (position < tokens.length) {
        const token = tokens[position];
        if (!token) break;
        position++;
        if (!token.quoted && token.text === ';') {
          ended = true;
          break;
        }
        if (!token.quoted && token.text === '{') {
          block = await parseBlock();
          ended = true;
          break;
        }
        args.push(token.text);
      }
      if (!ended) {
        problems.push({ file, message: `line ${first.line}: "${first.text}" is not terminated` });
        break;
      }
      if (block) {
        directives.push({ name: first.text, args, block, file, line: first.line });
        continue;
      }
      if (first.text === 'include' && args[0] !== undefined && depth < 20) {
        const target = posix.isAbsolute(args[0]) ? args[0] : posix.join('/etc/nginx', args[0]);
        const matches = hasWildcard(target) ? await fs.glob(target) : [target];
        for (const match of matches) {
          // A file that includes itself (directly or through others) would be read 2^depth times.
          if (match === file || chain.includes(match)) {
            problems.push({ file, message: `line ${first.line}: include loop through ${match}` });
            continue;
          }
          directives.push(...(await readNginx(fs, match, problems, depth + 1, [...chain, file])));
        }
        continue;
      }
      directives.push({ name: first.text, args, file, line: first.line });
    }
    return directives;
  };
  return parseBlock();
}

/** The directives named `name` directly in `block`. */
export function directivesNamed(block: readonly NginxDirective[], name: string): NginxDirective[] {
  return block.filter((directive) => directive.name === name);
}
