import { LOCAL } from '../error-codes';
import { LocalError } from '../errors';
import type { WeChatClient } from '../wechat-client';

/** A rule as qrcodejumpget lists it (service-account rules carry only prefix, path and state). */
export interface JumpRule {
  prefix: string;
  permit_sub_rule?: number;
  path: string;
  open_version?: number;
  debug_url?: string[];
  /** 1 unpublished, 2 published */
  state: number;
}

export interface JumpRuleList {
  qrcodejump_open: number;
  qrcodejump_pub_quota: number;
  list_size: number;
  total_count?: number;
  rule_list: JumpRule[];
}

export interface VerificationFile {
  file_name: string;
  file_content: string;
}

export interface RuleToAdd {
  prefix: string;
  path: string;
  is_edit: 0 | 1;
  permit_sub_rule?: 1 | 2;
  open_version?: 1 | 2 | 3;
  debug_url?: string[];
  appid?: string;
}

const BASE = 'cgi-bin/wxopen';
/** WeChat's verification files look like "UASjIrr8C9.txt"; anything but a plain name is refused. */
const VERIFICATION_FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

function pick<K extends string>(body: Record<string, unknown>, keys: readonly K[]): Record<K, unknown> {
  const out = {} as Record<K, unknown>;
  for (const key of keys) if (body[key] !== undefined) out[key] = body[key];
  return out;
}

/** The QR-code jump API (cgi-bin/wxopen/qrcodejump*): one method per endpoint, WeChat's field names. */
export const qrcodeJump = {
  /** qrcodejumpdownload: the verification file to serve on the prefix's domain. Read-only. */
  async download(client: WeChatClient): Promise<VerificationFile> {
    const body = await client.call({ path: `${BASE}/qrcodejumpdownload`, body: {}, token: 'access', idempotent: true });
    const { file_name: name, file_content: content } = body;
    // The name becomes a path on a web server (setupQRCodeJump uploads it): only a plain file name.
    if (typeof name !== 'string' || !VERIFICATION_FILE_NAME.test(name) || typeof content !== 'string' || content === '') {
      throw new LocalError(LOCAL.BAD_UPSTREAM_RESPONSE, `${BASE}/qrcodejumpdownload: answer has no plain file_name and file_content`);
    }
    return { file_name: name, file_content: content };
  },

  /** qrcodejumpadd: adding is not idempotent (a repeat is 85071); editing to the same values is. */
  async add(client: WeChatClient, rule: RuleToAdd): Promise<void> {
    await client.call({ path: `${BASE}/qrcodejumpadd`, body: rule, token: 'access', idempotent: rule.is_edit === 1 });
  },

  /** qrcodejumpget: the rules and the publish quota. Read-only. */
  async list(client: WeChatClient, query: Record<string, unknown> = {}): Promise<JumpRuleList> {
    const body = await client.call({ path: `${BASE}/qrcodejumpget`, body: query, token: 'access', idempotent: true });
    return pick(body, ['qrcodejump_open', 'qrcodejump_pub_quota', 'list_size', 'total_count', 'rule_list']) as unknown as JumpRuleList;
  },

  /** qrcodejumpdelete: deleting the same prefix twice ends in the same state. */
  async remove(client: WeChatClient, target: { prefix: string; appid?: string }): Promise<void> {
    await client.call({ path: `${BASE}/qrcodejumpdelete`, body: target, token: 'access', idempotent: true });
  },

  /** qrcodejumppublish: spends the monthly publish quota, so never repeated blindly. */
  async publish(client: WeChatClient, prefix: string): Promise<void> {
    await client.call({ path: `${BASE}/qrcodejumppublish`, body: { prefix }, token: 'access', idempotent: false });
  },
};
