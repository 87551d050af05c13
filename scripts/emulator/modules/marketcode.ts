import { randomBytes } from 'node:crypto';
import type { Activation } from '../../../shared/marketcode/api';
import { encryptCodePackage, parseMarketCodeKey } from '../../../shared/marketcode/decrypt';
import type { Account } from '../accounts';
import { codeOf, codeUrlOf, MAX_SERIAL, packagePlaintext, refOfCode, refOfCodeUrl, type CodeRef } from '../marketcode-codes';
import type { Emulator, RouteContext } from '../server';
import { COMMON, fail } from '../wechat-reply';

/** Codes per generated segment (what WeChat is observed to deliver). */
export const SEGMENT_CODES = 50_000;
export const MIN_CODE_COUNT = 10_000;
export const MAX_CODE_COUNT = 20_000_000;
/** The status WeChat documents; the emulator's only other status is PROCESSING (WeChat lists none). */
export const FINISH = 'FINISH';
export const PROCESSING = 'PROCESSING';
/** First application_id handed out after a reset (the size of the id in WeChat's example). */
export const FIRST_APPLICATION_ID = 581_865_877n;

/** An activated range: what codeactive sent (WeChat's field names), wxa_type defaulted to 0. */
type ActivatedRange = Omit<Activation, 'application_id' | 'wxa_type'> & { wxa_type: number };

export interface MarketApplication {
  applicationId: bigint;
  appid: string;
  /** Small number the codes are derived from (marketcode-codes.ts). */
  serial: number;
  isvApplicationId: string;
  codeCount: number;
  createdAt: number;
  activations: ActivatedRange[];
}

interface Ticket {
  appid: string;
  openid: string;
  ref: CodeRef;
}

/** The market-code state of one emulator; tests reach it through marketCodeStateOf. */
export class MarketCodeState {
  readonly applications = new Map<string, MarketApplication>();
  readonly byIsv = new Map<string, MarketApplication>();
  readonly bySerial = new Map<number, MarketApplication>();
  readonly tickets = new Map<string, Ticket>();
  /** Buffers to answer instead of the generated package, per "<application_id>:<start>-<end>". */
  readonly packageOverrides = new Map<string, string>();
  nextApplicationId = FIRST_APPLICATION_ID;

  constructor(private readonly emulator: Emulator) {}

  clear(): void {
    this.applications.clear();
    this.byIsv.clear();
    this.bySerial.clear();
    this.tickets.clear();
    this.packageOverrides.clear();
    this.nextApplicationId = FIRST_APPLICATION_ID;
  }

  statusOf(application: MarketApplication): string {
    return this.elapsedShare(application) >= 1 ? FINISH : PROCESSING;
  }

  /** Segments generated so far: all of them once FINISH, a growing share while PROCESSING. */
  segmentsOf(application: MarketApplication): Array<{ code_start: number; code_end: number }> {
    const all: Array<{ code_start: number; code_end: number }> = [];
    for (let start = 0; start < application.codeCount; start += SEGMENT_CODES) {
      all.push({ code_start: start, code_end: Math.min(start + SEGMENT_CODES, application.codeCount) - 1 });
    }
    const share = this.elapsedShare(application);
    return share >= 1 ? all : all.slice(0, Math.floor(share * all.length));
  }

  /** The plaintext a segment's package holds (for tests to compare with). */
  plaintextOf(application: MarketApplication, codeStart: number, codeEnd: number): string {
    return packagePlaintext(application.serial, codeStart, codeEnd);
  }

  /** Makes applycodedownload answer `buffer` for exactly this segment (e.g. an openssl-made ciphertext). */
  overridePackage(applicationId: bigint, codeStart: number, codeEnd: number, buffer: string): void {
    this.packageOverrides.set(`${applicationId}:${codeStart}-${codeEnd}`, buffer);
  }

  /** A user scans an activated code: the code_ticket the Mini Program would receive. */
  scan(ref: CodeRef, openid: string): string {
    const application = this.bySerial.get(ref.serial);
    if (application === undefined || ref.codeIndex >= application.codeCount) throw new Error('no such code');
    if (activationOf(application, ref.codeIndex) === undefined) throw new Error('the code is not activated: scanning it opens no Mini Program');
    const ticket = randomBytes(24).toString('base64url');
    this.tickets.set(ticket, { appid: application.appid, openid, ref });
    return ticket;
  }

