/**
 * exportCodePackage: the chain a brand wants. Wait (within the time budget) until the application
 * is FINISH, then for every generated segment: download, decrypt, store the plaintext in the
 * environment's cloud storage at a fixed path, and answer download links for the stored files.
 *
 * Resumable without repeating work. Each segment's file has a deterministic path,
 *     marketcode/<application_id>/<tag>/<code_start>-<code_end>.txt  (tag: see exportFolderOf)
 * and before anything is downloaded, batchdownloadfile tells which of those files already exist
 * (per-file status 0). An existing file is known to be complete because it was written by one COS
 * POST of the whole decrypted package, and COS stores an object whole or not at all: a POST that
 * is cut off stores nothing. So a re-run downloads and uploads only the segments whose files are
 * missing; a file that exists is never downloaded from WeChat again.
 *
 * Time budget: polls for FINISH with backoff but never sleeps past the point where one segment
 * could still be handled; before each segment, checks that the time the slowest segment so far
 * took (at least MIN_SEGMENT_MS) plus a margin for the final links still fits. When it does not,
 * the answer is `export_status: "pending"` with what is known (status, segments, files stored so
 * far); call again to continue. Memory: one segment at a time (its ciphertext, plaintext and
 * upload body are released before the next one starts).
 */
import { createHmac } from 'node:crypto';
import type { Deadline } from '../deadline';
import { log } from '../log';
import { getDownloadLinks, type DownloadLink } from '../tcb/download-links';
import { requestUploadGrant, uploadToCloudStorage } from '../tcb/upload-file';
import type { WeChatClient } from '../wechat-client';
import { FINISHED, marketCode, type Application, type CodeSegment } from './api';
import { downloadSegment, segmentSize } from './segment-download';
import { LOCAL } from '../error-codes';
import { LocalError } from '../errors';

export interface ExportRequest {
  application_id: bigint;
  env: string;
  /** Lifetime of the answered links, in seconds. */
  max_age: number;
}

export interface ExportedFile extends CodeSegment {
  /** Codes the segment holds (code_end - code_start + 1). */
  code_count: number;
  path: string;
  fileid: string;
  /** Empty while pending, or when this file's link failed (see status / errmsg). */
  download_url: string;
  /** batchdownloadfile's per-file status: 0 ok. */
  status: number;
  errmsg: string;
}

export interface ExportResult {
  /** "done": every segment is stored and linked; "pending": call again to continue. */
  export_status: 'done' | 'pending';
  application_id: string;
  env: string;
  /** The application's status as last read ("FINISH" once codes can be downloaded). */
  status: string;
  code_generate_list: CodeSegment[];
  /** Codes in all stored files. */
  code_count: number;
  /** Stored files (all of them when done; those stored so far when pending). */
  files: ExportedFile[];
  /** Segments downloaded, decrypted and stored by this call. */
  exported: number;
  /** Segments found already stored (by an earlier call) and not downloaded again. */
  reused: number;
  /** When pending: why, and what to do. */
  pending_reason?: string;
}

export const TEXT_CONTENT_TYPE = 'text/plain; charset=utf-8';
/** The least time one segment (download ~2.7 MB, decrypt, upload ~2.3 MB) is assumed to need. */
export const MIN_SEGMENT_MS = 2000;
/** Kept for the last batchdownloadfile call and the answer. */
export const LINKS_RESERVE_MS = 1000;
const FIRST_POLL_MS = 500;
const MAX_POLL_MS = 5000;

/**
 * The folder of an application's files: its id, then a tag only holders of the market-code key can
 * compute (HMAC-SHA256 of the id). The plaintext codes are what makes a product genuine, so their
 * path must not be guessable, and nobody without the key can place a file there in advance that a
 * re-run would take for a finished segment. The tag is the same on every run, so re-runs find it.
 */
export function exportFolderOf(applicationId: string, key: Buffer): string {
  const tag = createHmac('sha256', key).update(`wxopen-functions/exportCodePackage/${applicationId}`).digest('hex').slice(0, 20);
  return `marketcode/${applicationId}/${tag}`;
}

