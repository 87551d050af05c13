import { logRequest } from '../../scripts/gateway';
import { formatFor, formatLogLine, log } from '../../shared/log';
import { setEnv, restoreEnv } from '../support/env';

const AT = new Date('2026-01-02T03:04:05.678Z');

afterEach(() => {
  jest.restoreAllMocks();
  restoreEnv();
});

function capture(): string[] {
  const lines: string[] = [];
  for (const method of ['log', 'error'] as const) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(' '));
    });
  }
  return lines;
}

describe('one log format', () => {
  it('is JSON lines for machines and one readable line for a person', () => {
    const fields = { fn: 'getJumpQRCode', caller: 'http', errcode: 40001, ms: 12, rid: undefined };
    expect(formatLogLine('warn', 'invalid credential', fields, 'json', AT)).toBe('{"level":"warn","message":"invalid credential","fn":"getJumpQRCode","caller":"http","errcode":40001,"ms":12}');
    expect(formatLogLine('warn', 'invalid credential', fields, 'text', AT)).toBe('03:04:05.678 WARN  invalid credential fn=getJumpQRCode caller=http errcode=40001 ms=12');
    expect(formatLogLine('info', 'ok', { detail: 'two words' }, 'text', AT)).toBe('03:04:05.678 INFO  ok detail="two words"');
  });

  it('redacts in both formats, and keeps the placeholders of our own hints', () => {
    const fields = { url: 'https://api.weixin.qq.com/x?access_token=AT_abcdefghijklmnopqrstuvwx', hint: 'Send the key as "Authorization: Bearer <WXOPEN_HTTP_KEY>".' };
    for (const format of ['json', 'text'] as const) {
      const line = formatLogLine('info', 'sent {"secret":"s3cr3t-value"}', fields, format, AT);
      expect({ format, line }).toEqual({ format, line: expect.not.stringMatching(/AT_abcdef|s3cr3t-value/) });
      expect(line).toContain('access_token=***');
      expect(line).toContain('Bearer <WXOPEN_HTTP_KEY>');
    }
  });

  it('picks text for a terminal and JSON otherwise, unless WXOPEN_LOG_FORMAT says', () => {
    expect(formatFor({ isTTY: true }, undefined)).toBe('text');
    expect(formatFor({}, undefined)).toBe('json');
    expect(formatFor({ isTTY: true }, 'json')).toBe('json');
    expect(formatFor({}, 'text')).toBe('text');
    expect(formatFor({}, 'yaml')).toBe('json');
  });

  it('sends warn and error to stderr, the rest to stdout, at the threshold of WXOPEN_LOG_LEVEL or the call', () => {
    setEnv({ WXOPEN_LOG_LEVEL: 'warn', WXOPEN_LOG_FORMAT: 'json' });
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const infos = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    log('info', 'dropped');
    log('warn', 'kept');
    log('info', 'kept too', {}, { level: 'info' });
    expect(errors.mock.calls).toEqual([['{"level":"warn","message":"kept"}']]);
    expect(infos.mock.calls).toEqual([['{"level":"info","message":"kept too"}']]);
  });

  it('prints the gateway\'s request lines in the same format (a token in the query redacted)', () => {
    setEnv({ WXOPEN_LOG_LEVEL: undefined, WXOPEN_LOG_FORMAT: 'json' });
    const lines = capture();
    logRequest({ method: 'POST', path: '/getJumpQRCode?access_token=AT_abcdefghijklmnopqrstuvwx', status: 200, ms: 3, requestId: 'r-1' });
    setEnv({ WXOPEN_LOG_FORMAT: 'text' });
    logRequest({ method: 'POST', path: '/getJumpQRCode', status: 401, ms: 1, requestId: 'r-2' });
    logRequest({ method: 'POST', path: '/x', status: 200, ms: 1, requestId: 'r-3' }, 'silent');
    expect(JSON.parse(lines[0] ?? '')).toEqual({ level: 'info', message: 'POST /getJumpQRCode?access_token=*** -> 200', status: 200, ms: 3, request_id: 'r-1' });
    expect(lines[1]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}POST \/getJumpQRCode -> 401 status=401 ms=1 request_id=r-2$/);
    expect(lines).toHaveLength(2);
  });
});
