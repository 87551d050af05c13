import type { Emulator } from '../../scripts/emulator';
import { MONTHLY_PUBLISH_QUOTA } from '../../scripts/emulator/modules/qrcode-jump';
import { MAX_RULES } from '../../shared/qrcode-jump/prefix-rules';
import { emulatorRequest, MINI_PROGRAM, stableToken, UNRELEASED, useEmulator } from '../support/emulator';

// WeChat's qrcodejump* rules as the emulator enforces them, driven directly over HTTP with real
// stable tokens (no bundle): what a client of any language would see.

const PREFIX = 'https://shop.example.com/qr/';
const RULE = { prefix: PREFIX, permit_sub_rule: 1, path: 'pages/index/index', open_version: 3, debug_url: [`${PREFIX}a?id=1`], is_edit: 0 };

const current = useEmulator();
let emulator: Emulator;
let token: string;

beforeEach(async () => {
  emulator = current();
  emulator.reset();
  emulator.settings.qrcodeJumpRatePerSecond = 0;
  token = await stableToken(emulator);
});

async function call(endpoint: string, body: Record<string, unknown>, as = token): Promise<number> {
  const { status, json } = await emulatorRequest(emulator, `cgi-bin/wxopen/${endpoint}?access_token=${as}`, body);
  expect(status).toBe(200);
  return json['errcode'] as number;
}

describe('qrcodejumpadd', () => {
  it('85066: an illegal prefix', async () => {
    for (const prefix of ['mailto:a@b.com', 'https://localhost/qr/', 'https://shop.example.com/q r/', 'https://shop.example.com/qr#x']) {
      expect(await call('qrcodejumpadd', { ...RULE, prefix, debug_url: [] })).toBe(85066);
    }
    expect(emulator.callsTo('cgi-bin/wxopen/qrcodejumpadd').every((sent) => sent.errcode === 85066)).toBe(true);
  });

  it('85068: a debug_url not under the prefix', async () => {
    expect(await call('qrcodejumpadd', { ...RULE, debug_url: ['https://other.example.com/qr/a'] })).toBe(85068);
    expect(await call('qrcodejumpadd', { ...RULE, prefix: 'https://shop.example.com/a/b', debug_url: ['https://shop.example.com/a/bc'] })).toBe(85068);
    expect(await call('qrcodejumpget', {})).toBe(0);
    expect((await emulatorRequest(emulator, `cgi-bin/wxopen/qrcodejumpget?access_token=${token}`, {})).json['list_size']).toBe(0);
  });

  it('85070: a blacklisted host', async () => {
    expect(await call('qrcodejumpadd', { ...RULE, prefix: 'https://spam.blacklisted.invalid/qr/', debug_url: [] })).toBe(85070);
  });

  it(`85073: the ${MAX_RULES + 1}st rule`, async () => {
    for (let n = 0; n < MAX_RULES; n++) {
      expect(await call('qrcodejumpadd', { ...RULE, prefix: `${PREFIX}${n}/`, debug_url: [] })).toBe(0);
    }
    expect(await call('qrcodejumpadd', { ...RULE, prefix: `${PREFIX}full/`, debug_url: [] })).toBe(85073);
    // Editing an existing rule is still allowed when the account is full.
    expect(await call('qrcodejumpadd', { ...RULE, prefix: `${PREFIX}0/`, debug_url: [], path: 'pages/b/b', is_edit: 1 })).toBe(0);
  });

  it('85072: a prefix owned by another account', async () => {
    expect(await call('qrcodejumpadd', RULE)).toBe(0);
    const other = await stableToken(emulator, UNRELEASED);
    expect(await call('qrcodejumpadd', RULE, other)).toBe(85072);
    expect(await call('qrcodejumpadd', { ...RULE, is_edit: 1 }, other)).toBe(85072);
    // Once the owner deletes it, the prefix is free.
    expect(await call('qrcodejumpdelete', { prefix: PREFIX })).toBe(0);
    expect(await call('qrcodejumpadd', RULE, other)).toBe(0);
  });

  it('40097: editing a rule that does not exist', async () => {
    expect(await call('qrcodejumpadd', { ...RULE, is_edit: 1 })).toBe(40097);
    expect(await call('qrcodejumpget', {})).toBe(0);
  });
});

describe('qrcodejumppublish', () => {
  it(`886000: the ${MONTHLY_PUBLISH_QUOTA + 1}st publish in a month, and a fresh quota the next month`, async () => {
    expect(await call('qrcodejumpadd', RULE)).toBe(0);
    // Start on the 1st of a month (emulator clock), so the quota is not split by a month's end.
    const now = new Date(emulator.now());
    const firstOfNext = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1, 0, 0, 1);
    expect((await emulatorRequest(emulator, '__emulator/clock', { advance_seconds: (firstOfNext - now.getTime()) / 1000 })).status).toBe(200);
    token = await stableToken(emulator); // the old one expired on the way
    for (let n = 0; n < MONTHLY_PUBLISH_QUOTA; n++) expect(await call('qrcodejumppublish', { prefix: PREFIX })).toBe(0);
    expect(await call('qrcodejumppublish', { prefix: PREFIX })).toBe(886000);
    const listed = await emulatorRequest(emulator, `cgi-bin/wxopen/qrcodejumpget?access_token=${token}`, {});
    expect(listed.json['qrcodejump_pub_quota']).toBe(0);

    await emulatorRequest(emulator, '__emulator/clock', { advance_seconds: 32 * 86_400 });
    token = await stableToken(emulator);
    expect(await call('qrcodejumppublish', { prefix: PREFIX })).toBe(0);
    expect((await emulatorRequest(emulator, `cgi-bin/wxopen/qrcodejumpget?access_token=${token}`, {})).json['qrcodejump_pub_quota']).toBe(MONTHLY_PUBLISH_QUOTA - 1);
  });
});

describe('qrcodejumpget for a service account', () => {
  it('refuses listing parameters without appid, and appid on an account that is not a service account', async () => {
    expect(await call('qrcodejumpget', { get_type: 1 })).toBe(40097);
    expect(await call('qrcodejumpget', { appid: MINI_PROGRAM.appid })).toBe(61007);
  });
});
