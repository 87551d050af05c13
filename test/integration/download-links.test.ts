import type { Emulator } from '../../scripts/emulator';
import { cloudOf, fileIdOf, DEMO_ENVS } from '../../scripts/emulator/cloud-envs';
import { loadBundle } from '../support/bundles';
import { useEmulator, HTTP_KEY, MINI_PROGRAM, useAccount } from '../support/emulator';
import { setEnv } from '../support/env';
import { httpBody, httpEvent } from '../support/events';

const ENV = DEMO_ENVS[0]!;
const OTHER_ENV = DEMO_ENVS[1]!;
const PATH = 'tcb/batchdownloadfile';

let emulator: Emulator;

const current = useEmulator();
beforeAll(() => {
  emulator = current();
});
beforeEach(() => {
  emulator.reset();
  useAccount(emulator, MINI_PROGRAM.appid, MINI_PROGRAM.secret);
});

async function seed(path: string, bytes: Buffer, contentType?: string): Promise<string> {
  const response = await fetch(`${emulator.url}/__emulator/storage-put`, {
    method: 'POST',
    body: JSON.stringify({ env: ENV.envId, path, content_base64: bytes.toString('base64'), ...(contentType === undefined ? {} : { content_type: contentType }) }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { fileid: string }).fileid;
}

interface Link {
  fileid: string;
  download_url: string;
  status: number;
  errmsg: string;
}

describe('getDownloadTcbFileLink', () => {
  it('answers 120 files in order from three upstream calls, unknown ones flagged per file', async () => {
    const storage = cloudOf(emulator).storage;
    const files = Array.from({ length: 120 }, (_, n) => {
      const path = `photos/${String(n).padStart(3, '0')}.jpg`;
      if (n % 7 !== 3) storage.put(ENV.envId, path, { bytes: Buffer.from(`photo ${n}`), contentType: 'image/jpeg', uploadedAt: emulator.now() });
      return { fileid: fileIdOf(ENV, path), max_age: 600 };
    });
    const answer = httpBody(await loadBundle('getDownloadTcbFileLink')(httpEvent({ env: ENV.envId, file_list: files }, HTTP_KEY)));
    expect(answer).toMatchObject({ errcode: 0, errmsg: 'ok', failed: 17 });
    const links = answer['file_list'] as Link[];
    expect(links.map((link) => link.fileid)).toEqual(files.map((file) => file.fileid));
    links.forEach((link, n) => {
      if (n % 7 === 3) expect(link).toEqual({ fileid: files[n]!.fileid, download_url: '', status: -503003, errmsg: 'storage file not exists' });
      else expect(link).toMatchObject({ status: 0, errmsg: 'ok', download_url: expect.stringContaining(`/__tcb-download/${ENV.envId}/photos/`) });
    });
    const calls = emulator.callsTo(PATH);
    expect(calls.map((call) => (call.body as { file_list: unknown[] }).file_list.length)).toEqual([50, 50, 20]);
    expect(calls.flatMap((call) => (call.body as { file_list: Array<{ fileid: string }> }).file_list.map((f) => f.fileid))).toEqual(files.map((f) => f.fileid));
    expect(calls.every((call) => call.tokenParam === 'access_token' && call.errcode === 0)).toBe(true);

    // A link serves exactly the stored bytes with the stored type.
    const served = await fetch(links[11]!.download_url);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await served.arrayBuffer()).toString()).toBe("photo 11");
  });

  it('gives links that serve binary bytes and expire after max_age on the emulator clock', async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, n) => n));
    const fileid = await seed('bin/all-bytes.bin', bytes, 'application/x-test');
    const answer = (await loadBundle('getDownloadTcbFileLink')({ env: ENV.envId, file_list: [{ fileid, max_age: 60 }] })) as { file_list: Link[] };
    const url = answer.file_list[0]!.download_url;
    const first = await fetch(url);
    expect(Buffer.from(await first.arrayBuffer())).toEqual(bytes);
    expect(first.headers.get('content-type')).toBe('application/x-test');

    const forged = new URL(url);
    forged.pathname = forged.pathname.replace('all-bytes.bin', 'other.bin');
    expect((await fetch(forged)).status).toBe(403);
    const longer = new URL(url);
    longer.searchParams.set('t', String(Number(longer.searchParams.get('t')) + 3600));
    expect((await fetch(longer)).status).toBe(403);

    emulator.advanceClock(61);
    const expired = await fetch(url);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('Request has expired');
  });

  it('works with the runtime\'s cloudbase_access_token', async () => {
    const fileid = await seed('a.txt', Buffer.from('hello'), 'text/plain');
    const issued = await (await fetch(`${emulator.url}/__emulator/issue-token`, { method: 'POST', body: JSON.stringify({ appid: MINI_PROGRAM.appid, kind: 'cloudbase' }) })).json();
    setEnv({ WXOPEN_APPID: undefined, WXOPEN_APPSECRET: undefined, WX_CLOUDBASE_ACCESSTOKEN: (issued as { token: string }).token });
    try {
      const answer = await loadBundle('getDownloadTcbFileLink')({ env: ENV.envId, file_list: [{ fileid, max_age: 10 }] });
      expect(answer).toMatchObject({ errcode: 0, file_list: [{ fileid, status: 0 }] });
      expect(emulator.callsTo(PATH)[0]?.tokenParam).toBe('cloudbase_access_token');
    } finally {
      setEnv({ WX_CLOUDBASE_ACCESSTOKEN: undefined });
    }
  });

  it('refuses bad input before any call, naming the field', async () => {
    const main = loadBundle('getDownloadTcbFileLink');
    const good = fileIdOf(ENV, 'a.png');
    expect(await main({ env: ENV.envId, file_list: [] })).toMatchObject({ errcode: 990001, field: 'file_list' });
    expect(await main({ env: ENV.envId, file_list: [{ fileid: good, max_age: 86401 }] })).toMatchObject({ errcode: 990001, field: 'file_list[0].max_age' });
    expect(await main({ env: ENV.envId, file_list: [{ fileid: good, max_age: 5 }, { fileid: fileIdOf(OTHER_ENV, 'a.png'), max_age: 5 }] })).toMatchObject({
      errcode: 990001,
      field: 'file_list[1].fileid',
      errmsg: expect.stringContaining(`belongs to environment "${OTHER_ENV.envId}"`),
    });
    expect(await main({ env: 'Not An Env', file_list: [{ fileid: good, max_age: 5 }] })).toMatchObject({ errcode: 990001, field: 'env' });
    expect(emulator.calls).toHaveLength(0);
  });

  it('passes WeChat\'s answer through for an env the account does not own', async () => {
    const answer = await loadBundle('getDownloadTcbFileLink')({ env: OTHER_ENV.envId, file_list: [{ fileid: fileIdOf(OTHER_ENV, 'a.png'), max_age: 5 }] });
    expect(answer).toMatchObject({ errcode: -501007, category: 'input' });
  });

  it('retries a busy answer, since asking for links is safe to repeat', async () => {
    const fileid = await seed('a.txt', Buffer.from('x'));
    emulator.faults.add({ path: PATH, type: 'errcode', errcode: -1, times: 1 });
    expect(await loadBundle('getDownloadTcbFileLink')({ env: ENV.envId, file_list: [{ fileid, max_age: 5 }] })).toMatchObject({ errcode: 0, failed: 0 });
    expect(emulator.callsTo(PATH)).toHaveLength(2);
  });
});

describe('the emulated batchdownloadfile', () => {
  it('refuses more than 50 files in one call', async () => {
    const token = (await (await fetch(`${emulator.url}/__emulator/issue-token`, { method: 'POST', body: JSON.stringify({ appid: MINI_PROGRAM.appid, kind: 'access' }) })).json()) as { token: string };
    const body = { env: ENV.envId, file_list: Array.from({ length: 51 }, (_, n) => ({ fileid: fileIdOf(ENV, `${n}`), max_age: 5 })) };
    const answer = (await (await fetch(`${emulator.url}/${PATH}?access_token=${token.token}`, { method: 'POST', body: JSON.stringify(body) })).json()) as { errcode: number };
    expect(answer.errcode).toBe(-501007);
  });
});
