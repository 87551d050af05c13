import type { Emulator } from '../../scripts/emulator';
import { loadBundle } from '../support/bundles';
import { useEmulator } from '../support/emulator';

const current = useEmulator();
let emulator: Emulator;

beforeEach(() => {
  emulator = current();
  emulator.reset();
});

describe('what the WeChat client repeats, and what it never sends', () => {
  it('retries 886001 (busy) for a read and a delete, never for a publish', async () => {
    emulator.faults.add({ path: 'cgi-bin/wxopen/qrcodejumpget', type: 'errcode', errcode: 886001, errmsg: 'system busy' });
    expect(await loadBundle('getJumpQRCode')({})).toMatchObject({ errcode: 0 });
    emulator.faults.add({ path: 'cgi-bin/wxopen/qrcodejumpdelete', type: 'errcode', errcode: 886001, errmsg: 'system busy' });
    expect(await loadBundle('deleteJumpQRCode')({ prefix: 'https://shop.example.com/qr/' })).toMatchObject({ errcode: 0 });
    emulator.faults.add({ path: 'cgi-bin/wxopen/qrcodejumppublish', type: 'errcode', errcode: 886001, errmsg: 'system busy' });
    expect(await loadBundle('publishJumpQRCode')({ prefix: 'https://shop.example.com/qr/' })).toMatchObject({ errcode: 886001, category: 'busy' });
    expect(['qrcodejumpget', 'qrcodejumpdelete', 'qrcodejumppublish'].map((api) => emulator.callsTo(`cgi-bin/wxopen/${api}`).length)).toEqual([2, 2, 1]);
  });

  it('never asks stable_token to force a refresh, even after a refused token', async () => {
    const main = loadBundle('getJumpQRCode');
    await main({});
    emulator.faults.add({ path: 'cgi-bin/wxopen/qrcodejumpget', type: 'invalidate_token' });
    await main({});
    const bodies = emulator.callsTo('cgi-bin/stable_token').map((call) => call.body as Record<string, unknown>);
    expect(bodies).toHaveLength(2);
    for (const body of bodies) {
      expect(body).toMatchObject({ grant_type: 'client_credential', appid: expect.any(String) });
      expect(body).not.toHaveProperty('force_refresh');
    }
  });

  it('gives up on a busy WeChat when the time budget would run out, without sleeping past it', async () => {
    emulator.faults.add({ path: 'cgi-bin/wxopen/qrcodejumpget', type: 'errcode', errcode: -1, errmsg: 'system error', times: 50 });
    const started = Date.now();
    const answer = await loadBundle('getJumpQRCode')({}, { time_limit_in_ms: 1200 });
    expect(answer).toMatchObject({ errcode: -1, category: 'busy' });
    expect(Date.now() - started).toBeLessThan(1200);
  });
});
