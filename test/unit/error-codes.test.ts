import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATEGORY_MOVE, CATEGORY_STATUS, describeCode, knownCodes, LOCAL } from '../../shared/error-codes';
import { WeChatApiError } from '../../shared/errors';

const SEEDS = join(__dirname, '..', '..', '..', 'shared', 'seeds');

describe('the error-code table', () => {
  it('covers every code in the seed documents and the common and qrcodejump codes', () => {
    const known = new Set(knownCodes());
    const fromSeeds = new Set<number>();
    let seedsRead = 0;
    try {
      for (const file of readdirSync(SEEDS)) {
        seedsRead++;
        for (const match of readFileSync(join(SEEDS, file), 'utf8').matchAll(/^(-?\d{1,7}) \|/gm)) fromSeeds.add(Number(match[1]));
      }
    } catch {
      // The seeds live beside the repository; without them the fixed list below still applies.
    }
    const required = [0, -1, -1000, 40001, 40014, 40097, 40101, 41001, 42001, 43002, 44002, 47001, 40164, 45009, 44990,
      85066, 85067, 85068, 85069, 85070, 85071, 85072, 85073, 85074, 85075, 85076, 85088, 85095, 886000, 886001,
      -501000, -501002, -501007];
    for (const code of [...required, ...fromSeeds]) if (code !== 0) expect({ code, known: known.has(code) }).toEqual({ code, known: true });
    if (seedsRead > 0) expect(fromSeeds.size).toBeGreaterThan(15);
  });

  it('gives every code a category, a hint and an HTTP status', () => {
    for (const code of knownCodes()) {
      const info = describeCode(code);
      expect(Object.keys(CATEGORY_STATUS)).toContain(info.category);
      expect(info.hint.length).toBeGreaterThan(10);
      expect(info.httpStatus).toBeGreaterThanOrEqual(400);
    }
  });

  it('files each code by whose move it is: the caller\'s (4xx), the operator\'s (409/500) or WeChat\'s (502/503)', () => {
    const of = (code: number): [string, number] => [describeCode(code).category, describeCode(code).httpStatus];
    // the caller's: the request, or the caller itself
    expect(of(LOCAL.INVALID_INPUT)).toEqual(['input', 400]);
    expect(of(85071)).toEqual(['input', 400]);
    expect(of(LOCAL.UNAUTHENTICATED)).toEqual(['auth', 401]);
    expect(of(LOCAL.FORBIDDEN)).toEqual(['auth', 403]);
    // the operator's: the account, platform or site is not set up (never a 502: WeChat is fine)
    for (const code of [85069, 85074, 85075, 85076, 85088, 40164, 48001, 61007, 61023, LOCAL.STATIC_HOSTING_NOT_FOUND, LOCAL.AUTHORIZER_UNKNOWN]) {
      expect({ code, is: of(code) }).toEqual({ code, is: ['setup', 409] });
    }
    // the operator's: this deployment's variables, credentials WeChat refused, a bug
    for (const code of [40001, 40013, 40125, 61011, LOCAL.CONFIG_MISSING, LOCAL.TOKEN_REJECTED, LOCAL.DECRYPT_KEY_INVALID, LOCAL.INTERNAL]) {
      expect({ code, is: of(code) }).toEqual({ code, is: ['local', 500] });
    }
    // WeChat's: busy (retry helps) or an answer we did not expect
    expect(of(-1)).toEqual(['busy', 503]);
    expect(of(LOCAL.NETWORK_ERROR)).toEqual(['busy', 502]);
    expect(of(LOCAL.BAD_UPSTREAM_RESPONSE)).toEqual(['upstream', 502]);
    expect(of(44990)).toEqual(['quota', 429]);
    // 502 is WeChat's (or the storage's) doing, or the gateway's stand-in for a failed invocation
    for (const code of knownCodes()) {
      const info = describeCode(code);
      if (info.httpStatus === 502) expect({ code, category: info.category }).toEqual({ code, category: expect.stringMatching(code === LOCAL.GATEWAY_FUNCTION_FAILED ? /^local$/ : /^(upstream|busy)$/) });
    }
    expect(Object.keys(CATEGORY_MOVE).sort()).toEqual(Object.keys(CATEGORY_STATUS).sort());
  });

  it('keeps local codes inside the documented range', () => {
    for (const code of Object.values(LOCAL)) expect(code >= 990000 && code <= 990999).toBe(true);
  });

  it('retries only what a retry can fix', () => {
    expect(describeCode(-1).retryable).toBe(true);
    expect(describeCode(886001).retryable).toBe(true);
    expect(describeCode(40001).retryable).toBe(false);
    expect(describeCode(85071).retryable).toBe(false);
    expect(describeCode(123456)).toMatchObject({ category: 'upstream', httpStatus: 502, retryable: false });
  });

  it('gives a hint that fits the API when the same code means different things', () => {
    expect(new WeChatApiError('cgi-bin/wxopen/qrcodejumpadd', 40097, 'invalid args').hint).toMatch(/published rule cannot be edited/);
    expect(new WeChatApiError('intp/marketcode/applycode', 40097, 'invalid args').hint).toMatch(/code_count/);
    expect(new WeChatApiError('cgi-bin/wxopen/qrcodejumpget', 40097, 'invalid args').hint).toMatch(/refused a field value/);
  });

  it('keeps WeChat\'s errmsg and pulls out its rid', () => {
    const error = new WeChatApiError('cgi-bin/wxopen/qrcodejumpadd', 85071, 'prefix added repeated rid: 65f1a2b3-1c2d3e4f-5a6b7c8d');
    expect(error.toAnswer()).toEqual({
      errcode: 85071,
      errmsg: 'prefix added repeated rid: 65f1a2b3-1c2d3e4f-5a6b7c8d',
      hint: expect.stringContaining('is_edit=1'),
      category: 'input',
      rid: '65f1a2b3-1c2d3e4f-5a6b7c8d',
    });
  });
});
