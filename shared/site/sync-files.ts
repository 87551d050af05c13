import { mapWithConcurrency } from '../concurrency';
import type { Deadline } from '../deadline';
import { LOCAL } from '../error-codes';
import { LocalError, toWxOpenError } from '../errors';
import { redact } from '../redact';
import { uploadStaticFile } from '../static-hosting/upload';
import type { DownloadLink } from '../tcb/download-links';
import type { WeChatClient } from '../wechat-client';
import type { FileOutcome } from './outcomes';
import { sameAsListed, type PlannedFile } from './plan';
import { md5Of } from './site-files';
import { readStaged } from './staged-files';

export interface SyncSettings {
  env: string;
  apiBase: string;
  deadline: Deadline;
  dryRun: boolean;
  /** Uploads in flight at once. */
  concurrency: number;
  /** Time kept back for the steps after the uploads: a file is not started with less than this (plus a margin) left. */
  reserveMs: number;
  /** Told as each file reaches its outcome. */
  onOutcome?: (outcome: FileOutcome) => void;
}

/** Several at a time, and not so many that one account's staticuploadfile calls look like a flood. */
export const UPLOAD_CONCURRENCY = 4;
/** Less than this left (beyond the reserve): the file is not started, and says so. */
const MIN_FILE_MS = 1000;
/** Refused (expired signature, used URL) or storage trouble: nothing (or the same bytes) stored, so one more try with a fresh URL. */
const RETRY_WITH_FRESH_URL: ReadonlySet<number> = new Set([LOCAL.UPLOAD_REFUSED, LOCAL.UPLOAD_STORAGE_UNAVAILABLE]);
const ATTEMPTS = 2;

function failed(key: string, error: unknown): FileOutcome {
  const typed = toWxOpenError(error);
  return { key, outcome: 'failed', errcode: typed.errcode, reason: redact(typed.message) };
}

async function bytesOf(planned: PlannedFile, links: ReadonlyMap<string, DownloadLink>, settings: SyncSettings): Promise<Uint8Array<ArrayBuffer>> {
  const { source } = planned.file;
  if (source.kind === 'bytes') return source.bytes;
  return readStaged(links.get(source.fileid), source.fileid, settings);
}

async function upload(client: WeChatClient, planned: PlannedFile, bytes: Uint8Array<ArrayBuffer>, settings: SyncSettings): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await uploadStaticFile(client, settings, { env: settings.env, filename: planned.file.key, bytes, contentType: planned.file.contentType });
      return;
    } catch (error) {
      if (attempt >= ATTEMPTS || !RETRY_WITH_FRESH_URL.has(toWxOpenError(error).errcode)) throw error;
    }
  }
}

/** One file: read its bytes when needed, compare them with the listing, upload when they differ. Never throws: the outcome says. */
async function syncOne(client: WeChatClient, planned: PlannedFile, links: ReadonlyMap<string, DownloadLink>, settings: SyncSettings): Promise<FileOutcome> {
  const { key, source } = planned.file;
  if (planned.action === 'unchanged') {
    const size = Number(planned.listed?.size);
    return { key, outcome: 'unchanged', ...(Number.isFinite(size) ? { size } : {}), md5: source.md5 ?? planned.listed?.md5 ?? '' };
  }
  if (settings.deadline.remainingMs() < settings.reserveMs + MIN_FILE_MS) {
    return failed(key, new LocalError(LOCAL.DEADLINE_EXCEEDED, 'not started: the time budget is spent; run the same call again to continue from here'));
  }
  try {
    const bytes = await bytesOf(planned, links, settings);
    const md5 = md5Of(bytes);
    if (source.kind === 'fileid' && source.md5 !== undefined && source.md5 !== md5) {
      throw new LocalError(LOCAL.STAGED_FILE_MISMATCH, `${source.fileid}: its MD5 is ${md5}, not the md5 given (${source.md5}); not uploaded`);
    }
    const size = bytes.byteLength;
    if (sameAsListed(planned.listed, md5, size)) return { key, outcome: 'unchanged', size, md5 };
    if (settings.dryRun) return { key, outcome: 'would_upload', size, md5 };
    await upload(client, planned, bytes, settings);
    return { key, outcome: 'uploaded', size, md5 };
  } catch (error) {
    return failed(key, error);
  }
}

/**
 * Brings the hosting in line with the planned files, `concurrency` at a time: unchanged files are
 * not touched; the others are read (staged files), compared again (a staged file may turn out
 * unchanged) and uploaded, each with one more try on a fresh signed URL when the storage refused
 * or failed. A failing file does not stop the others. Answers the outcomes in the plan's order.
 */
export async function syncFiles(client: WeChatClient, files: readonly PlannedFile[], links: ReadonlyMap<string, DownloadLink>, settings: SyncSettings): Promise<FileOutcome[]> {
  return mapWithConcurrency(files, settings.concurrency, async (planned) => {
    const outcome = await syncOne(client, planned, links, settings);
    settings.onOutcome?.(outcome);
    return outcome;
  });
}
