import { startEmulator, type Emulator } from '../../scripts/emulator';
import { verificationFileOf } from '../../scripts/emulator/accounts';
import { DEMO_ENVS } from '../../scripts/emulator/cloud-envs';
import { hostingDomainOf, staticSitesOf } from '../../scripts/emulator/static-sites';
import { emulatorRequest, MINI_PROGRAM, requestWithHost, stableToken, useEmulator } from '../support/emulator';

// The verification-file check of qrcodejumpadd in the emulator's default 'strict' mode: WeChat
// fetches <prefix directory>/<file_name> from the prefix's host and answers 85069 when it cannot.

const ENV = DEMO_ENVS.find((env) => env.appid === MINI_PROGRAM.appid)!;
const FILE = verificationFileOf(MINI_PROGRAM.appid);
const RULE = { permit_sub_rule: 1, path: 'pages/index/index', open_version: 3, is_edit: 0 };

const current = useEmulator({ verification: 'strict' });
let emulator: Emulator;
let token: string;

beforeEach(async () => {
  emulator = current();
  emulator.reset();
  emulator.settings.verification = 'strict';
  token = await stableToken(emulator);
});

async function add(prefix: string): Promise<number> {
  const { json } = await emulatorRequest(emulator, `cgi-bin/wxopen/qrcodejumpadd?access_token=${token}`, { ...RULE, prefix });
  return json['errcode'] as number;
}

function upload(path: string, content: string): void {
  staticSitesOf(emulator).put(ENV.envId, path, Buffer.from(content), 'text/plain', emulator.now());
}

it('is the default of startEmulator()', async () => {
  const fresh = await startEmulator();
  try {
    expect(fresh.settings.verification).toBe('strict');
  } finally {
    await fresh.close();
  }
});

it('85069 for a host the emulator does not serve and nobody registered', async () => {
  expect(await add('https://shop.example.com/qr/')).toBe(85069);
  expect((await emulatorRequest(emulator, `cgi-bin/wxopen/qrcodejumpget?access_token=${token}`, {})).json['list_size']).toBe(0);
});

it('accepts a host registered through verified-hosts (any path on it), and lists it', async () => {
  const registered = await emulatorRequest(emulator, '__emulator/verified-hosts', { host: 'Shop.Example.com' });
  expect(registered).toEqual({ status: 200, json: { hosts: ['shop.example.com'] } });
  expect(await add('https://shop.example.com/qr/')).toBe(0);
  expect(await add('http://shop.example.com/other/x?id=1')).toBe(0);
  expect(await add('https://www.example.com/qr/')).toBe(85069); // only that host
  expect(await emulatorRequest(emulator, '__emulator/verified-hosts')).toEqual({ status: 200, json: { hosts: ['shop.example.com'] } });
  expect((await emulatorRequest(emulator, '__emulator/verified-hosts', { host: 'not a host' })).status).toBe(400);
  emulator.reset();
  expect((await emulatorRequest(emulator, '__emulator/verified-hosts')).json).toEqual({ hosts: [] });
});

it('checks the file on the hosting domain: missing or wrong 85069, right 0', async () => {
  const prefix = `https://${hostingDomainOf(ENV)}/qr/`;
  expect(await add(prefix)).toBe(85069);
  upload(`qr/${FILE.file_name}`, 'not the content');
  expect(await add(prefix)).toBe(85069);
  upload(`qr/${FILE.file_name}`, `${FILE.file_content}\n`);
  expect(await add(prefix)).toBe(0);
});

it('serves a custom domain bound with hosting-domains, and reads the verification file there', async () => {
  const prefix = 'https://m.brand.example.com/go/';
  expect(await add(prefix)).toBe(85069);
  const bound = await emulatorRequest(emulator, '__emulator/hosting-domains', { env: ENV.envId, domain: 'M.Brand.Example.com' });
  expect(bound).toEqual({ status: 200, json: { domains: [{ domain: 'm.brand.example.com', env: ENV.envId }] } });
  expect(await add(prefix)).toBe(85069); // bound, but the file is not uploaded yet
  upload(`go/${FILE.file_name}`, FILE.file_content);
  expect(await requestWithHost(emulator, `/go/${FILE.file_name}`, 'm.brand.example.com')).toEqual({ status: 200, text: FILE.file_content });
  expect(await add(prefix)).toBe(0);
  expect((await emulatorRequest(emulator, '__emulator/hosting-domains')).json).toEqual({ domains: [{ domain: 'm.brand.example.com', env: ENV.envId }] });
});

it('refuses bad hosting-domains requests with 400 and a reason', async () => {
  const other = DEMO_ENVS.find((env) => env.envId !== ENV.envId)!;
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ env: 'no-such-env', domain: 'a.example.com' }, /env must be one of/],
    [{ env: ENV.envId, domain: 'a b' }, /domain must be a host name/],
    [{ env: ENV.envId, domain: ['a.example.com'] }, /domain must be a host name/],
    [{ env: other.envId, domain: hostingDomainOf(ENV) }, /already serves env/],
  ];
  await emulatorRequest(emulator, '__emulator/hosting-domains', { env: ENV.envId, domain: 'taken.example.com' });
  cases.push([{ env: other.envId, domain: 'taken.example.com' }, /already serves env demo-env/]);
  for (const [body, reason] of cases) {
    const answer = await emulatorRequest(emulator, '__emulator/hosting-domains', body);
    expect(answer.status).toBe(400);
    expect(String(answer.json['error'])).toMatch(reason);
  }
});

it("'served-hosts-only' (settings) lets unknown hosts pass but still checks served ones", async () => {
  expect((await emulatorRequest(emulator, '__emulator/settings', { verification: 'lenient' })).status).toBe(400);
  expect((await emulatorRequest(emulator, '__emulator/settings', { verification: 'served-hosts-only' })).json).toMatchObject({ settings: { verification: 'served-hosts-only' } });
  expect(await add('https://shop.example.com/qr/')).toBe(0);
  expect(await add(`https://${hostingDomainOf(ENV)}/qr/`)).toBe(85069);
});
