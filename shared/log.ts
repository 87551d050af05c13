import { redact } from './redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, string | number | boolean | undefined | null>;
/** `json`: one JSON object per line (what CLS and `tcb fn log` index). `text`: one readable line for a person. */
export type LogFormat = 'json' | 'text';

export interface LogOptions {
  /** The threshold for this line; default WXOPEN_LOG_LEVEL (default info; "silent" for none). */
  level?: LogLevel | 'silent';
  /** Default WXOPEN_LOG_FORMAT, else text when the line goes to a terminal and JSON otherwise. */
  format?: LogFormat;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function thresholdOf(level: string | undefined): number {
  if (level === 'silent') return Infinity;
  return ORDER[level as LogLevel] ?? ORDER.info;
}

/** What a stream decides for the format when nothing is set: a person reads a terminal, a machine reads the rest. */
export function formatFor(stream: { isTTY?: boolean }, configured: string | undefined = process.env['WXOPEN_LOG_FORMAT']): LogFormat {
  if (configured === 'json' || configured === 'text') return configured;
  return stream.isTTY === true ? 'text' : 'json';
}

function textValue(value: string | number | boolean | null): string {
  return typeof value === 'string' && !/^[^\s"=]+$/.test(value) ? JSON.stringify(value) : String(value);
}

/**
 * One log line in either format, always redacted: each value as it is (before JSON escaping could
 * hide a pattern), then the whole line. Fields that are undefined are left out.
 */
export function formatLogLine(level: LogLevel, message: string, fields: LogFields, format: LogFormat, now: Date = new Date()): string {
  const clean: Record<string, string | number | boolean | null> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) clean[key] = typeof value === 'string' ? redact(value) : value;
  }
  if (format === 'json') return redact(JSON.stringify({ level, message: redact(message), ...clean }));
  const pairs = Object.entries(clean).map(([key, value]) => ` ${key}=${textValue(value)}`);
  return redact(`${now.toISOString().slice(11, 23)} ${level.toUpperCase().padEnd(5)} ${redact(message)}${pairs.join('')}`);
}

/**
 * The one log format of the functions and the local tools (gateway request lines included): JSON
 * lines by default, readable text when the line goes to a terminal (as the Powertools logger does);
 * WXOPEN_LOG_FORMAT=json|text decides instead. warn and error go to stderr, the rest to stdout.
 */
export function log(level: LogLevel, message: string, fields: LogFields = {}, options: LogOptions = {}): void {
  if (ORDER[level] < thresholdOf(options.level ?? process.env['WXOPEN_LOG_LEVEL'])) return;
  const toStderr = level === 'error' || level === 'warn';
  const line = formatLogLine(level, message, fields, options.format ?? formatFor(toStderr ? process.stderr : process.stdout));
  if (toStderr) console.error(line);
  else console.log(line);
}
