/**
 * setupQRCodeJump: everything between "I have a CloudBase environment and a page" and "scanning my
 * link opens the Mini Program", in the order WeChat requires:
 *   1. hosting      find the environment's static hosting domain;
 *   2. verify_file  get the account's verification file (qrcodejumpdownload);
 *   3. upload       serve it from the prefix's last directory on the hosting (uploadStaticFile), then
 *                   fetch it over HTTP from the URL WeChat will fetch until the exact content is
 *                   served (wait-until-served.ts): WeChat is never asked to check a file that is not
 *                   there yet;
 *   4. rule         add the rule, or bring an unpublished one to the wanted fields (qrcodejumpadd);
 *   5. publish      publish it, when asked (qrcodejumppublish), and confirm with qrcodejumpget.
 * Every step first looks at the current state, so running the chain again after any failure
 * finishes the job: a file already served is not uploaded again, an existing rule is edited rather
 * than added twice, a rule already published as wanted is left alone (no publish quota spent), and
 * an add or publish whose answer was lost is confirmed with qrcodejumpget instead of repeated.
 * `dry_run`: only the reads (describestaticstore, qrcodejumpdownload, one GET of the file,
 * qrcodejumpget); each step says what it would do.
 *
 * The rule and publish steps (ruleStep, publishStep) and the file's place (hostingPathOf) are
 * shared with deployStaticSite (shared/site/deploy-chain.ts).
 */
import { startRead, type StepOutcome } from '../chain';
import type { Deadline } from '../deadline';
import { LOCAL } from '../error-codes';
import { LocalError, toWxOpenError } from '../errors';
import { emitProgress } from '../progress/events';
import { ProgressRecorder } from '../progress/recorder';
import { staticHosting } from '../static-hosting/api';
import { describeObservation } from '../static-hosting/hosting-probe';
import { uploadStaticFile } from '../static-hosting/upload';
import { lookOnce, waitUntilServed } from '../static-hosting/wait-until-served';
import type { ChainStep } from '../errors';
import type { WeChatClient } from '../wechat-client';
import { qrcodeJump, type JumpRule } from './api';
import { verificationFileUrl } from './prefix-rules';

/** An ordinary-link rule as the chains want it. */
export interface RuleRequest {
  prefix: string;
  path: string;
  permit_sub_rule: 1 | 2;
  open_version: 1 | 2 | 3;
  debug_url?: string[];
}

export interface SetupRequest extends RuleRequest {
  env: string;
  publish: boolean;
  dry_run?: boolean;
}

export interface SetupResult {
  prefix: string;
  /** Where the verification file is served. */
  verification_url: string;
  /** 1 unpublished, 2 published; with dry_run the current state, 0 when there is no rule yet. */
  state: number;
  steps: ChainStep[];
  dry_run?: true;
}

export interface ChainSettings {
  /** WXOPEN_API_BASE: where uploads may go and where the verification URL is fetched from. */
  apiBase: string;
  deadline: Deadline;
}

/** Time kept for the rule and publish steps (list, add, publish, confirm) when waiting on the hosting. */
export const RULE_STEPS_RESERVE_MS = 2500;
/** qrcodejumpget attempts after a publish before saying it is not confirmed. */
const CONFIRM_ATTEMPTS = 3;
const CONFIRM_DELAY_MS = 300;

/** The fields where the rule WeChat holds differs from the wanted one, each with both values: `path: "a" published, "b" wanted`. */
function differences(existing: JumpRule, wanted: RuleRequest): string[] {
  const pairs: Array<[field: string, held: unknown, asked: unknown]> = [
    ['path', existing.path, wanted.path],
    ['permit_sub_rule', existing.permit_sub_rule, wanted.permit_sub_rule],
    ['open_version', existing.open_version, wanted.open_version],
    ['debug_url', existing.debug_url ?? [], wanted.debug_url ?? []],
  ];
  return pairs
    .filter(([, held, asked]) => JSON.stringify(held) !== JSON.stringify(asked))
    .map(([field, held, asked]) => `${field}: ${JSON.stringify(held) ?? 'unset'} published, ${JSON.stringify(asked)} wanted`);
}

/** The site path of the verification file: the prefix's last directory, without the leading "/". */
export function hostingPathOf(prefix: string, fileName: string): string {
  const url = new URL(prefix);
  return `${url.pathname.slice(0, url.pathname.lastIndexOf('/') + 1)}${fileName}`.replace(/^\/+/, '');
}

