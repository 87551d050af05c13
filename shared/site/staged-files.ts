/**
 * Files staged in the environment's cloud storage (a `fileid` in deployStaticSite's input): their
 * download links from tcb/batchdownloadfile, then one GET of the bytes. The link is fetched only when
 * it is on the storage allowlist (upload-host-policy.ts: COS / CloudBase domains, or the emulator),
 * without following redirects; errors name the file and the link's host and path, never its
 * signature.
 */
import type { Deadline } from '../deadline';
import { LOCAL } from '../error-codes';
import { LocalError, WxOpenError } from '../errors';
import { isTimeout } from '../http/fetch-errors';
import { uploadUrlProblem, withoutQuery } from '../static-hosting/upload-host-policy';
import { cosError } from '../tcb/cos-error';
import { getDownloadLinks, type DownloadLink } from '../tcb/download-links';
import type { WeChatClient } from '../wechat-client';

/** A staged file larger than this is not read (the function has 256 MB, and a few files are in flight). */
export const MAX_STAGED_BYTES = 20 * 1024 * 1024;
/** Links live long enough for one function run. */
const LINK_SECONDS = 900;
const MAX_READ_MS = 20_000;

/** Download links for the given file ids (fewer calls: 50 a call, 3 at a time), by fileid. */
export async function stagedLinks(client: WeChatClient, env: string, fileids: readonly string[]): Promise<Map<string, DownloadLink>> {
  const unique = [...new Set(fileids)];
  if (unique.length === 0) return new Map();
  const links = await getDownloadLinks(client, env, unique.map((fileid) => ({ fileid, max_age: LINK_SECONDS })));
  return new Map(links.map((link) => [link.fileid, link]));
}

function unreadable(fileid: string, reason: string, cause?: unknown): LocalError {
  return new LocalError(LOCAL.STAGED_FILE_UNREADABLE, `${fileid}: ${reason}`, cause === undefined ? {} : { cause });
}

/** The staged file's bytes; STAGED_FILE_UNREADABLE (or WeChat's per-file status) when they cannot be had. */
export async function readStaged(link: DownloadLink | undefined, fileid: string, settings: { apiBase: string; deadline: Deadline }): Promise<Uint8Array<ArrayBuffer>> {
  if (link === undefined) throw unreadable(fileid, 'tcb/batchdownloadfile gave no link for it');
  // WeChat's per-file status (e.g. -503003 storage file not exists), passed on as the file's code.
  if (link.status !== 0) throw new WxOpenError(link.status, `${fileid}: tcb/batchdownloadfile: ${link.errmsg}`);
  const problem = uploadUrlProblem(link.download_url, settings.apiBase);
  if (problem !== undefined) throw unreadable(fileid, `not read: ${problem.replace('signed URL', 'download link')}`);
  const where = withoutQuery(link.download_url);
  const budget = Math.min(MAX_READ_MS, settings.deadline.remainingMs());
  let response: Response;
  try {
    response = await fetch(link.download_url, { redirect: 'manual', signal: AbortSignal.timeout(Math.max(1, budget)) });
  } catch (error) {
    throw unreadable(fileid, `GET ${where}: ${isTimeout(error) ? `no answer within ${budget} ms` : 'network error'}`, error);
  }
  if (response.status !== 200) throw unreadable(fileid, `GET ${where}: HTTP ${response.status}${cosError(await response.text().catch(() => ''))}`);
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MAX_STAGED_BYTES) {
    await response.body?.cancel();
    throw unreadable(fileid, `${declared} bytes: larger than the ${MAX_STAGED_BYTES} bytes one file may have here`);
  }
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    throw unreadable(fileid, `GET ${where}: the body did not arrive whole`, error);
  }
  if (bytes.byteLength > MAX_STAGED_BYTES) throw unreadable(fileid, `larger than the ${MAX_STAGED_BYTES} bytes one file may have here`);
  return bytes;
}
