import type { Block, Inline, PolicyDocument, Section, Text } from './document.ts';

/**
 * Writes a document as CommonMark: `#` headings by depth, paragraphs, `-` lists, facts as
 * "**term:** value" list items (several values as a nested list), pipe tables, and the notice
 * as a block quote so it stays set apart in any renderer. Every text from the document is
 * escaped, so a declaration's wording can never turn into markup. Pure.
 */
export function toMarkdown(doc: PolicyDocument): string {
  const blocks: string[] = [`# ${escape(doc.title)}`];
  for (const line of doc.meta) blocks.push(startOfBlock(line));
  for (const section of doc.sections) writeSection(section, 2, blocks);
  return `${blocks.join('\n\n')}\n`;
}

function writeSection(section: Section, level: number, out: string[]): void {
  out.push(`${'#'.repeat(Math.min(level, 6))} ${escape(section.title)}`);
  for (const block of section.blocks) out.push(writeBlock(block));
  for (const child of section.sections) writeSection(child, level + 1, out);
}

function writeBlock(block: Block): string {
  switch (block.kind) {
    case 'paragraph':
      return startOfBlock(block.text);
    case 'list':
      return block.items.map((item) => `- ${startOfBlock(item)}`).join('\n');
    case 'facts':
      return block.facts
        .map((fact) => {
          const term = `- **${escape(fact.term)}:**`;
          const [only, ...more] = fact.values;
          if (only && more.length === 0) return `${term} ${inline(only)}`;
          return [term, ...fact.values.map((value) => `  - ${startOfBlock(value)}`)].join('\n');
        })
        .join('\n');
    case 'table': {
      const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
      return [
        row(block.head.map(escape)),
        row(block.head.map(() => '---')),
        ...block.rows.map((cells) => row(cells.map(inline))),
      ].join('\n');
    }
    case 'notice': {
      const inner = [`**${escape(block.title)}**`, ...block.blocks.map(writeBlock)].join('\n\n');
      return inner
        .split('\n')
        .map((line) => (line ? `> ${line}` : '>'))
        .join('\n');
    }
  }
}

/**
 * Text at the start of a block (paragraph, list item), with a first character that would
 * otherwise open a heading, a list or a quote escaped.
 */
function startOfBlock(text: Text): string {
  return inline(text).replace(/^(#|[-+>]|\d+(?=[.)]))/, (start) =>
    /^\d/.test(start) ? `${start}\\` : `\\${start}`,
  );
}

function inline(text: Text): string {
  return text.map(run).join('');
}

function run(item: Inline): string {
  if (typeof item === 'string') return escape(item);
  // Angle brackets keep a destination with spaces or parentheses in one piece (CommonMark 6.3).
  const href = /[\s()<>]/.test(item.href)
    ? `<${item.href.replace(/[<>\s]/g, encodeURIComponent)}>`
    : item.href;
  return `[${escape(item.text)}](${href})`;
}

/** Backslash-escapes the characters that could start inline markup; folds line breaks. */
function escape(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/[\\`*_[\]<>|]/g, '\\$&');
}
