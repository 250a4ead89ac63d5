/**
 * Bar charts as server-rendered SVG: no script, nothing from elsewhere, plain attributes (the
 * CSP forbids inline styles). Readable without colour: each series has its own fill pattern
 * (solid, hatched, dotted) shown in the legend, and every bar carries its value as text.
 */

export type Fill = 'solid' | 'hatch' | 'dots';

export interface Series {
  name: string;
  values: readonly number[];
  fill: Fill;
}

const WIDTH = 760;
const HEIGHT = 280;
const LEFT = 16;
const TOP = 44;
const BOTTOM = 36;

function fillOf(id: string, fill: Fill): string {
  return fill === 'solid' ? '#2b4a6f' : `url(#${id}-${fill})`;
}

function Patterns(props: { id: string }) {
  return (
    <defs>
      <pattern
        id={`${props.id}-hatch`}
        width="6"
        height="6"
        patternUnits="userSpaceOnUse"
        patternTransform="rotate(45)"
      >
        <rect width="6" height="6" fill="#ffffff" />
        <line x1="0" y1="0" x2="0" y2="6" stroke="#9a3b1f" stroke-width="3" />
      </pattern>
      <pattern id={`${props.id}-dots`} width="6" height="6" patternUnits="userSpaceOnUse">
        <rect width="6" height="6" fill="#ffffff" />
        <circle cx="3" cy="3" r="1.6" fill="#3d6b35" />
      </pattern>
    </defs>
  );
}

/**
 * A grouped bar chart of `series` over `categories`, titled for screen readers by `title`
 * and `description`. `format` writes a value as the label above its bar.
 */
export function BarChart(props: {
  id: string;
  title: string;
  description: string;
  categories: readonly string[];
  series: readonly Series[];
  format: (value: number) => string;
}) {
  const { id, categories, series } = props;
  const max = Math.max(
    1,
    ...series.flatMap((entry) => entry.values.map((value) => Math.abs(value))),
  );
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const groupWidth = (WIDTH - LEFT * 2) / Math.max(1, categories.length);
  const barWidth = Math.max(4, (groupWidth - 8) / Math.max(1, series.length));
  const baseline = TOP + plotHeight;
  return (
    <svg
      class="chart"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      width="100%"
      role="img"
      aria-labelledby={`${id}-title ${id}-desc`}
      xmlns="http://www.w3.org/2000/svg"
    >
      <title id={`${id}-title`}>{props.title}</title>
      <desc id={`${id}-desc`}>{props.description}</desc>
      <Patterns id={id} />
      {series.map((entry, index) => (
        <g>
          <rect
            x={LEFT + index * 190}
            y="8"
            width="18"
            height="14"
            fill={fillOf(id, entry.fill)}
            stroke="#222222"
          />
          <text x={LEFT + index * 190 + 24} y="20" font-size="13" fill="#222222">
            {entry.name}
          </text>
        </g>
      ))}
      <line x1={LEFT} x2={WIDTH - LEFT} y1={baseline} y2={baseline} stroke="#222222" />
      {categories.map((category, group) => {
        const x0 = LEFT + group * groupWidth + 4;
        return (
          <g>
            {series.map((entry, index) => {
              const value = entry.values[group] ?? 0;
              const height = Math.round((Math.abs(value) / max) * (plotHeight - 16));
              const x = x0 + index * barWidth;
              return (
                <g>
                  <rect
                    x={x}
                    y={baseline - height}
                    width={barWidth - 2}
                    height={height}
                    fill={fillOf(id, entry.fill)}
                    stroke="#222222"
                    stroke-width="0.5"
                  >
                    <title>{`${entry.name} ${category}: ${props.format(value)}`}</title>
                  </rect>
                  <text
                    x={x + (barWidth - 2) / 2}
                    y={baseline - height - 4}
                    font-size="10"
                    text-anchor="middle"
                    fill="#222222"
                  >
                    {props.format(value)}
                  </text>
                </g>
              );
            })}
            <text
              x={x0 + (groupWidth - 8) / 2}
              y={baseline + 18}
              font-size="12"
              text-anchor="middle"
              fill="#222222"
            >
              {category}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
