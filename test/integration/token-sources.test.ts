import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Emulator } from '../../scripts/emulator';
import { loadBundle } from '../support/bundles';
import { MINI_PROGRAM, useEmulator } from '../support/emulator';
import { setEnv } from '../support/env';

const current = useEmulator();
let emulator: Emulator;

beforeEach(() => {
  emulator = current();
  emulator.reset();
  setEnv({ WXOPEN_APPID: undefined, WXOPEN_APPSECRET: undefined, WX_CLOUDBASE_ACCESSTOKEN: undefined, WXOPEN_CLOUDBASE_TOKEN_FILE: '/nonexistent/token' });
});

function cloudbaseToken(): string {
  return emulator.tokens.issue(MINI_PROGRAM.appid, 'cloudbase').value;
}

describe('the cloudbase_access_token the TCB runtime provides', () => {
  it('is used from WX_CLOUDBASE_ACCESSTOKEN when no app secret is configured', async () => {
    setEnv({ WX_CLOUDBASE_ACCESSTOKEN: cloudbaseToken() });
    expect(await loadBundle('getJumpQRCode')({})).toMatchObject({ errcode: 0 });
    const [call] = emulator.callsTo('cgi-bin/wxopen/qrcodejumpget');
    expect(call?.tokenParam).toBe('cloudbase_access_token');
    expect(emulator.callsTo('cgi-bin/stable_token')).toHaveLength(0);
  });

  it('is read from the token file, and re-read when WeChat refuses it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wxopen-token-'));
    try {
      const file = join(dir, 'cloudbase_access_token');
      writeFileSync(file, `${cloudbaseToken()}\n`);
      setEnv({ WXOPEN_CLOUDBASE_TOKEN_FILE: file });
      const main = loadBundle('getJumpQRCode');
      expect(await main({})).toMatchObject({ errcode: 0 });
      // The runtime rotates the token: the old one is revoked, the file holds the new one.
      emulator.tokens.revoke(undefined, MINI_PROGRAM.appid);
      writeFileSync(file, cloudbaseToken());
      expect(await main({})).toMatchObject({ errcode: 0 });
      expect(emulator.callsTo('cgi-bin/wxopen/qrcodejumpget').map((call) => call.errcode)).toEqual([0, 40001, 0]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an app secret takes precedence over it', async () => {
    setEnv({ WX_CLOUDBASE_ACCESSTOKEN: cloudbaseToken(), WXOPEN_APPID: MINI_PROGRAM.appid, WXOPEN_APPSECRET: MINI_PROGRAM.secret });
    expect(await loadBundle('getJumpQRCode')({})).toMatchObject({ errcode: 0 });
    expect(emulator.callsTo('cgi-bin/wxopen/qrcodejumpget')[0]?.tokenParam).toBe('access_token');
  });

  it('an access token sent as cloudbase_access_token (or the reverse) is refused by the emulator', async () => {
    const access = emulator.tokens.issue(MINI_PROGRAM.appid, 'access').value;
    setEnv({ WX_CLOUDBASE_ACCESSTOKEN: access });
    expect(await loadBundle('getJumpQRCode')({})).toMatchObject({ errcode: 40001 });
  });
});
