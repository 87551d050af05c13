import { randomInt } from 'node:crypto';
import { encryptMessage, messageSignature } from '../../shared/component/message-crypto';
import { buildPushXml } from '../../shared/component/push-xml';
import type { Platform, PlatformRegistry } from './platforms';
import type { Emulator } from './server';

/** WeChat gives the receiver 5 seconds to answer `success`. */
export const PUSH_TIMEOUT_MS = 5000;
const MAX_LOG_ENTRIES = 500;
const MAX_REPLY_CHARS = 200;

export type PushInfoType = 'component_verify_ticket' | 'authorized' | 'updateauthorized' | 'unauthorized';

/** One push as the log keeps it: never the ticket, the codes or the ciphertext. */
export interface PushRecord {
  /** Emulator clock, ms. */
  at: number;
  component_appid: string;
  info_type: PushInfoType;
  authorizer_appid?: string;
  /** The platform's push URL (without the signature parameters added to it). */
  url: string;
  /** The receiver's HTTP status; null when no answer came (refused, timed out). */
  status: number | null;
  /** The start of the receiver's answer. */
  reply: string;
  /** True when the receiver answered HTTP 200 with the text `success`. */
  ok: boolean;
  error?: string;
}

function failureText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError') return `no answer within ${PUSH_TIMEOUT_MS / 1000} s`;
  const cause = (error as Error & { cause?: unknown }).cause;
  const code = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? `${error.message} (${code})` : error.message;
}

/**
 * Pushes to platforms' authorization-event URLs as WeChat does: POST <push_url>?signature=
 * &timestamp=&nonce=&encrypt_type=aes&msg_signature=, content-type text/xml, body
 * `<xml><AppId><![CDATA[component appid]]></AppId><Encrypt><![CDATA[…]]></Encrypt></xml>` where
 * Encrypt is the event XML encrypted with the platform's EncodingAESKey (for the component appid),
 * `signature` = sha1(sorted token, timestamp, nonce) and `msg_signature` adds Encrypt. The
 * receiver has 5 s to answer `success`. Keeps a log of every push and runs each platform's ticket
 * timer (real time, unref()ed, stopped on reset and close). A push never throws.
 */
export class PlatformPusher {
  readonly log: PushRecord[] = [];
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly emulator: Emulator,
    private readonly platforms: PlatformRegistry,
  ) {}

  /** Pushes one event (fields after AppId, CreateTime and InfoType). Undefined when the platform has no push URL. */
  async push(platform: Platform, infoType: PushInfoType, fields: Readonly<Record<string, string | number>>): Promise<PushRecord | undefined> {
    const pushUrl = platform.pushUrl;
    if (pushUrl === undefined) return undefined;
    const record: PushRecord = { at: this.emulator.now(), component_appid: platform.componentAppId, info_type: infoType, url: pushUrl, status: null, reply: '', ok: false };
    const authorizer = fields['AuthorizerAppid'];
    if (typeof authorizer === 'string') record.authorizer_appid = authorizer;
    this.log.push(record);
    if (this.log.length > MAX_LOG_ENTRIES) this.log.splice(0, this.log.length - MAX_LOG_ENTRIES);
    try {
      const createTime = Math.floor(this.emulator.now() / 1000);
      const message = buildPushXml({ AppId: platform.componentAppId, CreateTime: createTime, InfoType: infoType, ...fields });
      const encrypt = encryptMessage(platform.aesKey, message, platform.componentAppId);
      const timestamp = String(createTime);
      const nonce = String(randomInt(100_000_000, 2_147_483_647));
      const target = new URL(pushUrl);
      target.searchParams.set('signature', messageSignature(platform.token, timestamp, nonce));
      target.searchParams.set('timestamp', timestamp);
      target.searchParams.set('nonce', nonce);
      target.searchParams.set('encrypt_type', 'aes');
      target.searchParams.set('msg_signature', messageSignature(platform.token, timestamp, nonce, encrypt));
      const response = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body: buildPushXml({ AppId: platform.componentAppId, Encrypt: encrypt }),
        redirect: 'manual',
        signal: AbortSignal.timeout(PUSH_TIMEOUT_MS),
      });
      const reply = await response.text();
      record.status = response.status;
      record.reply = reply.slice(0, MAX_REPLY_CHARS);
      record.ok = response.status === 200 && reply.trim() === 'success';
      if (!record.ok) record.error = response.status === 200 ? 'the receiver did not answer "success"' : `the receiver answered HTTP ${response.status}`;
    } catch (error) {
      record.error = failureText(error);
    }
    return record;
  }

  /** Pushes a new component_verify_ticket. Undefined (and no ticket made) when the platform has no push URL. */
  async pushTicket(platform: Platform): Promise<PushRecord | undefined> {
    if (platform.pushUrl === undefined) return undefined;
    const ticket = this.platforms.newTicket(platform);
    return this.push(platform, 'component_verify_ticket', { ComponentVerifyTicket: ticket.value });
  }

  /** (Re)starts the platform's ticket timer after a change: one push per interval while a push URL is set. */
  schedule(platform: Platform): void {
    const appid = platform.componentAppId;
    const running = this.timers.get(appid);
    if (running !== undefined) clearInterval(running);
    this.timers.delete(appid);
    if (platform.pushUrl === undefined || platform.pushIntervalSeconds <= 0) return;
    const timer = setInterval(() => {
      const current = this.platforms.get(appid);
      if (current !== undefined) void this.pushTicket(current);
    }, Math.round(platform.pushIntervalSeconds * 1000));
    timer.unref();
    this.timers.set(appid, timer);
  }

  /** Stops every timer (reset, close). */
  stopAll(): void {
    for (const timer of this.timers.values()) clearInterval(timer);
    this.timers.clear();
  }

  clearLog(): void {
    this.log.length = 0;
  }
}
