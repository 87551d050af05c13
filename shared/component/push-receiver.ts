import { loadConfig, type ComponentConfig, type Config } from '../config';
import { Deadline } from '../deadline';
import { LOCAL } from '../error-codes';
import { LocalError, toWxOpenError } from '../errors';
import { isHttpEvent, type HttpEvent } from '../handler/caller';
import { log } from '../log';
import { sharedTokenCacheFor } from '../tokens/shared-tokens';
import { COLLECTIONS, type TokenStore } from '../tokens/store/token-store';
import { WeChatClient } from '../wechat-client';
import { exchangeAuthorizationCode } from './authorization';
import { decryptMessage, MessageCryptoError, messageSignature, signatureMatches } from './message-crypto';
import { authorizerTokenId, platformState } from './platform-state';
import { MAX_PUSH_XML_BYTES, parsePushXml, PushXmlError } from './push-xml';

/** A push whose timestamp is further than this from our clock is refused (a replay or a stale copy). */
export const MAX_PUSH_SKEW_S = 300;
/** WeChat waits 5 s for `success`; work stops a little earlier. */
const PUSH_BUDGET_MS = 4500;

export interface TextAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: false;
}

function text(statusCode: number, body: string): TextAnswer {
  return { statusCode, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }, body, isBase64Encoded: false };
}

/** A refusal: WeChat (or whoever sent it) gets a bare status, the log gets the reason. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

function query(event: HttpEvent, name: string): string {
  const value = event.queryStringParameters?.[name];
  return typeof value === 'string' ? value : '';
}

function bodyText(event: HttpEvent): string {
  const raw = event.body;
  if (raw === undefined || raw === null) return '';
  if (typeof raw !== 'string') throw new Refusal(400, 'body is not text');
  if (raw.length > MAX_PUSH_XML_BYTES * 2) throw new Refusal(413, `body larger than ${MAX_PUSH_XML_BYTES} bytes`);
  return event.isBase64Encoded === true ? Buffer.from(raw, 'base64').toString('utf8') : raw;
}

function xml(textToParse: string, what: string): Record<string, string> {
  try {
    return parsePushXml(textToParse);
  } catch (error) {
    throw new Refusal(error instanceof PushXmlError && error.message.startsWith('XML larger') ? 413 : 400, `${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

interface Verified {
  fields: Record<string, string>;
  nonceKey: string;
}

/** Signature, age, replay and decryption: everything before any state is touched. */
async function verify(event: HttpEvent, component: Required<Pick<ComponentConfig, 'token' | 'aesKey'>> & ComponentConfig, store: TokenStore, nowMs: number): Promise<Verified | 'replay'> {
  if (event.httpMethod.toUpperCase() !== 'POST') throw new Refusal(405, `HTTP ${event.httpMethod.toUpperCase().slice(0, 10)}: pushes are POSTed`);
  const timestamp = query(event, 'timestamp');
  const nonce = query(event, 'nonce');
  const signature = query(event, 'msg_signature');
  if (!/^\d{1,12}$/.test(timestamp)) throw new Refusal(400, 'timestamp missing or not a number');
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(nonce)) throw new Refusal(400, 'nonce missing or malformed');
  if (!/^[0-9a-fA-F]{40}$/.test(signature)) throw new Refusal(400, 'msg_signature missing or malformed');
  if (query(event, 'encrypt_type') !== 'aes') throw new Refusal(400, 'encrypt_type is not aes: set the platform to encrypted (safe) mode');
  const envelope = xml(bodyText(event), 'envelope');
  const encrypted = envelope['Encrypt'];
  if (encrypted === undefined || encrypted === '') throw new Refusal(400, 'envelope has no Encrypt');
  if (!signatureMatches(signature, messageSignature(component.token, timestamp, nonce, encrypted))) throw new Refusal(401, 'msg_signature does not match (WXOPEN_COMPONENT_TOKEN differs, or the push was tampered with)');
  const skew = Math.abs(nowMs / 1000 - Number(timestamp));
  if (skew > MAX_PUSH_SKEW_S) throw new Refusal(401, `timestamp is ${Math.round(skew)} s away from now (more than ${MAX_PUSH_SKEW_S} s): stale or replayed`);
  const nonceKey = `${timestamp}:${nonce}`;
  if ((await store.get(COLLECTIONS.nonces, nonceKey)) !== undefined) return 'replay';
  let message: string;
  try {
    message = decryptMessage(component.aesKey, encrypted, component.appId);
  } catch (error) {
    if (error instanceof MessageCryptoError) {
      throw new Refusal(401, error.reason === 'appid' ? `the message is not for ${component.appId}` : `cannot decrypt (${error.message}): WXOPEN_COMPONENT_AES_KEY differs, or the push was tampered with`);
    }
    throw error;
  }
  const fields = xml(message, 'message');
  if (fields['AppId'] !== undefined && fields['AppId'] !== component.appId) throw new Refusal(401, `AppId in the message is not ${component.appId}`);
  return { fields, nonceKey };
}

