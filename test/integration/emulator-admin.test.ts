import type { Emulator } from '../../scripts/emulator';
import { emulatorRequest, MINI_PROGRAM, stableToken, useEmulator, type JsonReply } from '../support/emulator';

const current = useEmulator();
let emulator: Emulator;

beforeEach(() => {
  emulator = current();
  emulator.reset();
});

function post(path: string, body: unknown): Promise<JsonReply> {
  return emulatorRequest(emulator, path, body);
}

function token(): Promise<string> {
  return stableToken(emulator);
}

describe('the emulator over HTTP, as a user drives it', () => {
  it('answers like WeChat: stable tokens, 41001/40001/42001, 43002, 44002, 47001', async () => {
    const first = await token();
    expect(await token()).toBe(first); // stable_token returns the current token
    expect((await post('cgi-bin/wxopen/qrcodejumpget', {})).json).toMatchObject({ errcode: 41001 });
    expect((await post('cgi-bin/wxopen/qrcodejumpget?access_token=nope', {})).json).toMatchObject({ errcode: 40001 });
    const get = await fetch(`${emulator.url}/cgi-bin/wxopen/qrcodejumpget?access_token=${first}`);
    expect(await get.json()).toMatchObject({ errcode: 43002 });
    const empty = await fetch(`${emulator.url}/cgi-bin/wxopen/qrcodejumpget?access_token=${first}`, { method: 'POST' });
    expect(await empty.json()).toMatchObject({ errcode: 44002 });
    const broken = await fetch(`${emulator.url}/cgi-bin/wxopen/qrcodejumpget?access_token=${first}`, { method: 'POST', body: '{' });
    expect(await broken.json()).toMatchObject({ errcode: 47001 });
    await post('__emulator/clock', { advance_seconds: 7201 });
    expect((await post(`cgi-bin/wxopen/qrcodejumpget?access_token=${first}`, {})).json).toMatchObject({ errcode: 42001 });
    expect(await token()).not.toBe(first); // a new one after expiry
  });

  it('injects faults and lists the calls it saw through the control API', async () => {
    const at = await token();
    expect((await post('__emulator/faults', { path: 'cgi-bin/wxopen/qrcodejumpget', type: 'errcode', errcode: -1, errmsg: 'system error', times: 2 })).status).toBe(200);
    expect((await post(`cgi-bin/wxopen/qrcodejumpget?access_token=${at}`, {})).json).toMatchObject({ errcode: -1 });
    expect((await post(`cgi-bin/wxopen/qrcodejumpget?access_token=${at}`, {})).json).toMatchObject({ errcode: -1 });
    expect((await post(`cgi-bin/wxopen/qrcodejumpget?access_token=${at}`, {})).json).toMatchObject({ errcode: 0 });
    const calls = (await (await fetch(`${emulator.url}/__emulator/calls?path=cgi-bin/wxopen/qrcodejumpget`)).json()) as { calls: Array<{ errcode: number; fault?: string }> };
    expect(calls.calls.map((call) => call.errcode)).toEqual([-1, -1, 0]);
    expect(JSON.stringify(calls)).not.toContain(at);
    expect((await post('__emulator/faults', { type: 'explode' })).status).toBe(400);
  });

  it('revokes tokens on request, and drops connections when told to', async () => {
    const at = await token();
    expect((await post('__emulator/revoke-tokens', { appid: MINI_PROGRAM.appid })).json).toEqual({ revoked: 1 });
    expect((await post(`cgi-bin/wxopen/qrcodejumpget?access_token=${at}`, {})).json).toMatchObject({ errcode: 40001 });
    const fresh = await token();
    await post('__emulator/faults', { path: 'cgi-bin/wxopen/qrcodejumpget', type: 'drop' });
    await expect(post(`cgi-bin/wxopen/qrcodejumpget?access_token=${fresh}`, {})).rejects.toThrow();
  });
});
