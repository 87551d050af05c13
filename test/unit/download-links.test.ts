import * as v from 'valibot';
import { chunk, mapWithConcurrency } from '../../shared/concurrency';
import { getDownloadLinks, pairLinks } from '../../shared/tcb/download-links';
import { fileIdProblem } from '../../shared/tcb/file-id';
import { downloadLinksInput } from '../../shared/tcb/schemas';
import { validateInput } from '../../shared/handler/validate';
import { WeChatApiError } from '../../shared/errors';
import type { ApiCall, WeChatClient } from '../../shared/wechat-client';

const ENV = 'test2-4a89da';
const id = (n: number): string => `cloud://${ENV}.7465-${ENV}/f/${n}.png`;

/** A stand-in for WeChatClient: answers each call with `answer`, records the calls and the peak in flight. */
function fakeClient(answer: (call: ApiCall) => Promise<Record<string, unknown>>): { client: WeChatClient; calls: ApiCall[]; peak: () => number } {
  const calls: ApiCall[] = [];
  let inFlight = 0;
  let peak = 0;
  const client = {
    async call(call: ApiCall) {
      calls.push(call);
      inFlight++;
      peak = Math.max(peak, inFlight);
      try {
        return await answer(call);
      } finally {
        inFlight--;
      }
    },
  } as unknown as WeChatClient;
  return { client, calls, peak: () => peak };
}

function echo(call: ApiCall, delayMs = 0): Promise<Record<string, unknown>> {
  const files = (call.body as { file_list: Array<{ fileid: string }> }).file_list;
  return new Promise((resolve) =>
    setTimeout(() => resolve({ errcode: 0, errmsg: 'ok', file_list: files.map(({ fileid }) => ({ fileid, download_url: `https://x/${fileid.slice(-6)}`, status: 0, errmsg: 'ok' })) }), delayMs),
  );
}

describe('mapWithConcurrency and chunk', () => {
  it('keeps order, bounds the work in flight, and stops starting work after a failure', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapWithConcurrency([30, 5, 20, 1, 10], 2, async (ms, i) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      return i;
    });
    expect(out).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
    const started: number[] = [];
    await expect(
      mapWithConcurrency([0, 1, 2, 3, 4, 5], 1, async (n) => {
        started.push(n);
        if (n === 1) throw new Error('boom');
        return n;
      }),
    ).rejects.toThrow('boom');
    expect(started).toEqual([0, 1]);
    expect(() => chunk([1], 0)).toThrow(RangeError);
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });
});

describe('getDownloadLinks', () => {
  it('splits 120 files into calls of 50, 50 and 20, at most 3 at once, answers in order', async () => {
    const fake = fakeClient((call) => echo(call, 15));
    const files = Array.from({ length: 120 }, (_, n) => ({ fileid: id(n), max_age: 600 }));
    const links = await getDownloadLinks(fake.client, ENV, files);
    expect(fake.calls.map((call) => (call.body as { file_list: unknown[] }).file_list.length)).toEqual([50, 50, 20]);
    expect(fake.calls.every((call) => call.path === 'tcb/batchdownloadfile' && call.token === 'access' && call.idempotent)).toBe(true);
    expect(links.map((link) => link.fileid)).toEqual(files.map((file) => file.fileid));
    expect(fake.peak()).toBe(3);
  });

  it('honours a smaller concurrency', async () => {
    const fake = fakeClient((call) => echo(call, 5));
    await getDownloadLinks(fake.client, ENV, Array.from({ length: 151 }, (_, n) => ({ fileid: id(n), max_age: 60 })), { concurrency: 1 });
    expect(fake.calls).toHaveLength(4);
    expect(fake.peak()).toBe(1);
  });

  it('fails the request when a call fails after the client\'s retries', async () => {
    const fake = fakeClient(async (call) => {
      if ((call.body as { file_list: Array<{ fileid: string }> }).file_list[0]?.fileid === id(50)) throw new WeChatApiError(call.path, 40097, 'invalid args');
      return echo(call);
    });
    await expect(getDownloadLinks(fake.client, ENV, Array.from({ length: 60 }, (_, n) => ({ fileid: id(n), max_age: 60 })))).rejects.toMatchObject({ errcode: 40097 });
  });
});

