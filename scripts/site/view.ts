import type { ProgressEvent } from '../../shared/progress/events';

/** Where the command writes: a terminal gets a progress bar redrawn in place, anything else plain lines. */
export interface Output {
  write(text: string): void;
  isTTY?: boolean;
  columns?: number;
}

const BAR_WIDTH = 24;

function bar(done: number, total: number): string {
  const filled = total === 0 ? BAR_WIDTH : Math.round((done / total) * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${done}/${total}`;
}

/**
 * Live progress of `npm run site`: the staging, then the function's own events (steps, files,
 * waits) as they happen. On a terminal one bar line is redrawn in place and each finished step is
 * printed above it; otherwise every event is one line, so that a log shows the same story.
 */
export class ProgressView {
  private barLine = '';

  constructor(private readonly out: Output) {}

  private get tty(): boolean {
    return this.out.isTTY === true;
  }

  private fit(text: string): string {
    const width = Math.max(20, (this.out.columns ?? 100) - 1);
    return text.length > width ? `${text.slice(0, width - 1)}…` : text;
  }

  private line(text: string): void {
    if (this.tty && this.barLine !== '') this.out.write('\r\x1b[K');
    this.out.write(`${text}\n`);
    if (this.tty && this.barLine !== '') this.out.write(this.barLine);
  }

  private redraw(text: string): void {
    this.barLine = this.fit(text);
    this.out.write(`\r\x1b[K${this.barLine}`);
  }

  /** A line of the command's own (found 30 files, staging, …). */
  note(text: string): void {
    this.line(text);
  }

  staged(done: number, total: number, filename: string): void {
    if (this.tty) this.redraw(`staging ${bar(done, total)} ${filename}`);
    else this.line(`staged ${done}/${total} ${filename}`);
  }

  event(event: ProgressEvent): void {
    switch (event.kind) {
      case 'step':
        // A finished step ends the bar of its files or waits: the step's line says how it went.
        this.done();
        this.line(`${event.status === 'failed' ? '✗' : event.status === 'skipped' ? '·' : '✓'} ${event.step} ${event.status}: ${event.detail}`);
        return;
      case 'file': {
        const text = `${event.outcome.padEnd(12)} ${event.key}${event.detail === undefined ? '' : `  (${event.detail})`}`;
        if (this.tty) this.redraw(`files ${bar(event.done, event.total)} ${text}`);
        else this.line(`file ${event.done}/${event.total} ${text}`);
        return;
      }
      case 'wait':
        if (this.tty) this.redraw(`waiting (${event.step}, attempt ${event.attempt}): ${event.detail}`);
        else this.line(`wait ${event.step} attempt ${event.attempt}: ${event.detail}`);
    }
  }

  /** Ends the bar line (before the summary). */
  done(): void {
    if (this.tty && this.barLine !== '') this.out.write('\r\x1b[K');
    this.barLine = '';
  }
}

export interface SummaryRow {
  key: string;
  outcome: string;
  size?: number;
  reason?: string;
}

/** The table printed at the end: one row per file, outcomes counted below it. */
export function summaryTable(rows: readonly SummaryRow[]): string {
  const header = { key: 'file', outcome: 'outcome', size: 'bytes', reason: 'note' };
  const cells = rows.map((row) => ({ key: row.key, outcome: row.outcome, size: row.size === undefined ? '' : String(row.size), reason: row.reason ?? '' }));
  const width = (pick: (row: typeof header) => string) => Math.max(...[header, ...cells].map((row) => pick(row).length));
  const keyWidth = Math.min(60, width((row) => row.key));
  const outcomeWidth = width((row) => row.outcome);
  const sizeWidth = width((row) => row.size);
  const format = (row: typeof header) => `${row.key.padEnd(keyWidth)}  ${row.outcome.padEnd(outcomeWidth)}  ${row.size.padStart(sizeWidth)}  ${row.reason}`.trimEnd();
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.outcome, (counts.get(row.outcome) ?? 0) + 1);
  const totals = [...counts].map(([outcome, count]) => `${count} ${outcome}`).join(', ');
  return [format(header), format({ key: '-'.repeat(keyWidth), outcome: '-'.repeat(outcomeWidth), size: '-'.repeat(sizeWidth), reason: '' }), ...cells.map(format), '', `${rows.length} file(s): ${totals}`].join('\n');
}
