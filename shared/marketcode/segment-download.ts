/**
 * Downloading one generated segment and decrypting it, with the checks that turn WeChat's
 * undocumented refusals into clear errors. WeChat documents no error code for downloading an
 * application that is not FINISH or a range that is not a generated segment, so the application is
 * read first (applycodequery) and both are checked here, before the download: one extra read per
 * download buys an error that names the status or lists the segments.
 */
import { LOCAL } from '../error-codes';
import { LocalError } from '../errors';
import { log } from '../log';
import type { WeChatClient } from '../wechat-client';
import { FINISHED, marketCode, type Application, type CodeSegment } from './api';
import { decryptCodePackage, MARKETCODE_KEY_ENV, parseMarketCodeKey, type DecryptedCodePackage } from './decrypt';

/** The configured key's bytes; a clear error (naming WXOPEN_MARKETCODE_KEY) when unset or not 16 bytes. */
export function marketCodeKey(env: Readonly<Record<string, string | undefined>> = process.env): Buffer {
  return parseMarketCodeKey(env[MARKETCODE_KEY_ENV]);
}

/** How many codes a segment holds (both ends inclusive). */
export function segmentSize(segment: CodeSegment): number {
  return segment.code_end - segment.code_start + 1;
}

export function describeSegments(segments: readonly CodeSegment[]): string {
  if (segments.length === 0) return 'none yet';
  const shown = segments.slice(0, 4).map((s) => `${s.code_start}-${s.code_end}`);
  return segments.length > 4 ? `${shown.join(', ')}, … (${segments.length} in all)` : shown.join(', ');
}

export function requireFinished(application: Application): void {
  if (application.status === FINISHED) return;
  throw new LocalError(
    LOCAL.MARKETCODE_NOT_FINISHED,
    `application ${application.application_id} is not finished: status is "${application.status}", not "${FINISHED}" (${application.code_generate_list.length} segment(s) generated so far)`,
  );
}

/** The generated segment that is exactly code_start..code_end, or a clear error listing the real ones. */
export function requireSegment(application: Application, range: CodeSegment): CodeSegment {
  const found = application.code_generate_list.find((s) => s.code_start === range.code_start && s.code_end === range.code_end);
  if (found !== undefined) return found;
  throw new LocalError(
    LOCAL.MARKETCODE_NOT_A_SEGMENT,
    `code_start..code_end ${range.code_start}-${range.code_end} is not a generated segment of application ${application.application_id}; its segments are: ${describeSegments(application.code_generate_list)}`,
    { field: 'code_start' },
  );
}

/** Downloads one segment and decrypts it. The ciphertext string is dropped as soon as it is decrypted. */
export async function downloadSegment(client: WeChatClient, key: Buffer, applicationId: bigint, segment: CodeSegment): Promise<DecryptedCodePackage> {
  const buffer = await marketCode.download(client, { application_id: applicationId, ...segment });
  const decrypted = decryptCodePackage(buffer, key);
  const expected = segmentSize(segment);
  if (decrypted.codeCount !== expected) {
    // The plaintext layout is undocumented: report, never refuse what WeChat sent.
    log('warn', 'market-code package holds a different number of codes than its segment', {
      application_id: applicationId.toString(),
      code_start: segment.code_start,
      code_end: segment.code_end,
      codes: decrypted.codeCount,
      expected,
    });
  }
  return decrypted;
}
