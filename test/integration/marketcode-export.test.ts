import type { Emulator } from '../../scripts/emulator';
import { cloudOf } from '../../scripts/emulator/cloud-envs';
import { COS_POST } from '../../scripts/emulator/modules/cloud-storage-upload';
import { marketCodeStateOf } from '../../scripts/emulator/modules/marketcode';
import { loadBundle } from '../support/bundles';
import { useMarketCodeEmulator } from '../support/marketcode';
import { SERVICE_ACCOUNT } from '../support/emulator';
import { setEnv } from '../support/env';
import { exportFolderOf } from '../../shared/marketcode/export-package';

/** Where exportCodePackage keeps an application's files (a tag only the key holder can compute). */
const folderOf = (applicationId: string) => exportFolderOf(applicationId, Buffer.from(SERVICE_ACCOUNT.marketcodeKey as string, 'utf8'));

const ENV = 'brand-env-4d5e6f';
const DOWNLOAD = 'intp/marketcode/applycodedownload';
const ABOVE_2_53 = 2n ** 53n + 7n; // 9007199254740999, which a double would round to 9007199254741000

const currentEmulator = useMarketCodeEmulator();
let emulator: Emulator;
beforeEach(() => {
  emulator = currentEmulator();
});

type Answer = Record<string, unknown>;
interface File {
  code_start: number;
  code_end: number;
  code_count: number;
  path: string;
  fileid: string;
  download_url: string;
  status: number;
}

async function apply(codeCount: number, isv: string): Promise<string> {
  const answer = await loadBundle('applyCode')({ code_count: codeCount, isv_application_id: isv });
  expect(answer).toMatchObject({ errcode: 0 });
  return answer['application_id'] as string;
}

function exportPackage(input: Answer, context?: Answer): Promise<Answer> {
  return loadBundle('exportCodePackage')(input, context);
}

/** The plaintext the emulator generated for this application's segment (what the files must hold). */
function expectedText(applicationId: string, start: number, end: number): string {
  const state = marketCodeStateOf(emulator);
  return state.plaintextOf(state.applications.get(applicationId)!, start, end);
}

