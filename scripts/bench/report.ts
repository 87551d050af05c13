/**
 * The bench's one table and its JSON: each row is one figure of ours against a peer (or a limit),
 * their ratio, and the target the row is judged by. A row misses when its target does not hold; a
 * reference row (target undefined) only shows where a peer stands. A run can be compared with a
 * baseline (an earlier run's JSON): rows are matched by id and the change of the judged value shown.
 * A row may carry its floor: the least any implementation spends on the same work, measured in the
 * same run (the same requests made raw, a bare proxy). When the floor itself misses the target, the
 * miss is out of reach for any client, and the table says so with the floor's ratio.
 * Pure functions: no I/O here (scripts/bench.ts prints and writes).
 */
import { median } from './stats';

export type Unit = 'ms' | 'µs' | 'MiB' | 'KiB' | 'req/s' | 'codes/s' | 'fetches' | 'requests';

export interface Figure {
  value: number;
  unit: Unit;
}

export interface Peer extends Figure {
  /** What the peer is: "node -e 0", "co-wechat-api", "raw fetch", "the minimum the steps need". */
  name: string;
}

/**
 * What a row is judged by: the ratio ours / peer, or our own figure (a count that must be 1),
 * compared with `value`. Lower is better for '<=', higher for '>='.
 */
export interface Target {
  of: 'ratio' | 'ours';
  op: '<=' | '>=';
  value: number;
}

export interface Row {
  /** Stable key, matched against the baseline: "cold.getJumpQRCode.wall". */
  id: string;
  /** The measurement it belongs to (1-6 of the issue), for grouping. */
  section: string;
  label: string;
  ours: Figure;
  peer?: Peer;
  /** undefined: a reference row, shown but not judged. */
  target?: Target;
  /** The same figure for the least any implementation does (same unit as `ours`), measured in this run. */
  floor?: Peer;
  /**
   * Samples of ours and the peer taken side by side ([ours, peer], one pair per moment): the ratio
   * is then the median of the pairs' ratios, so that a drift common to both (a warming process, a
   * busy moment of the machine) cancels out instead of tilting one median.
   */
  pairs?: ReadonlyArray<readonly [number, number]>;
  /** The floor's samples side by side with the peer's ([floor, peer]): its ratio is then their median, as with `pairs`. */
  floorPairs?: ReadonlyArray<readonly [number, number]>;
  /** Extra facts for the JSON (all 25 load times, the samples' spread, ...). */
  details?: Record<string, unknown>;
}

export interface JudgedRow extends Row {
  /** ours / peer (undefined without a peer or with a zero peer). */
  ratio?: number;
  /** undefined for a reference row. */
  met?: boolean;
  /** floor / peer, when the row has a floor and a peer. */
  floorRatio?: number;
  /** False when the target is missed and the floor misses it too: no implementation could meet it here. */
  reachable?: boolean;
}

export interface BenchResults {
  date: string;
  node: string;
  machine: string;
  durationMs: number;
  rows: JudgedRow[];
}

/** The median of the side-by-side pairs' ratios; without pairs, the ratio of the two figures. */
function ratioFrom(value: number, peer: number, pairs: ReadonlyArray<readonly [number, number]> | undefined): number {
  const paired = (pairs ?? []).filter(([, side]) => side !== 0).map(([one, side]) => one / side);
  return paired.length > 0 ? median(paired) : value / peer;
}

export function ratioOf(row: Row): number | undefined {
  if (row.peer === undefined || row.peer.value === 0) return undefined;
  return ratioFrom(row.ours.value, row.peer.value, row.pairs);
}

/** The value a target is applied to; undefined when the row lacks it (no peer for a ratio target). */
function judgedValue(row: Row, ratio: number | undefined): number | undefined {
  if (row.target === undefined) return undefined;
  return row.target.of === 'ratio' ? ratio : row.ours.value;
}

function meets(value: number | undefined, target: Target): boolean {
  // A figure that could not be had (NaN, no peer) misses: it cannot show that it meets.
  return value !== undefined && Number.isFinite(value) && (target.op === '<=' ? value <= target.value : value >= target.value);
}

export function judge(row: Row): JudgedRow {
  const ratio = ratioOf(row);
  const floorRatio = row.floor === undefined || row.peer === undefined || row.peer.value === 0 ? undefined : ratioFrom(row.floor.value, row.peer.value, row.floorPairs);
  const judged: JudgedRow = { ...row, ...(ratio === undefined ? {} : { ratio }), ...(floorRatio === undefined ? {} : { floorRatio }) };
  if (row.target === undefined) return judged;
  const met = meets(judgedValue(row, ratio), row.target);
  if (met || row.floor === undefined) return { ...judged, met };
  const floorValue = row.target.of === 'ratio' ? floorRatio : row.floor.value;
  return { ...judged, met, reachable: meets(floorValue, row.target) };
}

/** The status cell: ok, MISS, or MISS with the floor that shows no implementation could meet the target. */
export function formatStatus(row: JudgedRow): string {
  if (row.met === undefined) return '';
  if (row.met) return 'ok';
  return row.reachable === false ? `MISS, out of reach: floor ${formatRatio(row.floorRatio)}` : 'MISS';
}

const SINGULAR = { fetches: 'fetch', requests: 'request' } as const;

