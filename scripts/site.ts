/**
 * npm run site -- deploy <dir> --env <env> [--prefix <folder>] [--qrcode-rule rule.json]
 *                 [--delete-stale] [--dry-run] [--authorizer-appid wx...] [--time-limit <s>] [--retries <n>]
 *
 * Deploys a folder as a static site: walks it (hidden entries and symbolic links left out), stages
 * every file in the environment's cloud storage (tcb/uploadfile + COS POST, at
 * wxopen-site-staging/<md5>), then calls deployStaticSite — the built bundle, the same code path
 * as on the platform — with each file's fileid and MD5: only files that differ from the hosting are
 * read back and uploaded, the verification file is placed and waited for, the rule is added and
 * published when rule.json says so. Progress is live (a bar on a terminal, plain lines otherwise);
 * a summary table ends it. A retryable failure (busy, the hosting still propagating) is run again
 * up to --retries times (default 2): the chain picks up where it stopped.
 *
 * The functions' variables come from this shell, as for npm run invoke: WXOPEN_API_BASE (the
 * emulator's URL, or unset for WeChat), the account (WXOPEN_APPID + WXOPEN_APPSECRET) for the
 * staging and the QR-code rule, WXOPEN_COMPONENT_ACCESS_TOKEN (or the platform's variables with
 * --authorizer-appid) for the hosting. Exit status: 0 deployed, 1 the function answered an error,
 * 2 usage, an unreadable folder or rule file, or names the hosting refuses.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_API_BASE, loadConfig, type Config } from '../shared/config';
import { Deadline } from '../shared/deadline';
import { toWxOpenError } from '../shared/errors';
import { parseJson } from '../shared/json';
import { PROGRESS_SINK, type ProgressEvent } from '../shared/progress/events';
import { WeChatClient } from '../shared/wechat-client';
import { buildFunctions } from './build';
import { bundlePath } from './function-catalogue';
import { loadBuiltBundle } from './local-runtime/bundle-host';
import { scfContext } from './local-runtime/scf-context';
import { MAX_UPLOAD_BYTES } from '../shared/static-hosting/schemas';
import { stageFiles, STAGING_FOLDER, type StagedFile } from './site/stage';
import { ProgressView, summaryTable, type Output, type SummaryRow } from './site/view';
import { walkSite } from './site/walk';

const FUNCTION = 'deployStaticSite';
const USAGE = `usage: npm run site -- deploy <dir> --env <env> [--prefix <folder>] [--qrcode-rule rule.json] [--delete-stale] [--dry-run]
                      [--authorizer-appid wx...] [--time-limit <seconds>] [--retries <n>]
rule.json: {"prefix": "https://<domain>/qr/", "permit_sub_rule": 1, "path": "pages/index/index", "open_version": 3, "publish": true}`;
/** Staging the files and the whole run may take this long (the function's own budget is --time-limit). */
const STAGING_BUDGET_MS = 10 * 60 * 1000;
const DEFAULT_TIME_LIMIT_SECONDS = 60;
const RETRY_PAUSE_MS = 2000;

export class UsageError extends Error {}

export interface SiteRequest {
  dir: string;
  env: string;
  prefix?: string;
  qrcodeRule?: unknown;
  deleteStale: boolean;
  dryRun: boolean;
  authorizerAppId?: string;
  timeLimitSeconds: number;
  retries: number;
}

function wholeNumber(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
  return number;
}

/** The command line as a request; UsageError with the reason (and the usage) when it is not one. */
export function parseSiteArgs(args: readonly string[]): SiteRequest {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        env: { type: 'string' },
        prefix: { type: 'string' },
        'qrcode-rule': { type: 'string' },
        'delete-stale': { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        'authorizer-appid': { type: 'string' },
        'time-limit': { type: 'string' },
        retries: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help === true) throw new UsageError(USAGE);
  const [command, dir, ...extra] = positionals;
  if (command !== 'deploy') throw new UsageError(`${command === undefined ? 'a command is required' : `unknown command "${command}"`}: only deploy\n${USAGE}`);
  if (dir === undefined) throw new UsageError(`deploy needs the folder to deploy\n${USAGE}`);
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}\n${USAGE}`);
  if (values.env === undefined || values.env === '') throw new UsageError(`--env is required: the CloudBase environment whose hosting serves the site\n${USAGE}`);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`${dir} is not a folder`);
  const request: SiteRequest = {
    dir,
    env: values.env,
    deleteStale: values['delete-stale'] === true,
    dryRun: values['dry-run'] === true,
    timeLimitSeconds: wholeNumber(values['time-limit'], 'time-limit', DEFAULT_TIME_LIMIT_SECONDS, 5, 900),
    retries: wholeNumber(values.retries, 'retries', 2, 0, 10),
  };
  if (values.prefix !== undefined) request.prefix = values.prefix;
  if (values['authorizer-appid'] !== undefined) request.authorizerAppId = values['authorizer-appid'];
  const ruleFile = values['qrcode-rule'];
  if (ruleFile !== undefined) {
    try {
      request.qrcodeRule = parseJson(readFileSync(ruleFile, 'utf8'));
    } catch (error) {
      throw new UsageError(`--qrcode-rule ${ruleFile}: not a readable JSON file (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  return request;
}

type Answer = Record<string, unknown>;

function rowsOf(answer: Answer): SummaryRow[] {
  const files = Array.isArray(answer['files']) ? (answer['files'] as Answer[]) : [];
  return files.map((file) => ({
    key: String(file['key']),
    outcome: String(file['outcome']),
    ...(typeof file['size'] === 'number' ? { size: file['size'] } : {}),
    ...(typeof file['reason'] === 'string' ? { reason: file['reason'] } : {}),
  }));
}