describe('exportCodePackage', () => {
  it('waits for FINISH, stores every segment decrypted, and answers links that download all 100 000 codes', async () => {
    emulator.settings.marketcodeFinishDelaySeconds = 1; // real time: the function has to poll
    marketCodeStateOf(emulator).nextApplicationId = ABOVE_2_53;
    const application_id = await apply(100000, 'export-100k');
    expect(application_id).toBe('9007199254740999');

    const answer = await exportPackage({ application_id, env: ENV, max_age: 600 });
    expect(answer).toMatchObject({ errcode: 0, export_status: 'done', status: 'FINISH', application_id, env: ENV, code_count: 100000, exported: 2, reused: 0 });
    expect(emulator.callsTo('intp/marketcode/applycodequery').length).toBeGreaterThanOrEqual(2);
    const files = answer['files'] as File[];
    expect(files.map((f) => [f.code_start, f.code_end, f.path, f.status])).toEqual([
      [0, 49999, `${folderOf(application_id)}/0-49999.txt`, 0],
      [50000, 99999, `${folderOf(application_id)}/50000-99999.txt`, 0],
    ]);
    const codes = new Set<string>();
    for (const file of files) {
      expect(file.fileid).toBe(`cloud://${ENV}.7465-${ENV}-1300000003/${file.path}`);
      const response = await fetch(file.download_url);
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text).toBe(expectedText(application_id, file.code_start, file.code_end));
      for (const line of text.trim().split('\n')) codes.add(line.split(',')[1]!);
    }
    expect(codes.size).toBe(100000);
    expect(emulator.callsTo(DOWNLOAD)).toHaveLength(2);
    expect(emulator.callsTo(COS_POST)).toHaveLength(2);
    // The upload grants (COS signature and security token) never reach the answer.
    expect(JSON.stringify(answer)).not.toMatch(/q-signature|emu-cos-|authorization|cos_file_id/);
    // The 64-bit id went out as bare digits (kept whole by the emulator's lossless parser).
    expect(emulator.callsTo(DOWNLOAD).map((call) => call.body)).toEqual([
      { application_id: '9007199254740999', code_start: 0, code_end: 49999 },
      { application_id: '9007199254740999', code_start: 50000, code_end: 99999 },
    ]);
  });

  it('killed midway (every upload of the second segment dropped), a re-run loses nothing and repeats no finished segment', async () => {
    const application_id = await apply(100000, 'export-killed');
    emulator.advanceClock(emulator.settings.marketcodeFinishDelaySeconds);
    // The first COS POST goes through; the second segment's POST and its retries lose the connection.
    emulator.faults.add({ path: COS_POST, type: 'drop', after: 1, times: 4 });

    const failed = await exportPackage({ application_id, env: ENV });
    expect(failed).toMatchObject({ errcode: 990305, category: 'busy' });
    expect(String(failed['errmsg'])).toContain(`${folderOf(application_id)}/50000-99999.txt`);
    expect(cloudOf(emulator).storage.list(ENV)).toEqual([`${folderOf(application_id)}/0-49999.txt`]);
    expect(emulator.callsTo(DOWNLOAD)).toHaveLength(2);

    emulator.faults.clear();
    const downloadsBefore = emulator.callsTo(DOWNLOAD).length;
    const postsBefore = emulator.callsTo(COS_POST).length;
    const resumed = await exportPackage({ application_id, env: ENV });
    expect(resumed).toMatchObject({ errcode: 0, export_status: 'done', code_count: 100000, exported: 1, reused: 1 });
    // Only the missing segment was downloaded and uploaded again.
    expect(emulator.callsTo(DOWNLOAD).slice(downloadsBefore).map((call) => call.body)).toEqual([{ application_id: Number(application_id), code_start: 50000, code_end: 99999 }]);
    expect(emulator.callsTo(COS_POST).slice(postsBefore).map((call) => (call.body as Answer)['key'])).toEqual([`${folderOf(application_id)}/50000-99999.txt`]);
    for (const file of resumed['files'] as File[]) {
      expect(await (await fetch(file.download_url)).text()).toBe(expectedText(application_id, file.code_start, file.code_end));
    }

    // A third run finds everything stored: no download at all, links only.
    const again = await exportPackage({ application_id, env: ENV });
    expect(again).toMatchObject({ export_status: 'done', exported: 0, reused: 2 });
    expect(emulator.callsTo(DOWNLOAD)).toHaveLength(downloadsBefore + 1);
  });

  it('answers "pending" with what it stored when the time budget runs short, and a re-run finishes', async () => {
    const application_id = await apply(100000, 'export-short');
    emulator.advanceClock(emulator.settings.marketcodeFinishDelaySeconds);
    // The first segment takes ~2.5 s: with a 6 s budget there is no time for a second one.
    emulator.faults.add({ path: DOWNLOAD, type: 'delay', delay_ms: 2500 });
    const partial = await exportPackage({ application_id, env: ENV }, { time_limit_in_ms: 6000 });
    expect(partial).toMatchObject({ errcode: 0, export_status: 'pending', status: 'FINISH', exported: 1, reused: 0, code_count: 50000 });
    expect(String(partial['pending_reason'])).toMatch(/time budget ran short after storing 1 of 2/);
    expect((partial['files'] as File[]).map((f) => f.path)).toEqual([`${folderOf(application_id)}/0-49999.txt`]);

    const done = await exportPackage({ application_id, env: ENV });
    expect(done).toMatchObject({ export_status: 'done', exported: 1, reused: 1, code_count: 100000 });
    expect(emulator.callsTo(DOWNLOAD).map((call) => (call.body as Answer)['code_start'])).toEqual([0, 50000]);
  });

  it('answers "pending" with the status and segments so far when the application is not FINISH in time', async () => {
    emulator.settings.marketcodeFinishDelaySeconds = 600;
    const application_id = await apply(100000, 'export-slow');
    emulator.advanceClock(400);
    const answer = await exportPackage({ application_id, env: ENV }, { time_limit_in_ms: 4000 });
    expect(answer).toMatchObject({
      errcode: 0,
      export_status: 'pending',
      status: 'PROCESSING',
      code_generate_list: [{ code_start: 0, code_end: 49999 }],
      files: [],
      exported: 0,
    });
    expect(String(answer['pending_reason'])).toMatch(/not finished yet \(status "PROCESSING", 1 segment\(s\) generated so far\)/);
    expect(emulator.callsTo(DOWNLOAD)).toHaveLength(0);
  });

  it('gives clear errors for a missing key, a bad env and an env of another account', async () => {
    const application_id = await apply(10000, 'export-bad');
    emulator.advanceClock(emulator.settings.marketcodeFinishDelaySeconds);
    setEnv({ WXOPEN_MARKETCODE_KEY: undefined });
    expect(await exportPackage({ application_id, env: ENV })).toMatchObject({ errcode: 990201 });
    setEnv({ WXOPEN_MARKETCODE_KEY: SERVICE_ACCOUNT.marketcodeKey });
    expect(await exportPackage({ application_id, env: 'Not An Env' })).toMatchObject({ errcode: 990001, field: 'env' });
    expect(await exportPackage({ application_id, env: ENV, max_age: 90000 })).toMatchObject({ errcode: 990001, field: 'max_age' });
    expect(emulator.callsTo('intp/marketcode/applycodequery')).toHaveLength(0);
    expect(await exportPackage({ application_id, env: 'demo-env-1a2b3c' })).toMatchObject({ errcode: -501007 });
    expect(emulator.callsTo(DOWNLOAD)).toHaveLength(0);
  });

  it('sends the bytes nowhere but an allowed storage host', async () => {
    const application_id = await apply(10000, 'export-host');
    emulator.advanceClock(emulator.settings.marketcodeFinishDelaySeconds);
    // The API base names the emulator as "localhost": the upload URL it hands out (127.0.0.1) is another origin.
    setEnv({ WXOPEN_API_BASE: emulator.url.replace('127.0.0.1', 'localhost') });
    const answer = await exportPackage({ application_id, env: ENV });
    expect(answer).toMatchObject({ errcode: 990302 });
    expect(String(answer['errmsg'])).toMatch(/not uploaded: host 127\.0\.0\.1 is not a COS\/CloudBase storage domain/);
    expect(emulator.callsTo(COS_POST)).toHaveLength(0);
  });
});

