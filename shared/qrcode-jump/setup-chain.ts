/**
 * setupQRCodeJump: everything between "I have a CloudBase environment and a page" and "scanning my
 * link opens the Mini Program", in the order WeChat requires:
 *   1. hosting      find the environment's static hosting domain;
 *   2. verify_file  get the account's verification file (qrcodejumpdownload);
 *   3. upload       serve it from the prefix's last directory on the hosting (uploadStaticFile);
 *   4. rule         add the rule, or bring an unpublished one to the wanted fields (qrcodejumpadd);
 *   5. publish      publish it, when asked (qrcodejumppublish).
 * Every step first looks at the current state, so running the chain again after any failure
 * finishes the job: the upload overwrites, an existing rule is edited rather than added twice,
 * and a rule already published as wanted is left alone (no publish quota spent).
 */
import { StepRecorder } from '../chain';
import type { Deadline } from '../deadline';
import { LOCAL } from '../error-codes';
import { LocalError } from '../errors';
import { staticHosting } from '../static-hosting/api';
import { uploadStaticFile } from '../static-hosting/upload';
import type { ChainStep } from '../errors';
import type { WeChatClient } from '../wechat-client';
import { qrcodeJump, type JumpRule } from './api';
import { verificationFileUrl } from './prefix-rules';

export interface SetupRequest {
  env: string;
  prefix: string;
  path: string;
  permit_sub_rule: 1 | 2;
  open_version: 1 | 2 | 3;
  debug_url?: string[];
  publish: boolean;
}

export interface SetupResult {
  prefix: string;
  /** Where the verification file is served. */
  verification_url: string;
  /** 1 unpublished, 2 published */
  state: number;
  steps: ChainStep[];
}

function sameRule(existing: JumpRule, wanted: SetupRequest): boolean {
  return (
    existing.path === wanted.path &&
    existing.permit_sub_rule === wanted.permit_sub_rule &&
    existing.open_version === wanted.open_version &&
    JSON.stringify(existing.debug_url ?? []) === JSON.stringify(wanted.debug_url ?? [])
  );
}

/** The site path of the verification file: the prefix's last directory, without the leading "/". */
function hostingPathOf(prefix: string, fileName: string): string {
  const url = new URL(prefix);
  return `${url.pathname.slice(0, url.pathname.lastIndexOf('/') + 1)}${fileName}`.replace(/^\/+/, '');
}

export async function setupQRCodeJump(client: WeChatClient, settings: { apiBase: string; deadline: Deadline }, wanted: SetupRequest): Promise<SetupResult> {
  const chain = new StepRecorder('setupQRCodeJump');
  const host = new URL(wanted.prefix).host;

  await chain.run('hosting', async () => {
    const store = await staticHosting.describe(client, wanted.env);
    const detail =
      store.domain === host
        ? `the prefix is on ${wanted.env}'s hosting domain ${store.domain}`
        : `the prefix's host ${host} is not ${wanted.env}'s default hosting domain ${store.domain}: it must be a custom domain bound to that hosting, or WeChat's check will fail (85069)`;
    return { value: store, status: 'done', detail };
  });

  const file = await chain.run('verify_file', async () => {
    const value = await qrcodeJump.download(client);
    return { value, status: 'done', detail: `verification file ${value.file_name}` };
  });

  const verificationUrl = verificationFileUrl(wanted.prefix, file.file_name) ?? '';
  await chain.run('upload', async () => {
    const filename = hostingPathOf(wanted.prefix, file.file_name);
    const uploaded = await uploadStaticFile(client, settings, {
      env: wanted.env,
      filename,
      bytes: new TextEncoder().encode(file.file_content),
      contentType: 'text/plain; charset=utf-8',
    });
    return { value: uploaded, status: 'done', detail: `uploaded to ${wanted.env}'s static hosting as ${filename}; WeChat will fetch ${verificationUrl}` };
  });

  let state = await chain.run('rule', async () => {
    const { rule_list: rules } = await qrcodeJump.list(client);
    const existing = rules.find((rule) => rule.prefix === wanted.prefix);
    const fields = {
      prefix: wanted.prefix,
      path: wanted.path,
      permit_sub_rule: wanted.permit_sub_rule,
      open_version: wanted.open_version,
      ...(wanted.debug_url === undefined ? {} : { debug_url: wanted.debug_url }),
    };
    if (existing === undefined) {
      await qrcodeJump.add(client, { ...fields, is_edit: 0 });
      return { value: 1, status: 'done', detail: 'rule added' };
    }
    if (sameRule(existing, wanted)) return { value: existing.state, status: 'skipped', detail: 'the rule already has these fields' };
    if (existing.state === 2) {
      throw new LocalError(LOCAL.INVALID_INPUT, `prefix: ${wanted.prefix} is published with other fields, and WeChat does not let a published rule change`, {
        field: 'prefix',
        hint: 'Delete the rule (deleteJumpQRCode) and run setupQRCodeJump again, or keep the published fields.',
      });
    }
    await qrcodeJump.add(client, { ...fields, is_edit: 1 });
    return { value: 1, status: 'done', detail: 'existing unpublished rule edited to these fields' };
  });

  if (wanted.publish) {
    state = await chain.run('publish', async () => {
      if (state === 2) return { value: 2, status: 'skipped', detail: 'already published' };
      await qrcodeJump.publish(client, wanted.prefix);
      return { value: 2, status: 'done', detail: 'published: every scan of a matching link opens the released Mini Program' };
    });
  }

  return { prefix: wanted.prefix, verification_url: verificationUrl, state, steps: chain.steps };
}
