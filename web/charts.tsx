// Bar charts drawn on the server as SVG: no JavaScript and no chart library, so they print and
// work everywhere the page does. A chart is a picture of a table that sits beside it: the SVG has
// role="img", its first child a <title> naming it (its accessible name) and a <desc> pointing at
// the table, which is what screen readers read. Bars run across, one panel for each measure (sharing the row labels); a 95% interval is a
// whisker over its bar; a suppressed value has no bar at all, only the words "fewer than 5".
// Colours are the GOV.UK palette's, at least 3:1 against white for the bars and 4.5:1 for text.
import type { Child } from 'hono/jsx';
import { FEWER_THAN_SMALL_GROUP } from '../server/shared/statistics';
import { formatCount } from '../server/shared/words';

export interface ChartBar {
  /** The number drawn, or null where it is suppressed (no bar is drawn). */
  value: number | null;
  /** The 95% interval, drawn as a whisker. */
  low?: number;
  high?: number;
  /** The value in words beside the bar ("60%", "7.2"); ignored where the value is suppressed. */
  text: string;
}

export interface ChartPanel {
  heading: string;
  /** One bar for each of the chart's labels, in order. */
  bars: ChartBar[];
  /** The end of the scale; by default a round number at or above the largest value or interval. */
  max?: number;
  /** A tick's label ("50%"). */
  tick?: (value: number) => string;
  /** The values are counts: ticks at whole numbers only. */
  whole?: boolean;
}

const WIDTH = 720;
const ROW = 26;
const BAR = 16;
const TOP = 44;
const FONT = 14;
const GAP = 24;
/** Room after the end of the scale for the value in words. */
const VALUE_ROOM = 92;
const COLOURS = { bar: '#1d70b8', ink: '#0b0c0c', secondary: '#505a5f', grid: '#b1b4b6' };

/** A round step for about four ticks, and the scale's end. */
export function niceScale(largest: number, whole = false): { max: number; step: number } {
  if (!(largest > 0)) return whole ? { max: 1, step: 1 } : { max: 1, step: 0.25 };
  const rough = largest / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const nice = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= rough)!;
  const step = whole ? Math.max(1, Math.ceil(nice)) : nice;
  return { max: Math.ceil(largest / step - 1e-9) * step, step };
}

/** Roughly how wide a label is in Arial at FONT pixels. */
const textWidth = (text: string) => text.length * FONT * 0.52;

/**
 * A bar chart of `labels` (one row each) with a panel for each measure. `tableId` is the id of the
 * table holding the same figures; the chart's description sends the reader there.
 */
export function BarChart({ id, title, labels, panels, tableId, tableCaption, note }: { id: string; title: string; labels: string[]; panels: ChartPanel[]; tableId: string; tableCaption: string; note?: string }) {
  const labelWidth = Math.min(260, Math.max(60, Math.max(...labels.map(textWidth)) + 12));
  const panelWidth = (WIDTH - labelWidth - GAP * (panels.length - 1)) / panels.length;
  const height = TOP + labels.length * ROW + 8;
  const rowMiddle = (i: number) => TOP + i * ROW + ROW / 2;
  return (
    <svg
      class="app-chart"
      id={id}
      role="img"
      aria-describedby={`${id}-desc`}
      viewBox={`0 0 ${WIDTH} ${height}`}
      width="100%"
      font-family="arial, sans-serif"
      font-size={FONT}
      data-table={tableId}
    >
      <title id={`${id}-title`}>{title}</title>
      <desc id={`${id}-desc`}>
        {note ? `${note} ` : ''}The figures are in the table “{tableCaption}”{panels.some((p) => p.bars.some((b) => b.value === null)) ? `; values about ${FEWER_THAN_SMALL_GROUP} people are not drawn` : ''}.
      </desc>
      {labels.map((label, i) => (
        <text x={labelWidth - 8} y={rowMiddle(i)} dy="0.35em" text-anchor="end" fill={COLOURS.ink}>
          {label}
        </text>
      ))}
      {panels.map((panel, p) => (
        <Panel panel={panel} left={labelWidth + p * (panelWidth + GAP)} width={panelWidth} rows={labels.length} rowMiddle={rowMiddle} />
      ))}
    </svg>
  );
}

function Panel({ panel, left, width, rows, rowMiddle }: { panel: ChartPanel; left: number; width: number; rows: number; rowMiddle: (i: number) => number }) {
  const largest = Math.max(0, ...panel.bars.flatMap((b) => (b.value === null ? [] : [b.value, b.high ?? 0])));
  const scale = panel.max === undefined ? niceScale(largest, panel.whole) : { max: panel.max, step: panel.max / 4 };
  const plot = Math.max(40, width - VALUE_ROOM);
  const x = (v: number) => left + (Math.min(Math.max(v, 0), scale.max) / scale.max) * plot;
  const ticks: number[] = [];
  for (let t = 0; t <= scale.max + 1e-9; t += scale.step) ticks.push(Number(t.toFixed(6)));
  const tick = panel.tick ?? ((v: number) => formatCount(v));
  const bottom = TOP + rows * ROW;
  const parts: Child[] = [
    <text x={left} y={16} font-weight="bold" fill={COLOURS.ink}>
      {panel.heading}
    </text>,
    ...ticks.map((t) => (
      <>
        <line x1={x(t)} x2={x(t)} y1={TOP - 4} y2={bottom} stroke={COLOURS.grid} stroke-width="1" />
        <text x={x(t)} y={TOP - 10} text-anchor="middle" font-size={FONT - 2} fill={COLOURS.secondary}>
          {tick(t)}
        </text>
      </>
    )),
    <line x1={left} x2={left} y1={TOP - 4} y2={bottom} stroke={COLOURS.ink} stroke-width="1.5" />,
  ];
  panel.bars.forEach((bar, i) => {
    const middle = rowMiddle(i);
    if (bar.value === null) {
      parts.push(
        <text class="app-chart__suppressed" x={left + 6} y={middle} dy="0.35em" font-style="italic" fill={COLOURS.secondary}>
          {FEWER_THAN_SMALL_GROUP}
        </text>,
      );
      return;
    }
    const end = x(bar.value);
    if (end > left) parts.push(<rect class="app-chart__bar" x={left} y={middle - BAR / 2} width={end - left} height={BAR} fill={COLOURS.bar} />);
    let after = end;
    if (bar.low !== undefined && bar.high !== undefined) {
      const [from, to] = [x(bar.low), x(bar.high)];
      after = Math.max(after, to);
      parts.push(
        <g class="app-chart__interval" stroke={COLOURS.ink} stroke-width="2">
          <line x1={from} x2={to} y1={middle} y2={middle} />
          <line x1={from} x2={from} y1={middle - 6} y2={middle + 6} />
          <line x1={to} x2={to} y1={middle - 6} y2={middle + 6} />
        </g>,
      );
    }
    parts.push(
      <text x={after + 6} y={middle} dy="0.35em" fill={COLOURS.ink}>
        {bar.text}
      </text>,
    );
  });
  return <g>{parts}</g>;
}