  private elapsedShare(application: MarketApplication): number {
    const delayMs = this.emulator.settings.marketcodeFinishDelaySeconds * 1000;
    if (delayMs <= 0) return 1;
    return Math.min(1, (this.emulator.now() - application.createdAt) / delayMs);
  }
}

const states = new WeakMap<Emulator, MarketCodeState>();

export function marketCodeStateOf(emulator: Emulator): MarketCodeState {
  let state = states.get(emulator);
  if (state === undefined) {
    const fresh = new MarketCodeState(emulator);
    emulator.onReset(() => fresh.clear());
    states.set(emulator, fresh);
    state = fresh;
  }
  return state;
}

function activationOf(application: MarketApplication, codeIndex: number): ActivatedRange | undefined {
  return application.activations.find((range) => range.code_start <= codeIndex && codeIndex <= range.code_end);
}

/**
 * intp/marketcode/{applycode, applycodequery, applycodedownload, codeactive, codeactivequery,
 * tickettocode}. WeChat documents no error code for most refusals here; the emulator answers
 * 40097 (invalid args) with a message saying which rule, 40101 for a missing field, and 48001 for
 * any account that is not a service account (or has no market-code key, i.e. no capability).
 *  - applycode: code_count from 10 000 to 20 000 000, a multiple of 10 000; isv_application_id
 *    (at most 128 characters) is the idempotency key per account: the same value answers the same
 *    application_id, and with a different code_count it is refused (40097).
 *  - an application is PROCESSING until settings.marketcodeFinishDelaySeconds of emulator time
 *    have passed, then FINISH; its codes come in segments of 50 000 (the last one shorter), listed
 *    as they are generated.
 *  - applycodedownload: only for FINISH applications and only for exactly a generated segment;
 *    the buffer is base64 of AES-128-CBC (key = IV = the account's marketcodeKey, PKCS#7) over the
 *    plaintext described in marketcode-codes.ts.
 *  - codeactive: a range of a FINISH application, inside it; the same range again replaces its
 *    fields (an edit); a range overlapping a different activated range is refused (40097).
 *    wxa_appid must be a Mini Program linked to the service account.
 *  - codeactivequery by application_id + code_index, code, or code_url; tickettocode for tickets
 *    made by the admin endpoint `marketcode-scan`.
 * Admin: POST marketcode {next_application_id: "<decimal>"} sets the next id (e.g. above 2^53);
 * POST marketcode-scan {openid, code | code_url | application_id + code_index} → {code_ticket};
 * POST marketcode-package {application_id, code_start, code_end, buffer} serves that buffer.
 */
