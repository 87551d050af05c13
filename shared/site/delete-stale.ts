import { mapWithConcurrency } from '../concurrency';
import type { Deadline } from '../deadline';
import { LOCAL } from '../error-codes';
import { LocalError, toWxOpenError } from '../errors';
import { redact } from '../redact';
import { staticHosting, STATIC_DELETE_API, type StaticFile } from '../static-hosting/api';
import type { WeChatClient } from '../wechat-client';
import type { FileOutcome } from './outcomes';

/** What a WeChat without the (undocumented) delete API may answer: unknown API, not authorised, not JSON. */
const NO_DELETE_API: ReadonlySet<number> = new Set([40066, 48001, 48004, LOCAL.BAD_UPSTREAM_RESPONSE]);
const MIN_FILE_MS = 500;

function reasonOf(error: unknown, env: string, key: string): { errcode: number; reason: string } {
  const typed = toWxOpenError(error);
  const reason = NO_DELETE_API.has(typed.errcode)
    ? `${typed.message}; WeChat documents no static-hosting delete for third-party platforms (${STATIC_DELETE_API} is the emulator's): delete it with \`tcb hosting delete ${key} -e ${env}\` or the CloudBase console`
    : typed.message;
  return { errcode: typed.errcode, reason: redact(reason) };
}

/**
 * Deletes the stale files (listed under the prefix, not part of the site), a few at a time. Each
 * answers its own outcome; deleting a file that is already gone is no error (same final state).
 * With `dryRun` nothing is deleted: each says would_delete.
 */
export async function deleteStaleFiles(
  client: WeChatClient,
  stale: readonly StaticFile[],
  settings: { env: string; deadline: Deadline; dryRun: boolean; concurrency: number; onOutcome?: (outcome: FileOutcome) => void },
): Promise<FileOutcome[]> {
  return mapWithConcurrency(stale, settings.concurrency, async (file) => {
    let outcome: FileOutcome;
    const size = Number(file.size);
    const known = { ...(Number.isFinite(size) ? { size } : {}), md5: file.md5 };
    if (settings.dryRun) outcome = { key: file.key, outcome: 'would_delete', ...known };
    else if (settings.deadline.remainingMs() < MIN_FILE_MS) {
      const late = new LocalError(LOCAL.DEADLINE_EXCEEDED, 'not started: the time budget is spent; run the same call again to continue from here');
      outcome = { key: file.key, outcome: 'failed', errcode: late.errcode, reason: late.message };
    } else {
      try {
        await staticHosting.deleteFile(client, settings.env, file.key);
        outcome = { key: file.key, outcome: 'deleted', ...known };
      } catch (error) {
        outcome = { key: file.key, outcome: 'failed', ...reasonOf(error, settings.env, file.key) };
      }
    }
    settings.onOutcome?.(outcome);
    return outcome;
  });
}
