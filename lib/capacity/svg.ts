/**
 * The capacity picture as a standalone SVG for docs and dashboards, written as text (no browser,
 * no layout engine): one horizontal bar per flavor and resource, its length the guaranteed share
 * of that capacity (the track is 100 %), overcommitted bars in red past the capacity mark and
 * clipped at OVER_SCALE_MAX. Each bar carries its numbers as data attributes and a <title> tooltip
 * with who holds the quota, so a dashboard or a test can read the values back.
 * Deterministic: fixed geometry, numbers with fixed decimals, every label XML-escaped.
 */
import { OVER_SCALE_MAX, amount, cellLabel, flagText, guaranteedShare, num, withUnit, xml } from './format';
import type { CapacityCell, CapacityReport } from './types';

/**
 * Geometry (px). The track, 100 % of a cell's capacity, is `track` wide. The label column and the
 * width grow with the longest label and value text (estimated at `charWidth` per character, as
 * the SVG is written without a layout engine); `barX` and `width` are the least they can be.
 */
export const SVG_LAYOUT = {
  width: 1000,
  labelX: 12,
  barX: 280,
  track: 260,
  charWidth: 7.6,
  /** The value text starts this far after the track or the bar, whichever ends later. */
  valueGap: 12,
  top: 64,
  row: 32,
  barHeight: 18,
  bottom: 40,
} as const;

const FONT = 'font-family="DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"';
const COLOR = { bar: '#2f6fb3', over: '#c62828', track: '#e8eef5', capacity: '#37474f', text: '#1f2933', muted: '#52606d' } as const;

/** Pixel values: two decimals at most, so the text is stable. */
const px = (n: number): string => num(n, 2);

/** The bar's length for a cell, in px: its share of capacity, clipped at OVER_SCALE_MAX. */
export function barWidth(cell: CapacityCell): number {
  return (SVG_LAYOUT.track * Math.min(guaranteedShare(cell), OVER_SCALE_MAX)) / 100;
}

function tooltip(cell: CapacityCell): string {
  const lines = [`${cellLabel(cell)}: ${withUnit(cell.guaranteedTotal, cell.unit)} of ${withUnit(cell.capacity, cell.unit)} guaranteed, ${withUnit(cell.free, cell.unit)} free`];
  for (const a of cell.allocations) {
    const who = a.level === 'user' ? `${a.tenant ?? a.team}/${a.name}` : a.name;
    lines.push(`${a.level} ${who}: ${amount(a.guaranteed, cell.unit)} guaranteed`);
  }
  lines.push(...cell.flags.map((f) => flagText(f, cell)));
  return lines.join('\n');
}

/** Where the bars start and how wide the picture is, for this report's labels and values. */
interface Frame { barX: number; width: number }

function valueText(cell: CapacityCell): string {
  const value = `${withUnit(cell.guaranteedTotal, cell.unit)} / ${withUnit(cell.capacity, cell.unit)}` + (cell.free >= 0 ? `, ${withUnit(cell.free, cell.unit)} free` : `, short ${withUnit(-cell.free, cell.unit)}`);
  return value + (cell.flags.length > 0 ? ` [${cell.flags.join(', ')}]` : '');
}

function valueX(cell: CapacityCell, barX: number): number {
  const L = SVG_LAYOUT;
  return barX + Math.max(L.track, barWidth(cell)) + (guaranteedShare(cell) > OVER_SCALE_MAX ? 2 : 1) * L.valueGap;
}

function frame(cells: readonly CapacityCell[]): Frame {
  const L = SVG_LAYOUT;
  const barX = Math.max(L.barX, ...cells.map((c) => Math.ceil(L.labelX + cellLabel(c).length * L.charWidth + 16)));
  const width = Math.max(L.width, ...cells.map((c) => Math.ceil(valueX(c, barX) + valueText(c).length * L.charWidth + 16)));
  return { barX, width };
}

