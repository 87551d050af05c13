import * as v from 'valibot';
import { envId } from '../tcb/schemas';
import { checkStaticFilename, checkStaticPrefix, type FilenameCheck } from './filename';
import { MEDIA_TYPE_PATTERN } from './content-type';

/** Largest file uploadStaticFile takes: the function's event is at most 6 MB, and base64 adds a third. */
export const MAX_UPLOAD_BYTES = 4 * 1024 * 1024;
/**
 * The size rules' messages. Messages with a number in them are constants, and `normalised` is marked
 * free of side effects: either kept esbuild from dropping a schema from the bundles that do not use
 * it (scripts/pure-schemas.ts).
 */
const CONTENT_SIZE_RULE = `must be at most ${MAX_UPLOAD_BYTES} bytes of UTF-8`;
const BASE64_SIZE_RULE = `must decode to at most ${MAX_UPLOAD_BYTES} bytes`;

/* @__NO_SIDE_EFFECTS__ */
function normalised(check: (raw: string) => FilenameCheck) {
  return v.rawTransform<string, string>(({ dataset, addIssue, NEVER }) => {
    const result = check(dataset.value);
    if (result.ok) return result.filename;
    addIssue({ message: result.problem });
    return NEVER;
  });
}

/** A file path inside the site, normalised (see filename.ts). */
export const staticFilename = v.pipe(v.string('must be a string'), v.nonEmpty('must not be empty'), normalised(checkStaticFilename));

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export const uploadLinkInput = v.strictObject({ env: envId, filename: staticFilename });

/** uploadStaticFile: the file as UTF-8 text (`content`) or as base64 (`content_base64`), exactly one. */
export const uploadFileInput = v.pipe(
  v.strictObject({
    env: envId,
    filename: staticFilename,
    content: v.optional(
      v.pipe(
        v.string('must be a string (the file as UTF-8 text)'),
        v.check((text) => Buffer.byteLength(text, 'utf8') <= MAX_UPLOAD_BYTES, CONTENT_SIZE_RULE),
      ),
    ),
    content_base64: v.optional(
      v.pipe(
        v.string('must be a string (the file as base64)'),
        v.regex(BASE64, 'must be standard base64 (A-Z a-z 0-9 + /, padded with =), no spaces or line breaks'),
        v.check((text) => (text.length / 4) * 3 <= MAX_UPLOAD_BYTES + 2, BASE64_SIZE_RULE),
      ),
    ),
    content_type: v.optional(v.pipe(v.string('must be a string'), v.maxLength(200, 'at most 200 characters'), v.regex(MEDIA_TYPE_PATTERN, 'must be a media type such as text/html; charset=utf-8'))),
  }),
  v.forward(
    v.check((input) => (input.content === undefined) !== (input.content_base64 === undefined), 'give exactly one of content (UTF-8 text) and content_base64'),
    ['content'],
  ),
);

export const listFilesInput = v.strictObject({
  env: envId,
  prefix: v.optional(v.pipe(v.string('must be a string'), normalised(checkStaticPrefix))),
  delimiter: v.optional(v.pipe(v.string('must be a string'), v.nonEmpty('must not be empty'), v.maxLength(16, 'at most 16 characters'), v.regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters'))),
  marker: v.optional(v.pipe(v.string('must be a string'), v.maxLength(1024, 'at most 1024 characters'))),
});

export const hostingDomainInput = v.strictObject({ env: envId });
