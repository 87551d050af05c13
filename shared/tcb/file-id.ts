/**
 * CloudBase identifiers. An environment id is lowercase letters, digits and hyphens (e.g.
 * `test2-4a89da`, `myttest-8gu57so0bd9f9e8a`); a cloud storage file id is
 * `cloud://<env>.<bucket>/<path>` (e.g. `cloud://test2-4a89da.7465-test2-4a89da/A.png`).
 */
export const ENV_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
export const ENV_ID_RULE = 'must be a CloudBase environment id: lowercase letters, digits and hyphens, e.g. test2-4a89da';

/** Longest file id accepted (COS keys are at most 850 bytes; the prefix adds under 150). */
export const MAX_FILE_ID_LENGTH = 1000;

export interface CloudFileId {
  envId: string;
  bucket: string;
  path: string;
}

const FILE_ID = /^cloud:\/\/([^./]+)\.([^/]+)\/(.+)$/;

export function parseCloudFileId(fileId: string): CloudFileId | undefined {
  const match = FILE_ID.exec(fileId);
  if (match === null) return undefined;
  return { envId: match[1] as string, bucket: match[2] as string, path: match[3] as string };
}

/** Why `fileId` is not a file id of environment `envId`, or undefined when it is one. */
export function fileIdProblem(fileId: string, envId: string): string | undefined {
  if (fileId.length > MAX_FILE_ID_LENGTH) return `must be at most ${MAX_FILE_ID_LENGTH} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(fileId)) return 'must not contain control characters';
  const parsed = parseCloudFileId(fileId);
  if (parsed === undefined) return 'must be a cloud storage file id such as cloud://<env>.<bucket>/path/to/file';
  if (!ENV_ID_PATTERN.test(parsed.envId)) return `names environment "${parsed.envId}", which is not a valid environment id`;
  if (parsed.envId !== envId) return `belongs to environment "${parsed.envId}", not to env "${envId}"`;
  if (parsed.path.endsWith('/')) return 'names a folder (ends with "/"), not a file';
  return undefined;
}