function cellRow(cell: CapacityCell, i: number, { barX }: Frame): string[] {
  const L = SVG_LAYOUT;
  const y = L.top + i * L.row;
  const barY = y + (L.row - L.barHeight) / 2;
  const textY = y + L.row / 2 + 5;
  const share = guaranteedShare(cell);
  const over = cell.flags.includes('overcommitted') || share > 100;
  const clipped = share > OVER_SCALE_MAX;
  const data = [
    `data-flavor="${xml(cell.flavor)}"`,
    `data-resource="${xml(cell.resource)}"`,
    `data-unit="${xml(cell.unit)}"`,
    `data-capacity="${num(cell.capacity)}"`,
    `data-guaranteed="${num(cell.guaranteedTotal)}"`,
    `data-free="${num(cell.free)}"`,
    `data-share="${num(share, 1)}"`,
    `data-flags="${cell.flags.join(' ')}"`,
  ].join(' ');
  return [
    `  <g class="cell" ${data}>`,
    `    <title>${xml(tooltip(cell))}</title>`,
    `    <text class="label" x="${L.labelX}" y="${px(textY)}" fill="${COLOR.text}">${xml(cellLabel(cell))}</text>`,
    `    <rect class="track" x="${barX}" y="${px(barY)}" width="${L.track}" height="${L.barHeight}" fill="${COLOR.track}"/>`,
    `    <rect class="bar" x="${barX}" y="${px(barY)}" width="${px(barWidth(cell))}" height="${L.barHeight}" fill="${over ? COLOR.over : COLOR.bar}"/>`,
    ...(clipped ? [`    <text class="clipped" x="${px(barX + barWidth(cell) + 4)}" y="${px(textY)}" fill="${COLOR.over}">&#187;</text>`] : []),
    `    <text class="value" x="${px(valueX(cell, barX))}" y="${px(textY)}" fill="${over ? COLOR.over : COLOR.muted}">${xml(valueText(cell))}</text>`,
    '  </g>',
  ];
}

/** The report as an SVG document. */
export function renderSvg(report: CapacityReport): string {
  const L = SVG_LAYOUT;
  const n = report.cells.length;
  const height = L.top + Math.max(n, 1) * L.row + L.bottom;
  const f = frame(report.cells);
  const capX = f.barX + L.track;
  const axisBottom = L.top + Math.max(n, 1) * L.row;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${f.width}" height="${height}" viewBox="0 0 ${f.width} ${height}" font-size="13" ${FONT} role="img" aria-labelledby="capacity-title">`,
    '  <title id="capacity-title">Guaranteed share of capacity per flavor and resource</title>',
    `  <rect width="${f.width}" height="${height}" fill="#ffffff"/>`,
    `  <text x="${L.labelX}" y="26" font-size="16" font-weight="bold" fill="${COLOR.text}">Guaranteed share of capacity per flavor and resource</text>`,
    `  <text x="${L.labelX}" y="46" fill="${COLOR.muted}">bar: guaranteed quota; track: the capacity (100 %); red: overcommitted</text>`,
  ];
  if (n === 0) out.push(`  <text x="${L.labelX}" y="${L.top + 20}" fill="${COLOR.muted}">no capacity declared</text>`);
  report.cells.forEach((c, i) => out.push(...cellRow(c, i, f)));
  out.push(
    `  <line class="capacity-mark" x1="${capX}" y1="${L.top - 4}" x2="${capX}" y2="${axisBottom + 4}" stroke="${COLOR.capacity}" stroke-width="1.5" stroke-dasharray="4 3"/>`,
    `  <text x="${capX}" y="${axisBottom + 20}" text-anchor="middle" fill="${COLOR.muted}">100 % of capacity</text>`,
    `  <text x="${f.barX}" y="${axisBottom + 20}" text-anchor="middle" fill="${COLOR.muted}">0</text>`,
    '</svg>',
  );
  return `${out.join('\n')}\n`;
}
