import * as v from 'valibot';
import { dryRunInput, qrcodeRuleInput } from '../qrcode-jump/schemas';
import { MEDIA_TYPE_PATTERN } from '../static-hosting/content-type';
import { checkStaticFilename, checkStaticPrefix } from '../static-hosting/filename';
import { MAX_UPLOAD_BYTES, staticFilename } from '../static-hosting/schemas';
import { fileIdProblem } from '../tcb/file-id';
import { envId } from '../tcb/schemas';

/** Files one deployStaticSite call takes (the 6 MB event and the time budget are the real limits; a re-run continues). */
export const MAX_SITE_FILES = 5000;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const SOURCES = ['content', 'content_base64', 'fileid'] as const;

/** One file of the site: its path under `prefix` and exactly one source of its bytes. */
const siteFile = v.pipe(
  v.strictObject({
    filename: staticFilename,
    content: v.optional(
      v.pipe(
        v.string('must be a string (the file as UTF-8 text)'),
        v.check((text) => Buffer.byteLength(text, 'utf8') <= MAX_UPLOAD_BYTES, `must be at most ${MAX_UPLOAD_BYTES} bytes of UTF-8 (stage larger files in cloud storage and give their fileid)`),
      ),
    ),
    content_base64: v.optional(
      v.pipe(
        v.string('must be a string (the file as base64)'),
        v.regex(BASE64, 'must be standard base64 (A-Z a-z 0-9 + /, padded with =), no spaces or line breaks'),
        v.check((text) => (text.length / 4) * 3 <= MAX_UPLOAD_BYTES + 2, `must decode to at most ${MAX_UPLOAD_BYTES} bytes (stage larger files in cloud storage and give their fileid)`),
      ),
    ),
    fileid: v.optional(v.pipe(v.string('must be a string'), v.nonEmpty('must not be empty'))),
    md5: v.optional(v.pipe(v.string('must be a string'), v.regex(/^[0-9a-f]{32}$/i, 'must be an MD5 as 32 hex digits'))),
    content_type: v.optional(v.pipe(v.string('must be a string'), v.maxLength(200, 'at most 200 characters'), v.regex(MEDIA_TYPE_PATTERN, 'must be a media type such as text/html; charset=utf-8'))),
  }),
  v.forward(
    v.check((file) => SOURCES.filter((source) => file[source] !== undefined).length === 1, 'give exactly one of content (UTF-8 text), content_base64 and fileid (a cloud:// file of env)'),
    ['content'],
  ),
  v.forward(
    v.check((file) => file.md5 === undefined || file.fileid !== undefined, 'md5 goes with fileid only (the MD5 of inline content is computed)'),
    ['md5'],
  ),
);

/** The site's folder inside the hosting: "" (the root) or a relative path, always ending with "/". */
const sitePrefix = v.pipe(
  v.string('must be a string'),
  v.rawTransform<string, string>(({ dataset, addIssue, NEVER }) => {
    const result = checkStaticPrefix(dataset.value);
    if (!result.ok) {
      addIssue({ message: result.problem });
      return NEVER;
    }
    return result.filename === '' || result.filename.endsWith('/') ? result.filename : `${result.filename}/`;
  }),
);

interface FileIssue {
  index: number;
  field: 'fileid' | 'filename';
  message: string;
}

interface CrossFieldInput {
  env: string;
  prefix: string;
  files: ReadonlyArray<{ filename: string; fileid?: string | undefined }>;
}

/** Rules across fields: each fileid in env, each path (prefix + filename) a valid hosting path, no path twice. */
function crossFieldIssues(input: CrossFieldInput): FileIssue[] {
  const issues: FileIssue[] = [];
  const seen = new Map<string, number>();
  input.files.forEach((file, index) => {
    const problem = file.fileid === undefined ? undefined : fileIdProblem(file.fileid, input.env);
    if (problem !== undefined) issues.push({ index, field: 'fileid', message: problem });
    const key = `${input.prefix}${file.filename}`;
    const checked = checkStaticFilename(key);
    if (!checked.ok) issues.push({ index, field: 'filename', message: `with prefix ${JSON.stringify(input.prefix)}: ${checked.problem}` });
    const first = seen.get(key);
    if (first !== undefined) issues.push({ index, field: 'filename', message: `names the same file as files[${first}].filename (${key})` });
    else seen.set(key, index);
  });
  return issues;
}

/** The issue path `files[index].<field>` as valibot spells it. */
function pathOf(input: CrossFieldInput, issue: FileIssue): [v.ObjectPathItem, v.ArrayPathItem, v.ObjectPathItem] {
  const files = input.files as unknown[];
  const file = input.files[issue.index] as Record<string, unknown>;
  return [
    { type: 'object', origin: 'value', input: input as unknown as Record<string, unknown>, key: 'files', value: files },
    { type: 'array', origin: 'value', input: files, key: issue.index, value: file },
    { type: 'object', origin: 'value', input: file, key: issue.field, value: file[issue.field] },
  ];
}

/**
 * deployStaticSite: the environment, the site's files (each `filename` under `prefix`, bytes as
 * `content`, `content_base64` or the `fileid` of a file staged in the env's cloud storage, with its
 * `md5` when known), whether to delete the files under `prefix` that are not listed, an optional
 * `qrcode_rule` (setupQRCodeJump's rule fields and `publish`) and `dry_run`.
 */
export const deploySiteInput = v.pipe(
  v.strictObject({
    env: envId,
    files: v.pipe(v.array(siteFile, 'must be an array of {filename, content | content_base64 | fileid}'), v.minLength(1, 'must list at least one file'), v.maxLength(MAX_SITE_FILES, `at most ${MAX_SITE_FILES} files per call`)),
    prefix: v.optional(sitePrefix, ''),
    delete_stale: v.optional(v.boolean('must be true or false (true: delete the files under prefix that files does not list)'), false),
    qrcode_rule: v.optional(qrcodeRuleInput),
    dry_run: dryRunInput,
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    for (const issue of crossFieldIssues(dataset.value)) addIssue({ message: issue.message, path: pathOf(dataset.value, issue) });
  }),
);

export type DeploySiteInput = v.InferOutput<typeof deploySiteInput>;
