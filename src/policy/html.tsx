import type { Child } from 'hono/jsx';
import type { Block, PolicyDocument, Section, Text } from './document.ts';

/**
 * The HTML notation of a document, as Hono JSX (which escapes every text and attribute). Facts
 * become a definition list, the notice an `<article>` (a framed card in the stylesheet), links
 * plain `<a>` elements: nothing is embedded or loaded from elsewhere.
 */
export function DocumentBody(props: { doc: PolicyDocument }) {
  const { doc } = props;
  return (
    <div class="policy" lang={doc.lang}>
      <h1>{doc.title}</h1>
      {doc.meta.map((line) => (
        <p class="muted">
          <Inlines text={line} />
        </p>
      ))}
      {doc.sections.map((section) => (
        <SectionView section={section} level={2} />
      ))}
    </div>
  );
}

/**
 * The document as a complete standalone HTML page (for `treff policy render --format html`, to
 * publish elsewhere): no stylesheet, no script, nothing from another origin. Pure; throws only if
 * a component were asynchronous, which none is.
 */
export function renderStandaloneHtml(doc: PolicyDocument): string {
  const page = (
    <html lang={doc.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{doc.title}</title>
      </head>
      <body>
        <main>
          <DocumentBody doc={doc} />
        </main>
      </body>
    </html>
  );
  const html: unknown = (page as unknown as { toString(): unknown }).toString();
  if (typeof html !== 'string') throw new Error('the policy page must render synchronously');
  return `<!doctype html>${html}\n`;
}

function SectionView(props: { section: Section; level: number }) {
  const { section, level } = props;
  return (
    <section id={section.id}>
      <Heading level={level}>{section.title}</Heading>
      {section.blocks.map((block) => (
        <BlockView block={block} />
      ))}
      {section.sections.map((child) => (
        <SectionView section={child} level={level + 1} />
      ))}
    </section>
  );
}

function Heading(props: { level: number; children: Child }) {
  switch (props.level) {
    case 2:
      return <h2>{props.children}</h2>;
    case 3:
      return <h3>{props.children}</h3>;
    case 4:
      return <h4>{props.children}</h4>;
    case 5:
      return <h5>{props.children}</h5>;
    default:
      return <h6>{props.children}</h6>;
  }
}

function BlockView(props: { block: Block }) {
  const { block } = props;
  switch (block.kind) {
    case 'paragraph':
      return (
        <p>
          <Inlines text={block.text} />
        </p>
      );
    case 'list':
      return (
        <ul>
          {block.items.map((item) => (
            <li>
              <Inlines text={item} />
            </li>
          ))}
        </ul>
      );
    case 'facts':
      return (
        <dl class="facts">
          {block.facts.map((fact) => (
            <>
              <dt>{fact.term}</dt>
              <dd>
                {fact.values.length === 1 && fact.values[0] ? (
                  <Inlines text={fact.values[0]} />
                ) : (
                  <ul>
                    {fact.values.map((value) => (
                      <li>
                        <Inlines text={value} />
                      </li>
                    ))}
                  </ul>
                )}
              </dd>
            </>
          ))}
        </dl>
      );
    case 'table':
      return (
        <table>
          <thead>
            <tr>
              {block.head.map((cell) => (
                <th scope="col">{cell}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {block.rows.map((row) => (
              <tr>
                {row.map((cell) => (
                  <td>
                    <Inlines text={cell} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      );
    case 'notice':
      return (
        <article class="notice" role="note">
          <header>
            <strong>{block.title}</strong>
          </header>
          {block.blocks.map((inner) => (
            <BlockView block={inner} />
          ))}
        </article>
      );
  }
}

function Inlines(props: { text: Text }) {
  return (
    <>
      {props.text.map((item) =>
        typeof item === 'string' ? (
          item
        ) : (
          // Other sites learn nothing of where the reader came from, also when published elsewhere.
          <a href={item.href} rel={/^https?:/.test(item.href) ? 'noreferrer' : undefined}>
            {item.text}
          </a>
        ),
      )}
    </>
  );
}