/** What the rule step learned: the rule's state (0: none yet, dry run) and the publishes left this month. */
export interface RuleState {
  state: number;
  quota?: number;
}

function fieldsOf(wanted: RuleRequest): RuleRequest {
  return {
    prefix: wanted.prefix,
    path: wanted.path,
    permit_sub_rule: wanted.permit_sub_rule,
    open_version: wanted.open_version,
    ...(wanted.debug_url === undefined ? {} : { debug_url: wanted.debug_url }),
  };
}

/** Busy answers and lost connections leave it open whether WeChat did the work: look before repeating. */
function unclear(error: unknown): boolean {
  return toWxOpenError(error).category === 'busy';
}

async function ruleNow(client: WeChatClient, prefix: string): Promise<JumpRule | undefined> {
  const { rule_list: rules } = await qrcodeJump.list(client);
  return rules.find((rule) => rule.prefix === prefix);
}

/**
 * The rule step: add the rule, edit an unpublished one to the wanted fields, or leave one that
 * already has them (a published rule with other fields is refused: WeChat cannot change it). An add
 * whose answer is unclear is looked up with qrcodejumpget before failing: when the rule is there
 * with the wanted fields, the add took effect.
 */
export async function ruleStep(client: WeChatClient, wanted: RuleRequest, options: { workflow: string; dryRun: boolean }): Promise<StepOutcome<RuleState>> {
  const listed = await qrcodeJump.list(client);
  const quota = typeof listed.qrcodejump_pub_quota === 'number' ? listed.qrcodejump_pub_quota : undefined;
  const withQuota = (state: number): RuleState => (quota === undefined ? { state } : { state, quota });
  const existing = listed.rule_list.find((rule) => rule.prefix === wanted.prefix);
  const fields = fieldsOf(wanted);
  if (existing === undefined) {
    if (options.dryRun) return { value: withQuota(0), status: 'skipped', detail: 'dry run: would add the rule (qrcodejumpadd, is_edit 0); WeChat checks the verification file then' };
    try {
      await qrcodeJump.add(client, { ...fields, is_edit: 0 });
    } catch (error) {
      const now = unclear(error) ? await ruleNow(client, wanted.prefix).catch(() => undefined) : undefined;
      if (now === undefined || differences(now, wanted).length > 0) throw error;
      return { value: withQuota(now.state), status: 'done', detail: 'rule added (WeChat\'s answer was lost; qrcodejumpget lists the rule with these fields)' };
    }
    return { value: withQuota(1), status: 'done', detail: 'rule added' };
  }
  const differing = differences(existing, wanted);
  if (differing.length === 0) return { value: withQuota(existing.state), status: 'skipped', detail: 'the rule already has these fields' };
  if (existing.state === 2) {
    throw new LocalError(LOCAL.INVALID_INPUT, `prefix: ${wanted.prefix} is published with other fields (${differing.join('; ')}), and WeChat does not let a published rule change`, {
      field: 'prefix',
      hint: `Delete the rule (deleteJumpQRCode) and run ${options.workflow} again, or keep the published fields.`,
    });
  }
  if (options.dryRun) return { value: withQuota(existing.state), status: 'skipped', detail: 'dry run: would edit the unpublished rule to these fields (qrcodejumpadd, is_edit 1)' };
  await qrcodeJump.add(client, { ...fields, is_edit: 1 });
  return { value: withQuota(1), status: 'done', detail: 'existing unpublished rule edited to these fields' };
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** qrcodejumpget until the rule reads as published (a few attempts within the deadline). */
async function confirmPublished(client: WeChatClient, prefix: string, deadline: Deadline): Promise<boolean> {
  for (let attempt = 1; attempt <= CONFIRM_ATTEMPTS; attempt++) {
    if ((await ruleNow(client, prefix))?.state === 2) return true;
    if (attempt === CONFIRM_ATTEMPTS || deadline.remainingMs() < CONFIRM_DELAY_MS * attempt + 500) break;
    await sleep(CONFIRM_DELAY_MS * attempt);
  }
  return false;
}

/**
 * The publish step: publish unless already published (no quota spent twice), then confirm with
 * qrcodejumpget that the rule is published. A publish whose answer is unclear (busy, lost
 * connection) is looked up instead of repeated: publishing spends the monthly quota.
 */
export async function publishStep(client: WeChatClient, prefix: string, rule: RuleState, options: { dryRun: boolean; deadline: Deadline }): Promise<StepOutcome<number>> {
  if (rule.state === 2) return { value: 2, status: 'skipped', detail: 'already published' };
  if (options.dryRun) {
    const quota = rule.quota === undefined ? '' : ` (${rule.quota} publishes left this month)`;
    return { value: rule.state, status: 'skipped', detail: `dry run: would publish the rule${quota}, then confirm it with qrcodejumpget` };
  }
  try {
    await qrcodeJump.publish(client, prefix);
  } catch (error) {
    if (!unclear(error) || (await ruleNow(client, prefix).catch(() => undefined))?.state !== 2) throw error;
    return { value: 2, status: 'done', detail: 'published (WeChat\'s answer was lost; qrcodejumpget lists the rule as published)' };
  }
  if (!(await confirmPublished(client, prefix, options.deadline))) {
    throw new LocalError(LOCAL.PUBLISH_NOT_CONFIRMED, `${prefix}: qrcodejumppublish answered ok, but qrcodejumpget does not list the rule as published (state 2) after ${CONFIRM_ATTEMPTS} looks`);
  }
  return { value: 2, status: 'done', detail: 'published, and qrcodejumpget lists it as published: every scan of a matching link opens the released Mini Program' };
}

export async function setupQRCodeJump(client: WeChatClient, settings: ChainSettings, wanted: SetupRequest): Promise<SetupResult> {
  const workflow = 'setupQRCodeJump';
  const chain = new ProgressRecorder(workflow);
  const dryRun = wanted.dry_run === true;
  const host = new URL(wanted.prefix).host;

  // The hosting domain and the verification file do not depend on each other: both asked at once.
  const hosting = startRead(() => staticHosting.describe(client, wanted.env));
  const verification = startRead(() => qrcodeJump.download(client));

  await chain.run('hosting', async () => {
    const store = await hosting;
    const detail =
      store.domain === host
        ? `the prefix is on ${wanted.env}'s hosting domain ${store.domain}`
        : `the prefix's host ${host} is not ${wanted.env}'s default hosting domain ${store.domain}: it must be a custom domain bound to that hosting, or WeChat's check will fail (85069)`;
    return { value: store, status: 'done', detail };
  });

  const file = await chain.run('verify_file', async () => {
    const value = await verification;
    return { value, status: 'done', detail: `verification file ${value.file_name}` };
  });

  const verificationUrl = verificationFileUrl(wanted.prefix, file.file_name) ?? '';
  await chain.run('upload', async () => {
    const filename = hostingPathOf(wanted.prefix, file.file_name);
    const look = { url: verificationUrl, env: wanted.env, expected: file.file_content, apiBase: settings.apiBase, deadline: settings.deadline };
    const now = await lookOnce(look);
    if (now.kind === 'served') return { value: undefined, status: 'done', detail: `${verificationUrl} already serves the exact content: not uploaded again` };
    if (dryRun) {
      const seen = now.kind === 'unchecked' ? `it cannot be fetched from here: ${now.reason}` : `it serves ${describeObservation(now)} now`;
      return { value: undefined, status: 'skipped', detail: `dry run: would upload it to ${wanted.env}'s static hosting as ${filename}, then wait until ${verificationUrl} serves it (${seen})` };
    }
    await uploadStaticFile(client, settings, {
      env: wanted.env,
      filename,
      bytes: new TextEncoder().encode(file.file_content),
      contentType: 'text/plain; charset=utf-8',
    });
    const served = await waitUntilServed({
      ...look,
      reserveMs: RULE_STEPS_RESERVE_MS,
      onAttempt: (attempt, seen, retryInMs) =>
        emitProgress({ kind: 'wait', workflow, step: 'upload', attempt, detail: `${verificationUrl} serves ${describeObservation(seen)}${retryInMs === undefined ? '' : `; looking again in ${retryInMs} ms`}` }),
    });
    return { value: undefined, status: 'done', detail: `uploaded to ${wanted.env}'s static hosting as ${filename}; ${served.detail}` };
  });

  const rule = await chain.run('rule', () => ruleStep(client, wanted, { workflow, dryRun }));
  let state = rule.state;
  if (wanted.publish) {
    state = await chain.run('publish', () => publishStep(client, wanted.prefix, rule, { dryRun, deadline: settings.deadline }));
  }

  return { prefix: wanted.prefix, verification_url: verificationUrl, state, steps: chain.steps, ...(dryRun ? { dry_run: true as const } : {}) };
}