export function formatFigure(figure: Figure): string {
  const { value, unit } = figure;
  if (!Number.isFinite(value)) return `- ${unit}`;
  switch (unit) {
    case 'ms':
      return `${value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)} ms`;
    case 'µs':
      return `${value.toFixed(0)} µs`;
    case 'MiB':
      return `${value.toFixed(1)} MiB`;
    case 'KiB':
      return `${value.toFixed(1)} KiB`;
    case 'req/s':
      return `${value.toFixed(0)} req/s`;
    case 'codes/s':
      return `${(value / 1e6).toFixed(2)} M codes/s`;
    case 'fetches':
    case 'requests':
      return `${value.toFixed(0)} ${value === 1 ? SINGULAR[unit] : unit}`;
  }
}

export function formatRatio(ratio: number | undefined): string {
  if (ratio === undefined || !Number.isFinite(ratio)) return '-';
  if (ratio !== 0 && ratio < 0.01) return ratio.toExponential(1);
  return `${ratio.toFixed(2)}x`;
}

export function formatTarget(target: Target | undefined): string {
  if (target === undefined) return 'ref';
  const op = target.op === '<=' ? '≤' : '≥';
  return target.of === 'ratio' ? `${op} ${target.value}x` : `ours ${op} ${target.value}`;
}

/** The change of a row's judged figure (its ratio, or our value for 'ours' targets) against the baseline's row of the same id. */
export function changeAgainst(row: JudgedRow, baseline: readonly JudgedRow[] | undefined): string {
  if (baseline === undefined) return '';
  const before = baseline.find((candidate) => candidate.id === row.id);
  if (before === undefined) return 'new';
  const byOurs = row.target?.of === 'ours' || (row.ratio === undefined && before.ratio === undefined);
  const now = byOurs ? row.ours.value : row.ratio;
  const then = byOurs ? before.ours.value : before.ratio;
  if (now === undefined || then === undefined || !Number.isFinite(now) || !Number.isFinite(then)) return '-';
  const shown = byOurs ? formatFigure({ value: then, unit: before.ours.unit }) : formatRatio(then);
  if (then === 0) return `${shown} → ${byOurs ? formatFigure({ value: now, unit: row.ours.unit }) : formatRatio(now)}`;
  const percent = ((now - then) / Math.abs(then)) * 100;
  return `${shown} (${percent >= 0 ? '+' : ''}${percent.toFixed(0)}%)`;
}

/** Pads cells to column widths; the first column left-aligned, figures right-aligned. */
function layout(rows: readonly string[][], rightAligned: ReadonlySet<number>): string[] {
  const widths: number[] = [];
  for (const cells of rows) cells.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, [...cell].length)));
  return rows.map((cells) =>
    cells
      .map((cell, index) => {
        const pad = ' '.repeat((widths[index] ?? 0) - [...cell].length);
        return rightAligned.has(index) ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd(),
  );
}

/**
 * The table: one line per row, grouped by section, "MISS" on rows whose target does not hold,
 * and, given a baseline, the baseline's judged figure with the change.
 */
export function formatTable(rows: readonly JudgedRow[], baseline?: readonly JudgedRow[]): string {
  const header = ['', 'measure', 'ours', 'peer', 'peer is', 'ratio', 'target', '', ...(baseline === undefined ? [] : ['baseline (change)'])];
  const lines: string[][] = [header];
  let section = '';
  const sectionStarts: number[] = [];
  for (const row of rows) {
    if (row.section !== section) {
      section = row.section;
      sectionStarts.push(lines.length);
      lines.push([section]);
    }
    lines.push([
      '',
      row.label,
      formatFigure(row.ours),
      row.peer === undefined ? '-' : formatFigure(row.peer),
      row.peer?.name ?? '',
      formatRatio(row.ratio),
      formatTarget(row.target),
      formatStatus(row),
      ...(baseline === undefined ? [] : [changeAgainst(row, baseline)]),
    ]);
  }
  // Section titles span the line; they take no part in the column widths.
  const starts = new Set(sectionStarts);
  const laidOut = layout(lines.filter((_, index) => !starts.has(index)), new Set([2, 3, 5]));
  const out: string[] = [];
  let next = 0;
  lines.forEach((cells, index) => {
    if (starts.has(index)) out.push(cells[0] ?? '');
    else out.push(laidOut[next++] ?? '');
  });
  out.push('');
  out.push(...summary(rows));
  return out.join('\n');
}

/** The closing lines: how many judged rows meet; of the misses, which are ours to close and which no implementation could meet here. */
export function summary(rows: readonly JudgedRow[]): string[] {
  const judged = rows.filter((row) => row.met !== undefined);
  const missed = judged.filter((row) => row.met === false);
  if (missed.length === 0) return [`all ${judged.length} judged rows meet their target`];
  const outOfReach = missed.filter((row) => row.reachable === false);
  const ours = missed.filter((row) => row.reachable !== false);
  const lines = [`${missed.length} of ${judged.length} judged rows MISS their target`];
  if (ours.length > 0) lines.push(`  ${ours.length} to close: ${ours.map((row) => row.id).join(', ')}`);
  if (outOfReach.length > 0) lines.push(`  ${outOfReach.length} out of reach for any implementation (the floor measured in this run misses the target too): ${outOfReach.map((row) => row.id).join(', ')}`);
  return lines;
}

/** Reads a baseline file's text: the rows of an earlier run, or undefined when it is not one. */
export function parseBaseline(text: string): JudgedRow[] | undefined {
  try {
    const parsed = JSON.parse(text) as Partial<BenchResults>;
    return Array.isArray(parsed.rows) ? parsed.rows : undefined;
  } catch {
    return undefined;
  }
}
