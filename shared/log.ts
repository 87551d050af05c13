import { redact } from './redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, string | number | boolean | undefined | null>;

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * One JSON object per line (what CLS and `tcb fn log` index well), always redacted.
 * WXOPEN_LOG_LEVEL picks the threshold (default info; "silent" for none).
 */
export function log(level: LogLevel, message: string, fields: LogFields = {}): void {
  const threshold = process.env['WXOPEN_LOG_LEVEL'] ?? 'info';
  if (threshold === 'silent') return;
  if (ORDER[level] < (ORDER[threshold as LogLevel] ?? ORDER.info)) return;
  // Each value is redacted as it is (before JSON escaping could hide a pattern), then the line.
  const clean: LogFields = {};
  for (const [key, value] of Object.entries(fields)) clean[key] = typeof value === 'string' ? redact(value) : value;
  const line = redact(JSON.stringify({ level, message: redact(message), ...clean }));
  if (level === 'error' || level === 'warn') console.error(line);
  else console.log(line);
}
