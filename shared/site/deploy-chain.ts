/**
 * deployStaticSite: a site into the environment's static hosting, and optionally the QR-code rule
 * that opens the Mini Program from its links, in one resumable chain:
 *   1. hosting      find the environment's hosting domain (the site's URL);
 *   2. verify_file  with qrcode_rule: the account's verification file (qrcodejumpdownload), placed
 *                   in the rule prefix's last directory as one more file of the site;
 *   3. compare      list the hosting under the prefix (staticfilelist, size and MD5);
 *   4. upload       upload only what differs, UPLOAD_CONCURRENCY at a time (staged files are read
 *                   from cloud storage first; a staged file with its md5 given and unchanged is not
 *                   even read); each file answers its own outcome;
 *   5. served       with qrcode_rule: fetch the verification file from the URL WeChat will fetch
 *                   until it serves the exact content (wait-until-served.ts);
 *   6. rule         add or edit the rule (setup-chain.ts ruleStep): only now, never before 5;
 *   7. publish      when asked; confirmed with qrcodejumpget (publishStep);
 *   8. delete       with delete_stale: remove the files under the prefix that the site no longer has.
 * Idempotent and resumable: every step starts from what is there, so a re-run after any failure
 * ends in the same state without uploading an unchanged file again, adding a rule twice or
 * publishing twice. `dry_run` reads only (describestaticstore, qrcodejumpdownload, staticfilelist,
 * the staged files, one GET of the verification URL, qrcodejumpget) and says what each step would do.
 */
import { startRead } from '../chain';
import { LOCAL } from '../error-codes';
import { ChainStepError, LocalError, type ChainStep } from '../errors';
import { emitProgress } from '../progress/events';
import { ProgressRecorder } from '../progress/recorder';
import { qrcodeJump } from '../qrcode-jump/api';
import { verificationFileUrl } from '../qrcode-jump/prefix-rules';
import { hostingPathOf, publishStep, RULE_STEPS_RESERVE_MS, ruleStep, type ChainSettings, type RuleState } from '../qrcode-jump/setup-chain';
import { staticHosting } from '../static-hosting/api';
import { describeObservation } from '../static-hosting/hosting-probe';
import { listAllStaticFiles } from '../static-hosting/list-all';
import { lookOnce, waitUntilServed } from '../static-hosting/wait-until-served';
import type { WeChatClient } from '../wechat-client';
import { deleteStaleFiles } from './delete-stale';
import { countOutcomes, failureSummary, type FileOutcome, type OutcomeCounts } from './outcomes';
import { planSite, type SitePlan } from './plan';
import type { DeploySiteInput } from './schemas';
import { SiteChainError } from './site-error';
import { bytesSource, siteFilesOf, type SiteFile } from './site-files';
import { stagedLinks } from './staged-files';
import { syncFiles, UPLOAD_CONCURRENCY } from './sync-files';

const WORKFLOW = 'deployStaticSite';
const DELETE_CONCURRENCY = 4;

export interface QrcodeRuleResult {
  prefix: string;
  /** The verification file's path in the hosting. */
  verification_file: string;
  /** Where WeChat fetches it. */
  verification_url: string;
  /** 1 unpublished, 2 published; with dry_run the current state, 0 when there is no rule yet. */
  state: number;
}

export interface DeployResult extends OutcomeCounts {
  env: string;
  prefix: string;
  site_url: string;
  files: FileOutcome[];
  qrcode_rule?: QrcodeRuleResult;
  steps: ChainStep[];
  dry_run?: true;
}

interface Verification {
  key: string;
  url: string;
  content: string;
  fileName: string;
}

function siteUrl(domain: string, prefix: string): string {
  return `https://${domain}/${prefix.split('/').map(encodeURIComponent).join('/')}`;
}

/** The verification file as one more file of the site; refuses a listed file at its place with other content. */
function withVerificationFile(files: SiteFile[], verification: Verification, input: DeploySiteInput): SiteFile[] {
  const clash = files.find((file) => file.key === verification.key);
  if (clash === undefined) {
    return [...files, { key: verification.key, source: bytesSource(new TextEncoder().encode(verification.content)), contentType: 'text/plain; charset=utf-8' }];
  }
  const given = input.files[clash.input ?? -1];
  if (given?.content !== undefined && given.content.trim() === verification.content.trim()) return files;
  throw new LocalError(LOCAL.INVALID_INPUT, `files[${clash.input ?? 0}].filename: ${verification.key} is where WeChat fetches the verification file for qrcode_rule.prefix; leave it out of files (the chain places it) or give the file's content`, {
    field: `files[${clash.input ?? 0}].filename`,
  });
}