/** What one push does to the store; returns a word for the log. */
async function apply(fields: Record<string, string>, config: Config, component: ComponentConfig, store: TokenStore, deadline: Deadline, nowMs: number): Promise<string> {
  const infoType = fields['InfoType'] ?? '';
  switch (infoType) {
    case 'component_verify_ticket': {
      const ticket = fields['ComponentVerifyTicket'] ?? '';
      const createTime = Number(fields['CreateTime']);
      if (ticket === '' || !Number.isFinite(createTime)) throw new Refusal(400, 'ticket push without ComponentVerifyTicket or CreateTime');
      const stored = await platformState.saveTicket(store, component.appId, { ticket, createTime, receivedAt: nowMs });
      await store.removeAllBelow(COLLECTIONS.nonces, 'expiresAt', nowMs);
      return stored ? 'ticket stored' : 'ticket older than the stored one: kept the newer';
    }
    case 'authorized':
    case 'updateauthorized': {
      const code = fields['AuthorizationCode'] ?? '';
      const merchant = fields['AuthorizerAppid'] ?? '';
      if (code === '' || merchant === '') throw new Refusal(400, `${infoType} push without AuthorizationCode or AuthorizerAppid`);
      const info = await exchangeAuthorizationCode(new WeChatClient({ config, deadline }), config, component, code, nowMs);
      return `${infoType}: authorization of ${info.authorizer_appid} stored (permission sets ${info.permission_sets.join(',') || 'none'})`;
    }
    case 'unauthorized': {
      const merchant = fields['AuthorizerAppid'] ?? '';
      if (merchant === '') throw new Refusal(400, 'unauthorized push without AuthorizerAppid');
      await platformState.removeAuthorization(store, component.appId, merchant);
      await sharedTokenCacheFor(config).forget(authorizerTokenId(component.appId, merchant));
      return `unauthorized: ${merchant} and its tokens forgotten`;
    }
    default:
      return `InfoType ${infoType.slice(0, 40) || '(none)'} not handled: acknowledged`;
  }
}

/**
 * The platform's "authorization event URL" (授权事件接收URL): WeChat POSTs the ticket every 10
 * minutes and authorization changes, encrypted. Checks msg_signature, the timestamp's age and
 * that the nonce was not seen before, decrypts (the appid at the end must be ours), reads the XML,
 * then stores the ticket / exchanges and stores the authorization / forgets a revoked merchant.
 * Answers the plain text `success` (WeChat accepts nothing else); a refusal answers 4xx and
 * stores nothing; a failure on our side answers 503 so that WeChat tries again. A replay of a
 * push already taken is acknowledged without doing anything twice.
 */
export async function receivePush(event: unknown, context?: unknown): Promise<TextAnswer> {
  const started = Date.now();
  if (!isHttpEvent(event)) {
    log('warn', 'componentEvents: not an HTTP access event; it only takes WeChat\'s pushes', {});
    return text(400, 'componentEvents takes WeChat pushes through the HTTP access service');
  }
  try {
    const config = loadConfig();
    const component = config.component;
    if (component?.token === undefined || component.aesKey === undefined) {
      throw new LocalError(LOCAL.CONFIG_MISSING, 'WXOPEN_COMPONENT_TOKEN / WXOPEN_COMPONENT_AES_KEY: the push receiver needs the platform\'s message token and EncodingAESKey (with WXOPEN_COMPONENT_APPID and _APPSECRET)', { field: 'WXOPEN_COMPONENT_TOKEN' });
    }
    const deadline = new Deadline(Math.min(Deadline.fromContext(context, started).at, started + PUSH_BUDGET_MS));
    const store = sharedTokenCacheFor(config).store;
    const verified = await verify(event, { ...component, token: component.token, aesKey: component.aesKey }, store, started);
    if (verified === 'replay') {
      log('warn', 'componentEvents: a push already taken came again (same timestamp and nonce): acknowledged, nothing done', {});
      return text(200, 'success');
    }
    const outcome = await apply(verified.fields, config, component, store, deadline, started);
    // Recorded once the push took effect: a push that failed midway is taken again when WeChat retries.
    await store.create(COLLECTIONS.nonces, verified.nonceKey, { expiresAt: started + 2 * MAX_PUSH_SKEW_S * 1000 });
    log('info', `componentEvents: ${outcome}`, { ms: Date.now() - started });
    return text(200, 'success');
  } catch (thrown) {
    if (thrown instanceof Refusal) {
      log('warn', `componentEvents: push refused, nothing stored: ${thrown.reason}`, { errcode: LOCAL.PUSH_REFUSED, status: thrown.status });
      return text(thrown.status, 'refused');
    }
    const error = toWxOpenError(thrown);
    log('error', `componentEvents: push not taken: ${error.message}`, { errcode: error.errcode, category: error.category, ms: Date.now() - started });
    return text(error.category === 'local' && error.errcode !== LOCAL.INTERNAL ? 500 : 503, 'not taken; retry');
  }
}