export function marketCodeModule(emulator: Emulator): void {
  const state = marketCodeStateOf(emulator);

  function serviceAccount(context: RouteContext): Account {
    const account = context.account as Account;
    if (account.type !== 'service' || account.marketcodeKey === undefined) fail(48001, 'api unauthorized');
    return account;
  }

  function applicationOf(account: Account, body: Record<string, unknown>): MarketApplication {
    const id = applicationIdOf(body['application_id']);
    const application = state.applications.get(id.toString());
    if (application === undefined || application.appid !== account.appid) COMMON.invalidArgs('application_id not found');
    return application;
  }

  function finished(application: MarketApplication): void {
    if (state.statusOf(application) !== FINISH) COMMON.invalidArgs(`application status is ${state.statusOf(application)}, not FINISH`);
  }

  emulator.route('intp/marketcode/applycode', { token: 'access' }, (context) => {
    const account = serviceAccount(context);
    const { body } = context;
    const codeCount = integer(body, 'code_count');
    if (codeCount < MIN_CODE_COUNT || codeCount > MAX_CODE_COUNT || codeCount % MIN_CODE_COUNT !== 0) {
      COMMON.invalidArgs('code_count must be 10000 to 20000000 and a multiple of 10000');
    }
    const isv = text(body, 'isv_application_id', 128);
    const isvKey = `${account.appid}\n${isv}`;
    const existing = state.byIsv.get(isvKey);
    if (existing !== undefined) {
      if (existing.codeCount !== codeCount) COMMON.invalidArgs(`isv_application_id already used with code_count ${existing.codeCount}`);
      return { application_id: existing.applicationId };
    }
    const serial = state.bySerial.size + 1;
    if (serial > MAX_SERIAL) fail(45009, 'reach max api daily quota limit');
    const application: MarketApplication = {
      applicationId: state.nextApplicationId,
      appid: account.appid,
      serial,
      isvApplicationId: isv,
      codeCount,
      createdAt: emulator.now(),
      activations: [],
    };
    state.nextApplicationId += 1n;
    state.applications.set(application.applicationId.toString(), application);
    state.byIsv.set(isvKey, application);
    state.bySerial.set(serial, application);
    return { application_id: application.applicationId };
  });

  emulator.route('intp/marketcode/applycodequery', { token: 'access' }, (context) => {
    const account = serviceAccount(context);
    const { body } = context;
    let application: MarketApplication | undefined;
    if (body['application_id'] !== undefined) application = applicationOf(account, body);
    else if (body['isv_application_id'] !== undefined) {
      application = state.byIsv.get(`${account.appid}\n${text(body, 'isv_application_id', 128)}`);
      if (application === undefined) COMMON.invalidArgs('isv_application_id not found');
    } else COMMON.missingParameter('application_id');
    const seconds = Math.floor(application.createdAt / 1000);
    return {
      status: state.statusOf(application),
      application_id: application.applicationId,
      isv_application_id: application.isvApplicationId,
      code_generate_list: state.segmentsOf(application),
      create_time: seconds,
      update_time: state.statusOf(application) === FINISH ? seconds + emulator.settings.marketcodeFinishDelaySeconds : seconds,
    };
  });

  emulator.route('intp/marketcode/applycodedownload', { token: 'access' }, (context) => {
    const account = serviceAccount(context);
    const { body } = context;
    const application = applicationOf(account, body);
    finished(application);
    const start = integer(body, 'code_start');
    const end = integer(body, 'code_end');
    if (!state.segmentsOf(application).some((s) => s.code_start === start && s.code_end === end)) {
      COMMON.invalidArgs('code_start and code_end must be a segment of code_generate_list');
    }
    const override = state.packageOverrides.get(`${application.applicationId}:${start}-${end}`);
    if (override !== undefined) return { buffer: override };
    const key = parseMarketCodeKey(account.marketcodeKey);
    return { buffer: encryptCodePackage(state.plaintextOf(application, start, end), key) };
  });

  emulator.route('intp/marketcode/codeactive', { token: 'access' }, (context) => {
    const account = serviceAccount(context);
    const { body } = context;
    const application = applicationOf(account, body);
    finished(application);
    const range: ActivatedRange = {
      code_start: integer(body, 'code_start'),
      code_end: integer(body, 'code_end'),
      activity_name: text(body, 'activity_name', 256),
      product_brand: text(body, 'product_brand', 256),
      product_title: text(body, 'product_title', 256),
      product_code: text(body, 'product_code', 64),
      wxa_appid: text(body, 'wxa_appid', 32),
      wxa_path: text(body, 'wxa_path', 1024),
      wxa_type: body['wxa_type'] === undefined ? 0 : integer(body, 'wxa_type'),
    };
    if (![0, 1, 2].includes(range.wxa_type)) COMMON.invalidArgs('wxa_type must be 0, 1 or 2');
    if (range.code_end < range.code_start || range.code_end >= application.codeCount) {
      COMMON.invalidArgs(`code_start..code_end must lie inside 0..${application.codeCount - 1}`);
    }
    if (!account.linkedMiniPrograms.includes(range.wxa_appid)) COMMON.invalidArgs('wxa_appid is not a Mini Program linked to this account');
    const same = application.activations.findIndex((r) => r.code_start === range.code_start && r.code_end === range.code_end);
    if (same >= 0) {
      application.activations[same] = range;
      return {};
    }
    const overlapping = application.activations.find((r) => r.code_start <= range.code_end && range.code_start <= r.code_end);
    if (overlapping !== undefined) {
      COMMON.invalidArgs(`code range overlaps the activated range ${overlapping.code_start}-${overlapping.code_end}`);
    }
    application.activations.push(range);
    return {};
  });

  function codeAnswer(application: MarketApplication, codeIndex: number): Record<string, unknown> {
    const activation = activationOf(application, codeIndex);
    return {
      code: codeOf({ serial: application.serial, codeIndex }),
      application_id: application.applicationId,
      isv_application_id: application.isvApplicationId,
      ...(activation ?? {}),
    };
  }

  /** The code a lookup names, if it belongs to this account's FINISH application. */
  function lookup(account: Account, body: Record<string, unknown>): { application: MarketApplication; codeIndex: number } {
    let ref: CodeRef | undefined;
    if (body['code'] !== undefined) ref = refOfCode(text(body, 'code', 9));
    else if (body['code_url'] !== undefined) ref = refOfCodeUrl(text(body, 'code_url', 256));
    else {
      const application = applicationOf(account, body);
      ref = { serial: application.serial, codeIndex: integer(body, 'code_index') };
    }
    const application = ref === undefined ? undefined : state.bySerial.get(ref.serial);
    if (ref === undefined || application === undefined || application.appid !== account.appid || ref.codeIndex >= application.codeCount) {
      COMMON.invalidArgs('code not found');
    }
    finished(application);
    return { application, codeIndex: ref.codeIndex };
  }

  emulator.route('intp/marketcode/codeactivequery', { token: 'access' }, (context) => {
    const account = serviceAccount(context);
    const { application, codeIndex } = lookup(account, context.body);
    return codeAnswer(application, codeIndex);
  });

  emulator.route('intp/marketcode/tickettocode', { token: 'access' }, (context) => {
    const account = serviceAccount(context);
    const { body } = context;
    const openid = text(body, 'openid', 128);
    const ticket = state.tickets.get(text(body, 'code_ticket', 1024));
    if (ticket === undefined || ticket.appid !== account.appid) COMMON.invalidArgs('invalid code_ticket');
    if (ticket.openid !== openid) COMMON.invalidArgs('code_ticket was not issued to this openid');
    const application = state.bySerial.get(ticket.ref.serial) as MarketApplication;
    return codeAnswer(application, ticket.ref.codeIndex);
  });

  emulator.admin('marketcode', (body) => {
    if (body['next_application_id'] !== undefined) {
      const next = String(body['next_application_id']);
      if (!/^[1-9][0-9]{0,19}$/.test(next) || BigInt(next) >= 2n ** 64n) throw new Error('next_application_id must be a decimal 64-bit id');
      state.nextApplicationId = BigInt(next);
    }
    return { next_application_id: state.nextApplicationId.toString(), applications: state.applications.size };
  });

  emulator.admin('marketcode-scan', (body) => {
    const openid = body['openid'];
    if (typeof openid !== 'string' || openid === '') throw new Error('openid is required');
    let ref: CodeRef | undefined;
    if (typeof body['code'] === 'string') ref = refOfCode(body['code']);
    else if (typeof body['code_url'] === 'string') ref = refOfCodeUrl(body['code_url']);
    else {
      const application = state.applications.get(String(body['application_id']));
      if (application !== undefined) ref = { serial: application.serial, codeIndex: Number(body['code_index']) };
    }
    if (ref === undefined) throw new Error('give code, code_url, or application_id and code_index of an existing code');
    return { code_ticket: state.scan(ref, openid), code: codeOf(ref), code_url: codeUrlOf(ref) };
  });

  emulator.admin('marketcode-package', (body) => {
    const buffer = body['buffer'];
    if (typeof buffer !== 'string') throw new Error('buffer (base64) is required');
    const id = String(body['application_id']);
    if (!/^[1-9][0-9]{0,19}$/.test(id)) throw new Error('application_id must be a decimal id');
    const [start, end] = [body['code_start'], body['code_end']];
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) throw new Error('code_start and code_end must be whole numbers');
    state.overridePackage(BigInt(id), start as number, end as number, buffer);
    return { ok: true };
  });
}

/** application_id as JSON gives it: a safe number, or the decimal string the lossless parser kept (or a caller sent). */
function applicationIdOf(value: unknown): bigint {
  if (value === undefined || value === null || value === '') COMMON.missingParameter('application_id');
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return BigInt(value);
  if (typeof value === 'string' && /^[1-9][0-9]{0,19}$/.test(value)) return BigInt(value);
  return COMMON.invalidArgs('application_id must be a positive integer');
}

function integer(body: Record<string, unknown>, name: string): number {
  const value = body[name];
  if (value === undefined || value === null || value === '') COMMON.missingParameter(name);
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 0) COMMON.invalidArgs(`${name} must be a whole number >= 0`);
  return number;
}

function text(body: Record<string, unknown>, name: string, max: number): string {
  const value = body[name];
  if (value === undefined || value === null || value === '') COMMON.missingParameter(name);
  if (typeof value !== 'string') COMMON.invalidArgs(`${name} must be a string`);
  if (value.length > max) COMMON.invalidArgs(`${name} must be at most ${max} characters`);
  return value;
}
