import { chunk, mapWithConcurrency } from '../concurrency';
import { LOCAL } from '../error-codes';
import { LocalError } from '../errors';
import { MAX_ANSWER_BYTES } from '../handler/answer-limit';
import type { WeChatClient } from '../wechat-client';

/** One file's answer: its own status (0 ok) and message; a failed file does not fail the call. */
export interface DownloadLink {
  fileid: string;
  download_url: string;
  status: number;
  errmsg: string;
}

export interface DownloadRequest {
  fileid: string;
  /** Seconds the link stays valid. */
  max_age: number;
}

export interface DownloadLinkOptions {
  /** Upstream calls in flight at once; default 3. */
  concurrency?: number;
}

/** WeChat answers at most this many files per batchdownloadfile call. */
export const MAX_FILES_PER_CALL = 50;
export const DEFAULT_CONCURRENCY = 3;

const PATH = 'tcb/batchdownloadfile';

/** The id WeChat echoes: `fileid` per its field table, `files` in its own example, `file_id` in one SDK. */
function echoedId(item: Record<string, unknown>): string | undefined {
  for (const key of ['fileid', 'files', 'file_id']) {
    const value = item[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

function toLink(fileid: string, item: Record<string, unknown>): DownloadLink {
  const url = typeof item['download_url'] === 'string' ? item['download_url'] : '';
  const rawStatus = item['status'];
  const status = typeof rawStatus === 'number' ? rawStatus : typeof rawStatus === 'string' && /^-?\d+$/.test(rawStatus) ? Number(rawStatus) : url !== '' ? 0 : -1;
  const errmsg = typeof item['errmsg'] === 'string' ? item['errmsg'] : status === 0 ? 'ok' : 'unknown error';
  return { fileid, download_url: status === 0 ? url : '', status, errmsg };
}

/**
 * Pairs WeChat's entries with the requested files: by the echoed id (so a reordered answer is still
 * right, and a file asked for twice gets two entries), else by position when the entry has no id.
 * A file with no entry gets the local status DOWNLOAD_LINK_MISSING.
 */
export function pairLinks(requested: readonly DownloadRequest[], answered: unknown): DownloadLink[] {
  const items = (Array.isArray(answered) ? answered : []).filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null);
  const byId = new Map<string, Array<Record<string, unknown>>>();
  for (const item of items) {
    const id = echoedId(item);
    if (id === undefined) continue;
    const queue = byId.get(id) ?? [];
    queue.push(item);
    byId.set(id, queue);
  }
  return requested.map(({ fileid }, index) => {
    const matched = byId.get(fileid)?.shift();
    if (matched !== undefined) return toLink(fileid, matched);
    const positional = items[index];
    if (positional !== undefined && echoedId(positional) === undefined) return toLink(fileid, positional);
    return { fileid, download_url: '', status: LOCAL.DOWNLOAD_LINK_MISSING, errmsg: 'WeChat\'s answer had no entry for this file' };
  });
}

/**
 * tcb/batchdownloadfile for any number of files: calls of at most 50 files, at most `concurrency`
 * in flight, answers in the caller's order. Read-only, so each call is retried when WeChat is busy;
 * a call that still fails fails the whole request (nothing is half-done: just ask again).
 * Token: the account's access_token, or the runtime's cloudbase_access_token.
 */
export async function getDownloadLinks(
  client: WeChatClient,
  env: string,
  files: ReadonlyArray<DownloadRequest>,
  options: DownloadLinkOptions = {},
): Promise<DownloadLink[]> {
  const pieces = chunk(files, MAX_FILES_PER_CALL);
  const answers = await mapWithConcurrency(pieces, options.concurrency ?? DEFAULT_CONCURRENCY, async (piece) => {
    const body = await client.call({
      path: PATH,
      body: { env, file_list: piece.map(({ fileid, max_age }) => ({ fileid, max_age })) },
      token: 'access',
      idempotent: true,
    });
    return pairLinks(piece, body['file_list']);
  });
  return answers.flat();
}

/**
 * Each link answered is about the fileid twice (echoed, and inside the URL) plus a signed query and
 * the entry's own fields; 300 bytes covers what WeChat's links add (a generous bound).
 */
const LINK_ENTRY_OVERHEAD_BYTES = 300;

/**
 * Refuses, before any call, a file list whose links could not come back in one answer (the
 * platform passes at most 6 MB), naming how many files of this kind fit.
 */
export function refuseOversizedAnswer(files: readonly DownloadRequest[]): void {
  let estimate = 200;
  for (const file of files) estimate += 2 * Buffer.byteLength(file.fileid, 'utf8') + LINK_ENTRY_OVERHEAD_BYTES;
  if (estimate <= MAX_ANSWER_BYTES) return;
  const perFile = estimate / files.length;
  const fit = Math.floor((MAX_ANSWER_BYTES - 200) / perFile);
  throw new LocalError(LOCAL.ANSWER_OVER_LIMIT, `file_list: the links for ${files.length} files would answer about ${(estimate / 1048576).toFixed(1)} MB, over the 6 MB a function may answer: ask for at most ${fit} files like these per call`, { field: 'file_list' });
}