export function exportPathOf(folder: string, segment: CodeSegment): string {
  return `${folder}/${segment.code_start}-${segment.code_end}.txt`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls applycodequery with backoff until FINISH, or answers the last reading when time runs short. */
async function waitForFinish(client: WeChatClient, applicationId: bigint, deadline: Deadline): Promise<Application> {
  let wait = FIRST_POLL_MS;
  for (;;) {
    const application = await marketCode.query(client, { application_id: applicationId });
    if (application.status === FINISHED) return application;
    const spare = deadline.remainingMs() - MIN_SEGMENT_MS - LINKS_RESERVE_MS;
    if (spare < wait) return application;
    await sleep(wait);
    wait = Math.min(MAX_POLL_MS, Math.round(wait * 1.6));
  }
}

/**
 * The cloud:// ids of the segment files. The id is `cloud://<env>.<bucket>/<path>` and the bucket is
 * not known in advance, so one tcb/uploadfile grant (for the first path; it uploads nothing) shows
 * the prefix, and the others follow from it.
 */
async function fileIdsOf(client: WeChatClient, env: string, paths: readonly string[]): Promise<string[]> {
  const [first] = paths;
  if (first === undefined) return [];
  const { file_id: probe } = await requestUploadGrant(client, env, first);
  if (!probe.startsWith('cloud://') || !probe.endsWith(`/${first}`)) {
    throw new LocalError(LOCAL.BAD_UPSTREAM_RESPONSE, `tcb/uploadfile: file_id ${probe} is not cloud://<env>.<bucket>/${first}`);
  }
  const prefix = probe.slice(0, probe.length - first.length);
  return paths.map((path) => prefix + path);
}

export async function exportCodePackage(client: WeChatClient, key: Buffer, request: ExportRequest): Promise<ExportResult> {
  const deadline = client.deadline;
  const application = await waitForFinish(client, request.application_id, deadline);
  const result: ExportResult = {
    export_status: 'pending',
    application_id: application.application_id,
    env: request.env,
    status: application.status,
    code_generate_list: application.code_generate_list,
    code_count: 0,
    files: [],
    exported: 0,
    reused: 0,
  };
  if (application.status !== FINISHED) {
    result.pending_reason = `the application is not finished yet (status "${application.status}", ${application.code_generate_list.length} segment(s) generated so far): call again later`;
    return result;
  }
  const segments = application.code_generate_list;
  const folder = exportFolderOf(application.application_id, key);
  const paths = segments.map((segment) => exportPathOf(folder, segment));
  const fileIds = await fileIdsOf(client, request.env, paths);
  const existing = await getDownloadLinks(client, request.env, fileIds.map((fileid) => ({ fileid, max_age: request.max_age })));
  const stored: Array<ExportedFile | undefined> = segments.map((segment, index) =>
    existing[index]?.status === 0 ? fileOf(segment, paths[index] as string, existing[index] as DownloadLink) : undefined,
  );
  result.reused = stored.filter((file) => file !== undefined).length;

  let slowestMs = MIN_SEGMENT_MS;
  for (const [index, segment] of segments.entries()) {
    if (stored[index] !== undefined) continue;
    if (deadline.remainingMs() < slowestMs * 1.5 + LINKS_RESERVE_MS) {
      result.pending_reason = `the time budget ran short after storing ${result.exported + result.reused} of ${segments.length} segment(s): call again to continue (stored files are kept and not downloaded again)`;
      break;
    }
    const started = Date.now();
    const path = paths[index] as string;
    const decrypted = await downloadSegment(client, key, request.application_id, segment);
    const { fileid } = await uploadToCloudStorage(client, {
      env: request.env,
      path,
      content: Buffer.from(decrypted.text, 'utf8'),
      contentType: TEXT_CONTENT_TYPE,
    });
    stored[index] = { ...segment, code_count: segmentSize(segment), path, fileid, download_url: '', status: 0, errmsg: 'ok' };
    result.exported += 1;
    slowestMs = Math.max(slowestMs, Date.now() - started);
    log('info', 'market-code segment stored', { application_id: application.application_id, code_start: segment.code_start, code_end: segment.code_end, ms: Date.now() - started });
  }

  const done = stored.every((file) => file !== undefined);
  const files = stored.filter((file): file is ExportedFile => file !== undefined);
  if (done) {
    // Links for the files stored by this call (those found stored already have theirs).
    const fresh = files.filter((file) => file.download_url === '');
    const links = await getDownloadLinks(client, request.env, fresh.map(({ fileid }) => ({ fileid, max_age: request.max_age })));
    fresh.forEach((file, index) => Object.assign(file, linkFields(links[index])));
    result.export_status = 'done';
  } else {
    for (const file of files) file.download_url = '';
  }
  result.files = files;
  result.code_count = files.reduce((sum, file) => sum + file.code_count, 0);
  return result;
}

function linkFields(link: DownloadLink | undefined): Pick<ExportedFile, 'download_url' | 'status' | 'errmsg'> {
  if (link === undefined) return { download_url: '', status: LOCAL.DOWNLOAD_LINK_MISSING, errmsg: 'no link was answered for this file' };
  return { download_url: link.download_url, status: link.status, errmsg: link.errmsg };
}

function fileOf(segment: CodeSegment, path: string, link: DownloadLink): ExportedFile {
  return { ...segment, code_count: segmentSize(segment), path, fileid: link.fileid, ...linkFields(link) };
}