describe('the COS POST stand-in', () => {
  async function grant(path: string): Promise<Answer> {
    const token = emulator.tokens.issue(SERVICE_ACCOUNT.appid, 'access').value;
    const response = await fetch(`${emulator.url}/tcb/uploadfile?access_token=${token}`, { method: 'POST', body: JSON.stringify({ env: ENV, path }) });
    const body = (await response.json()) as Answer;
    expect(body).toMatchObject({ errcode: 0, file_id: `cloud://${ENV}.7465-${ENV}-1300000003/${path}` });
    return body;
  }

  function form(fields: Array<[string, string | Blob]>): FormData {
    const data = new FormData();
    for (const [name, value] of fields) data.append(name, value);
    return data;
  }

  async function post(url: string, body: FormData | string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
    const response = await fetch(url, { method: 'POST', body, headers });
    return { status: response.status, text: await response.text() };
  }

  it('stores a well-formed upload and refuses every broken one with a COS-style XML error', async () => {
    const g = await grant('docs/a.txt');
    const fields = (overrides: Record<string, string> = {}): Array<[string, string]> =>
      Object.entries({ key: 'docs/a.txt', Signature: g['authorization'] as string, 'x-cos-security-token': g['token'] as string, 'x-cos-meta-fileid': g['cos_file_id'] as string, ...overrides });
    const file: [string, Blob] = ['file', new Blob(['hello'], { type: 'text/plain' })];
    const url = g['url'] as string;

    const refused: Array<[FormData | string, Record<string, string>, number, string]> = [
      ['not multipart at all', { 'content-type': 'text/plain' }, 400, 'MalformedPOSTRequest'],
      ['--x\r\nContent-Disposition: form-data; name="key"\r\n\r\ndocs/a.txt', { 'content-type': 'multipart/form-data; boundary=x' }, 400, 'MalformedPOSTRequest'],
      [form(fields()), {}, 400, 'MalformedPOSTRequest'],
      [form([file, ...fields()]), {}, 400, 'MalformedPOSTRequest'],
      [form([...fields({ key: 'docs/other.txt' }), file]), {}, 403, 'AccessDenied'],
      [form([...fields({ Signature: 'q-signature=forged' }), file]), {}, 403, 'SignatureDoesNotMatch'],
      [form([...fields({ 'x-cos-security-token': 'nope' }), file]), {}, 403, 'AccessDenied'],
      [form([...fields({ 'x-cos-meta-fileid': 'nope' }), file]), {}, 403, 'AccessDenied'],
      [form([...fields().filter(([name]) => name !== 'x-cos-meta-fileid'), file]), {}, 400, 'InvalidArgument'],
    ];
    for (const [body, headers, status, code] of refused) {
      const answer = await post(url, body, headers);
      expect({ status: answer.status, code: /<Code>(\w+)<\/Code>/.exec(answer.text)?.[1] }).toEqual({ status, code });
    }
    expect(cloudOf(emulator).storage.list(ENV)).toEqual([]);

    const ok = await post(url, form([...fields(), file]));
    expect(ok.status).toBe(204);
    expect(cloudOf(emulator).storage.get(ENV, 'docs/a.txt')?.bytes.toString()).toBe('hello');

    emulator.advanceClock(901);
    const late = await post(url, form([...fields(), file]));
    expect(late.status).toBe(403);
    expect(late.text).toContain('Request has expired');
  });
});