describe('pairLinks', () => {
  const asked = [{ fileid: id(1), max_age: 1 }, { fileid: id(2), max_age: 1 }, { fileid: id(1), max_age: 1 }, { fileid: id(3), max_age: 1 }];

  it('pairs by the echoed id whatever key WeChat uses (fileid, files as in its example, file_id)', () => {
    const links = pairLinks(asked, [
      { files: id(2), download_url: 'u2', status: 0, errmsg: 'ok' },
      { fileid: id(1), download_url: 'u1a', status: 0, errmsg: 'ok' },
      { file_id: id(1), download_url: 'u1b', status: 0, errmsg: 'ok' },
      { fileid: id(3), download_url: '', status: -503003, errmsg: 'storage file not exists' },
    ]);
    expect(links).toEqual([
      { fileid: id(1), download_url: 'u1a', status: 0, errmsg: 'ok' },
      { fileid: id(2), download_url: 'u2', status: 0, errmsg: 'ok' },
      { fileid: id(1), download_url: 'u1b', status: 0, errmsg: 'ok' },
      { fileid: id(3), download_url: '', status: -503003, errmsg: 'storage file not exists' },
    ]);
  });

  it('falls back to position for entries without an id, and flags files WeChat left out', () => {
    const links = pairLinks(asked, [{ download_url: 'p0', status: 0 }, { fileid: id(2), download_url: 'u2', status: '0', errmsg: 'ok' }]);
    expect(links[0]).toEqual({ fileid: id(1), download_url: 'p0', status: 0, errmsg: 'ok' });
    expect(links[1]).toMatchObject({ status: 0, download_url: 'u2' });
    expect(links[2]).toMatchObject({ fileid: id(1), status: 990301, download_url: '' });
    expect(links[3]).toMatchObject({ status: 990301 });
    expect(pairLinks(asked.slice(0, 1), undefined)[0]).toMatchObject({ status: 990301 });
  });
});

describe('download input', () => {
  const valid = { env: ENV, file_list: [{ fileid: id(1), max_age: 7200 }] };
  const problem = (input: unknown): string => {
    try {
      validateInput(downloadLinksInput, input);
      return 'valid';
    } catch (error) {
      return (error as Error).message;
    }
  };

  it('accepts the seed example', () => {
    expect(v.parse(downloadLinksInput, { env: 'test2-4a89da', file_list: [{ fileid: 'cloud://test2-4a89da.7465-test2-4a89da/A.png', max_age: 7200 }] })).toBeDefined();
  });

  it('names the field and the rule', () => {
    expect(problem({ ...valid, env: 'Bad_Env' })).toMatch(/^env: must be a CloudBase environment id/);
    expect(problem({ env: ENV, file_list: [] })).toBe('file_list: must list at least one file');
    expect(problem({ env: ENV })).toBe('file_list: is required');
    expect(problem({ env: ENV, file_list: [valid.file_list[0], { fileid: id(2), max_age: 0 }] })).toBe('file_list[1].max_age: must be at least 1 second');
    expect(problem({ env: ENV, file_list: [{ fileid: id(2), max_age: 86401 }] })).toBe('file_list[0].max_age: must be at most 86400 seconds (one day)');
    expect(problem({ env: ENV, file_list: [{ fileid: id(2), max_age: 1.5 }] })).toBe('file_list[0].max_age: must be a whole number of seconds');
    expect(problem({ env: ENV, file_list: [valid.file_list[0], { fileid: 'https://x/a.png', max_age: 1 }] })).toMatch(/^file_list\[1\]\.fileid: must be a cloud storage file id/);
    expect(problem({ env: ENV, file_list: [{ fileid: 'cloud://other-env.7465-other-env/a.png', max_age: 1 }] })).toBe(
      'file_list[0].fileid: belongs to environment "other-env", not to env "test2-4a89da"',
    );
    expect(problem({ env: ENV, file_list: [{ fileid: id(1), max_age: 1, extra: 1 }] })).toBe('file_list[0].extra: is not a field of this operation');
    expect(problem({ env: ENV, file_list: Array.from({ length: 5000 }, () => valid.file_list[0]) })).toBe('valid');
  });

  it('explains what is wrong with a file id', () => {
    expect(fileIdProblem(`cloud://${ENV}.b/dir/`, ENV)).toMatch(/folder/);
    expect(fileIdProblem(`cloud://${ENV}.b/a\nb`, ENV)).toMatch(/control characters/);
    expect(fileIdProblem(`cloud://${ENV}.b/a.png`, ENV)).toBeUndefined();
  });
});
