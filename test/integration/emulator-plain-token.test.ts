import { emulatorRequest, MINI_PROGRAM, stableToken, useEmulator } from '../support/emulator';

// cgi-bin/token (GET, what co-wechat-api and other older SDKs use), as notes/wechat-api.md 5.1
// describes it: every call issues a new token, and the one it replaces stays usable 5 minutes.

const current = useEmulator();
beforeEach(() => current().reset());

const query = (appid: string, secret: string) => `cgi-bin/token?grant_type=client_credential&appid=${appid}&secret=${encodeURIComponent(secret)}`;

async function plainToken(): Promise<string> {
  const { status, json } = await emulatorRequest(current(), query(MINI_PROGRAM.appid, MINI_PROGRAM.secret));
  expect(status).toBe(200);
  expect(json).toEqual({ access_token: expect.any(String), expires_in: 7200 });
  return String(json['access_token']);
}

async function rulesWith(token: string): Promise<number> {
  const { json } = await emulatorRequest(current(), `cgi-bin/wxopen/qrcodejumpget?access_token=${token}`, {});
  return Number(json['errcode']);
}

it('issues a new token on every call; the replaced one works 5 more minutes, then is 40001', async () => {
  const first = await plainToken();
  const second = await plainToken();
  expect(second).not.toBe(first);
  expect(await rulesWith(first)).toBe(0);
  current().advanceClock(299);
  expect(await rulesWith(first)).toBe(0);
  current().advanceClock(2);
  expect(await rulesWith(first)).toBe(40001);
  expect(await rulesWith(second)).toBe(0);
  expect(current().callsTo('cgi-bin/token')).toHaveLength(2);
});

it('is isolated from stable_token: neither retires the other\'s token', async () => {
  const stable = await stableToken(current());
  const plain = await plainToken();
  await plainToken();
  await stableToken(current());
  current().advanceClock(301);
  expect(await rulesWith(stable)).toBe(0);
  expect(await rulesWith(plain)).toBe(40001);
});

it('answers WeChat\'s errors for a wrong grant type, a missing or unknown appid and a wrong secret', async () => {
  const errcode = async (path: string) => (await emulatorRequest(current(), path)).json['errcode'];
  expect(await errcode(`cgi-bin/token?grant_type=password&appid=${MINI_PROGRAM.appid}&secret=x`)).toBe(40002);
  expect(await errcode('cgi-bin/token?grant_type=client_credential&secret=x')).toBe(41002);
  expect(await errcode(`cgi-bin/token?grant_type=client_credential&appid=${MINI_PROGRAM.appid}`)).toBe(41004);
  expect(await errcode(query('wx0000000000000000', 'x'))).toBe(40013);
  expect(await errcode(query(MINI_PROGRAM.appid, 'wrong-secret'))).toBe(40125);
  expect(current().tokens.list()).toHaveLength(0);
});