/** Reports each file's outcome live, counting towards `total`. */
function progressFor(total: number): (outcome: FileOutcome) => void {
  let done = 0;
  return (outcome) => {
    done += 1;
    emitProgress({ kind: 'file', workflow: WORKFLOW, key: outcome.key, outcome: outcome.outcome, done, total, ...(outcome.reason === undefined ? {} : { detail: outcome.reason }) });
  };
}

function planDetail(plan: SitePlan, input: DeploySiteInput): string {
  const count = (action: string) => plan.files.filter((file) => file.action === action).length;
  const where = input.prefix === '' ? 'the hosting root' : input.prefix;
  const stale = plan.stale.length === 0 ? `nothing else under ${where}` : `${plan.stale.length} other file(s) under ${where}: ${input.delete_stale ? 'deleted at the end' : 'kept (delete_stale is off)'}`;
  const check = count('check') > 0 ? `, ${count('check')} staged without md5 (read, then compared)` : '';
  return `${plan.files.length} file(s): ${count('upload')} to upload, ${count('unchanged')} unchanged (same size and MD5)${check}; ${stale}`;
}

export async function deployStaticSite(client: WeChatClient, settings: ChainSettings, input: DeploySiteInput): Promise<DeployResult> {
  const chain = new ProgressRecorder(WORKFLOW);
  const dryRun = input.dry_run;
  const rule = input.qrcode_rule;
  const outcomes: FileOutcome[] = [];
  try {
    // The hosting domain, the verification file and what the hosting holds under the prefix do not
    // depend on each other: all asked at once, recorded in order.
    const hosting = startRead(() => staticHosting.describe(client, input.env));
    const verificationFile = rule === undefined ? undefined : startRead(() => qrcodeJump.download(client));
    const held = startRead(() => listAllStaticFiles(client, input.env, input.prefix));
    const store = await chain.run('hosting', async () => {
      const value = await hosting;
      return { value, status: 'done', detail: `${input.env}'s site is at ${siteUrl(value.domain, input.prefix)}` };
    });

    let files = siteFilesOf(input);
    let verification: Verification | undefined;
    if (rule !== undefined && verificationFile !== undefined) {
      verification = await chain.run('verify_file', async () => {
        const file = await verificationFile;
        const value: Verification = {
          key: hostingPathOf(rule.prefix, file.file_name),
          url: verificationFileUrl(rule.prefix, file.file_name) ?? '',
          content: file.file_content,
          fileName: file.file_name,
        };
        files = withVerificationFile(files, value, input);
        const host = new URL(rule.prefix).host;
        const elsewhere = host === store.domain ? '' : `; the prefix's host ${host} is not the hosting domain ${store.domain}: it must be a custom domain bound to this hosting`;
        return { value, status: 'done', detail: `verification file ${file.file_name}, placed at ${value.key} (WeChat fetches ${value.url})${elsewhere}` };
      });
    }

    const plan = await chain.run('compare', async () => {
      const listing = await held;
      if (verification !== undefined && !verification.key.startsWith(input.prefix)) {
        for (const [key, file] of await listAllStaticFiles(client, input.env, verification.key)) listing.set(key, file);
      }
      // Any copy of the account's verification file is kept: rules on other prefixes may rely on it.
      const name = verification?.fileName;
      const value = planSite(files, listing, { prefix: input.prefix, protect: (key) => name !== undefined && (key === name || key.endsWith(`/${name}`)) });
      return { value, status: 'done', detail: planDetail(value, input) };
    });

    await chain.run('upload', async () => {
      const todo = plan.files.filter((file) => file.action !== 'unchanged');
      const fileids = todo.flatMap(({ file }) => (file.source.kind === 'fileid' ? [file.source.fileid] : []));
      const links = await stagedLinks(client, input.env, fileids);
      const synced = await syncFiles(client, plan.files, links, {
        env: input.env,
        apiBase: settings.apiBase,
        deadline: settings.deadline,
        dryRun,
        concurrency: UPLOAD_CONCURRENCY,
        reserveMs: rule === undefined ? 0 : RULE_STEPS_RESERVE_MS,
        onOutcome: progressFor(plan.files.length),
      });
      outcomes.push(...synced);
      const failed = synced.filter((file) => file.outcome === 'failed');
      if (failed.length > 0) {
        throw new LocalError(LOCAL.SITE_FILES_FAILED, `${failed.length} of ${synced.length} file(s) not uploaded: ${failureSummary(failed)}`);
      }
      const { uploaded, unchanged } = countOutcomes(synced);
      if (dryRun) {
        const would = synced.filter((file) => file.outcome === 'would_upload').length;
        return { value: undefined, status: 'skipped', detail: `dry run: would upload ${would} file(s); ${unchanged} unchanged` };
      }
      if (uploaded === 0) return { value: undefined, status: 'skipped', detail: `nothing to upload: all ${unchanged} file(s) unchanged` };
      const bytes = synced.reduce((sum, file) => sum + (file.outcome === 'uploaded' ? file.size ?? 0 : 0), 0);
      return { value: undefined, status: 'done', detail: `uploaded ${uploaded} file(s) (${bytes} bytes), ${UPLOAD_CONCURRENCY} at a time; ${unchanged} unchanged` };
    });

    let ruleState: RuleState | undefined;
    let state = 0;
    if (rule !== undefined && verification !== undefined) {
      const { url, content } = verification;
      await chain.run('served', async () => {
        const look = { url, env: input.env, expected: content, apiBase: settings.apiBase, deadline: settings.deadline };
        if (dryRun) {
          const now = await lookOnce(look);
          const seen = now.kind === 'unchecked' ? `cannot be fetched from here: ${now.reason}` : `serves ${describeObservation(now)} now`;
          return { value: undefined, status: 'skipped', detail: `dry run: ${url} ${seen}; would wait until it serves the verification file, then add the rule` };
        }
        const served = await waitUntilServed({
          ...look,
          reserveMs: RULE_STEPS_RESERVE_MS,
          onAttempt: (attempt, seen, retryInMs) =>
            emitProgress({ kind: 'wait', workflow: WORKFLOW, step: 'served', attempt, detail: `${url} serves ${describeObservation(seen)}${retryInMs === undefined ? '' : `; looking again in ${retryInMs} ms`}` }),
        });
        return { value: undefined, status: 'done', detail: served.detail };
      });
      ruleState = await chain.run('rule', () => ruleStep(client, rule, { workflow: WORKFLOW, dryRun }));
      state = ruleState.state;
      if (rule.publish) {
        const current = ruleState;
        state = await chain.run('publish', () => publishStep(client, rule.prefix, current, { dryRun, deadline: settings.deadline }));
      }
    }

    if (input.delete_stale) {
      await chain.run('delete', async () => {
        const where = input.prefix === '' ? 'the hosting root' : input.prefix;
        if (plan.stale.length === 0) return { value: undefined, status: 'skipped', detail: `nothing stale under ${where}` };
        const deleted = await deleteStaleFiles(client, plan.stale, {
          env: input.env,
          deadline: settings.deadline,
          dryRun,
          concurrency: DELETE_CONCURRENCY,
          onOutcome: progressFor(plan.stale.length),
        });
        outcomes.push(...deleted);
        const failed = deleted.filter((file) => file.outcome === 'failed');
        if (failed.length > 0) throw new LocalError(LOCAL.SITE_FILES_FAILED, `${failed.length} of ${deleted.length} stale file(s) not deleted: ${failureSummary(failed)}`);
        if (dryRun) return { value: undefined, status: 'skipped', detail: `dry run: would delete ${deleted.length} file(s) under ${where} that the site no longer has` };
        return { value: undefined, status: 'done', detail: `deleted ${deleted.length} file(s) under ${where} that the site no longer has` };
      });
    }

    const result: DeployResult = {
      env: input.env,
      prefix: input.prefix,
      site_url: siteUrl(store.domain, input.prefix),
      files: outcomes,
      ...countOutcomes(outcomes),
      steps: chain.steps,
    };
    if (rule !== undefined && verification !== undefined) {
      result.qrcode_rule = { prefix: rule.prefix, verification_file: verification.key, verification_url: verification.url, state };
    }
    if (dryRun) result.dry_run = true;
    return result;
  } catch (error) {
    if (error instanceof ChainStepError) throw new SiteChainError(error, outcomes);
    throw error;
  }
}
