/**
 * `postconf -e` on the text of main.cf, in TypeScript: setup edits main.cf like every other
 * file it changes (diff, backup, dry run, `--root` without a Postfix binary in the root), which
 * running postconf inside the target would not allow. The format (postconf(5)): `name = value`,
 * a line starting with whitespace continues the previous one, `#` lines are comments.
 */

/** The `name = value` settings of a main.cf.treff-style file (comments and blanks skipped). */
export function parsePostconfLines(text: string): [string, string][] {
  const settings: [string, string][] = [];
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (match?.[1] !== undefined) settings.push([match[1], match[2] ?? '']);
  }
  return settings;
}

const normalize = (value: string) => value.replace(/\s+/g, ' ').trim();

/**
 * Sets each `name = value` in main.cf's text as `postconf -e` does: the first definition is
 * replaced in place (with its continuation lines), later ones are removed, a missing one is
 * appended. A setting that already has the value (whitespace aside) is left as it is written.
 */
export function applyPostconf(text: string, settings: readonly [string, string][]): string {
  let lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const [name, value] of settings) {
    const entries = findEntries(lines, name);
    const first = entries[0];
    if (!first) {
      lines.push(`${name} = ${value}`.trimEnd());
      continue;
    }
    const currentValue = lines
      .slice(first.start, first.end)
      .join(' ')
      .replace(/^[^=]*=/, '');
    const keep = normalize(currentValue) === normalize(value);
    const drop = new Set<number>();
    for (const entry of entries.slice(keep ? 1 : 0))
      for (let index = entry.start; index < entry.end; index++) drop.add(index);
    const replacement = `${name} = ${value}`.trimEnd();
    lines = lines.flatMap((line, index) =>
      index === first.start && !keep ? [replacement] : drop.has(index) ? [] : [line],
    );
  }
  return `${lines.join('\n')}\n`;
}

function findEntries(lines: readonly string[], name: string): { start: number; end: number }[] {
  const entries: { start: number; end: number }[] = [];
  const definition = new RegExp(`^${name}\\s*=`);
  for (let index = 0; index < lines.length; index++) {
    if (!definition.test(lines[index] ?? '')) continue;
    let end = index + 1;
    while (end < lines.length && /^\s+\S/.test(lines[end] ?? '') && !/^\s*#/.test(lines[end] ?? ''))
      end++;
    entries.push({ start: index, end });
  }
  return entries;
}
