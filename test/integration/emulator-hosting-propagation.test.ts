import type { Emulator } from '../../scripts/emulator';
import { emulatorRequest, stableToken, useEmulator } from '../support/emulator';
import { freshSiteState, SITE_ENV } from '../support/site';

// The emulated hosting as a CDN in front of COS: the listing follows at once, what is served only
// after hostingPropagationMs (404 for a new file, the previous content, a deleted file still served).

const current = useEmulator();
let emulator: Emulator;
let component = '';

beforeEach(async () => {
  emulator = current();
  freshSiteState(emulator);
  component = emulator.tokens.issue(SITE_ENV.appid, 'component').value;
  await stableToken(emulator);
});

async function put(filename: string, content: string): Promise<void> {
  const { json } = await emulatorRequest(emulator, `componenttcb/staticuploadfile?access_token=${component}`, { env: SITE_ENV.envId, filename });
  const response = await fetch(String(json['signed_url']), { method: 'PUT', body: content, headers: { 'x-cos-security-token': String(json['token']), 'content-type': 'text/plain' } });
  expect(response.status).toBe(200);
}

async function served(path: string): Promise<string> {
  const response = await fetch(`${emulator.url}/__hosting/${SITE_ENV.envId}/${path}`);
  return `${response.status} ${response.status === 200 ? await response.text() : ''}`.trim();
}

async function listed(): Promise<Array<{ key: string; md5: string }>> {
  const { json } = await emulatorRequest(emulator, `componenttcb/staticfilelist?access_token=${component}`, { env: SITE_ENV.envId });
  return json['contents'] as Array<{ key: string; md5: string }>;
}

it('serves an upload or a delete only after the propagation delay; lists them at once, with md5', async () => {
  await put('a.txt', 'one');
  expect(await served('a.txt')).toBe('200 one');
  expect((await emulatorRequest(emulator, '__emulator/settings', { hostingPropagationMs: 500 })).json).toMatchObject({ settings: { hostingPropagationMs: 500 } });
  await put('a.txt', 'two');
  await put('b.txt', 'new');
  expect(await served('a.txt')).toBe('200 one');
  expect(await served('b.txt')).toBe('404');
  expect((await listed()).map((file) => file.key)).toEqual(['a.txt', 'b.txt']);
  expect((await listed())[0]?.md5).toBe('b8a9f715dbb64fd5c56e7783c6820a61');
  emulator.advanceClock(1);
  expect(await served('a.txt')).toBe('200 two');
  expect(await served('b.txt')).toBe('200 new');

  const { json } = await emulatorRequest(emulator, `componenttcb/staticdeletefile?access_token=${component}`, { env: SITE_ENV.envId, filename: 'b.txt' });
  expect(json).toMatchObject({ errcode: 0 });
  expect((await listed()).map((file) => file.key)).toEqual(['a.txt']);
  expect(await served('b.txt')).toBe('200 new');
  emulator.advanceClock(1);
  expect(await served('b.txt')).toBe('404');
  // deleting what is not there: the same final state, no error
  expect((await emulatorRequest(emulator, `componenttcb/staticdeletefile?access_token=${component}`, { env: SITE_ENV.envId, filename: 'b.txt' })).json).toMatchObject({ errcode: 0 });
  expect((await emulatorRequest(emulator, `componenttcb/staticdeletefile?access_token=${component}`, { env: SITE_ENV.envId, filename: '../x' })).json).toMatchObject({ errcode: 40097 });

  const states = emulator.callsTo('__hosting').map((call) => (call.body as { key: string; status: number; served: string }));
  expect(states.slice(0, 4).map(({ key, status, served: state }) => `${key} ${status} ${state}`)).toEqual(['a.txt 200 fresh', 'a.txt 200 stale', 'b.txt 404 propagating', 'a.txt 200 fresh']);
  expect((await emulatorRequest(emulator, '__emulator/settings', { hostingPropagationMs: -1 })).status).toBe(400);
});