/** Loads the built bundle, building it first when dist/ does not have it. */
async function bundle(): Promise<(event: unknown, context: unknown) => unknown> {
  if (!existsSync(bundlePath(FUNCTION))) await buildFunctions([FUNCTION]);
  return loadBuiltBundle(FUNCTION);
}

/** Runs `npm run site` with these arguments, writing to `out` (progress, summary) and `err` (problems); answers the exit status. */
export async function runSite(args: readonly string[], out: Output, err: Output): Promise<number> {
  let request: SiteRequest;
  try {
    request = parseSiteArgs(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    err.write(`${error.message}\n`);
    return 2;
  }
  const site = walkSite(request.dir);
  if (site.problems.length > 0) {
    err.write(`the hosting would refuse these names, nothing was deployed:\n${site.problems.map((problem) => `  ${problem}`).join('\n')}\n`);
    return 2;
  }
  if (site.files.length === 0) {
    err.write(`${request.dir} holds no file to deploy\n`);
    return 2;
  }
  const view = new ProgressView(out);
  view.note(`${site.files.length} file(s) in ${request.dir}${site.skipped.length > 0 ? ` (left out: ${site.skipped.join(', ')})` : ''}`);

  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    err.write(`${toWxOpenError(error).message}\n`);
    return 2;
  }
  const base = new WeChatClient({ config, deadline: new Deadline(Date.now() + STAGING_BUDGET_MS) });
  const client = request.authorizerAppId === undefined ? base : base.forMerchant(request.authorizerAppId);
  // A dry run writes nothing: files go inline (a local call has no 6 MB event limit); only those too
  // large for one field are staged (cloud storage, never the hosting).
  const inline = request.dryRun ? site.files.filter((file) => file.size <= MAX_UPLOAD_BYTES) : [];
  const toStage = site.files.filter((file) => !inline.includes(file));
  let staged: StagedFile[] = [];
  if (toStage.length > 0) {
    try {
      staged = await stageFiles(client, request.env, toStage, (done, total, filename) => view.staged(done, total, filename));
    } catch (error) {
      view.done();
      const failure = toWxOpenError(error);
      err.write(`staging in ${request.env}'s cloud storage failed: ${failure.errcode} ${failure.message}\n  ${failure.hint}\n`);
      return 1;
    }
    view.done();
    view.note(`staged ${toStage.length} file(s) in ${request.env}'s cloud storage (${STAGING_FOLDER}/<md5>)`);
  }
  const stagedByName = new Map(staged.map((file) => [file.filename, file]));
  const files = site.files.map((file) => {
    const stagedFile = stagedByName.get(file.filename);
    if (stagedFile !== undefined) return { filename: file.filename, fileid: stagedFile.fileid, md5: stagedFile.md5 };
    return { filename: file.filename, content_base64: readFileSync(file.path).toString('base64') };
  });

  const event: Answer = {
    env: request.env,
    files,
    delete_stale: request.deleteStale,
    dry_run: request.dryRun,
    ...(request.prefix === undefined ? {} : { prefix: request.prefix }),
    ...(request.qrcodeRule === undefined ? {} : { qrcode_rule: request.qrcodeRule }),
    ...(request.authorizerAppId === undefined ? {} : { authorizer_appid: request.authorizerAppId }),
  };
  const main = await bundle();
  const globals = globalThis as Record<symbol, unknown>;
  const previous = globals[PROGRESS_SINK];
  globals[PROGRESS_SINK] = (progress: ProgressEvent) => view.event(progress);
  let answer: Answer = {};
  try {
    for (let run = 0; run <= request.retries; run++) {
      if (run > 0) {
        view.note(`run ${run + 1} of ${request.retries + 1}: the last one stopped at ${String(answer['failed_step'])} (${String(answer['errcode'])}); picking up from there`);
        await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
      }
      const context = { ...scfContext(FUNCTION), time_limit_in_ms: request.timeLimitSeconds * 1000 };
      answer = (await main(event, { ...context, getContext: () => context })) as Answer;
      if (answer['errcode'] === 0 || answer['category'] !== 'busy') break;
    }
  } finally {
    globals[PROGRESS_SINK] = previous;
    view.done();
  }

  const rows = rowsOf(answer);
  if (rows.length > 0) out.write(`\n${summaryTable(rows)}\n`);
  if (answer['errcode'] !== 0) {
    err.write(`\ndeployStaticSite failed at ${String(answer['failed_step'] ?? '?')}: ${String(answer['errcode'])} ${String(answer['errmsg'])}\n  ${String(answer['hint'] ?? '')}\n`);
    return 1;
  }
  const rule = answer['qrcode_rule'] as Answer | undefined;
  out.write(`\n${request.dryRun ? 'dry run: nothing was changed; the site would be at' : 'site:'} ${String(answer['site_url'])}\n`);
  if (config.apiBase !== DEFAULT_API_BASE) out.write(`  (locally: ${config.apiBase}/__hosting/${request.env}/${String(answer['prefix'] ?? '')})\n`);
  if (rule !== undefined) out.write(`QR-code rule ${String(rule['prefix'])}: ${rule['state'] === 2 ? 'published' : rule['state'] === 1 ? 'added, not published' : 'not added yet'}; verification file at ${String(rule['verification_url'])}\n`);
  return 0;
}

if (require.main === module) {
  // The command shows the progress itself; the function's own info lines would only interleave with it.
  process.env['WXOPEN_LOG_LEVEL'] ??= 'warn';
  const stdout: Output = { write: (text) => void process.stdout.write(text), isTTY: process.stdout.isTTY === true, columns: process.stdout.columns };
  const stderr: Output = { write: (text) => void process.stderr.write(text) };
  runSite(process.argv.slice(2), stdout, stderr).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(2);
    },
  );
}
