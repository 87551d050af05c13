import * as v from 'valibot';
import { ENV_ID_PATTERN, ENV_ID_RULE, fileIdProblem } from './file-id';

/** A CloudBase environment id. */
export const envId = v.pipe(v.string('must be a string'), v.nonEmpty('must not be empty'), v.regex(ENV_ID_PATTERN, ENV_ID_RULE));

/**
 * Link lifetime in seconds. WeChat's HTTP doc gives no bound; the SDK docs say "default one day,
 * at most one day" for temporary links, so 1..86400 is what is sure to be accepted.
 */
export const MAX_LINK_AGE_SECONDS = 86400;
/**
 * The rule's message. Messages with a number in them are constants of their own: a template literal
 * in a schema's arguments keeps esbuild from dropping the schema from bundles that do not use it
 * (scripts/pure-schemas.ts).
 */
export const LINK_AGE_RULE = `must be at most ${MAX_LINK_AGE_SECONDS} seconds (one day)`;

const downloadItem = v.strictObject({
  fileid: v.pipe(v.string('must be a string'), v.nonEmpty('must not be empty')),
  max_age: v.pipe(
    v.number('must be a number of seconds'),
    v.integer('must be a whole number of seconds'),
    v.minValue(1, 'must be at least 1 second'),
    v.maxValue(MAX_LINK_AGE_SECONDS, LINK_AGE_RULE),
  ),
});

/** getDownloadTcbFileLink: every fileid must be a cloud:// id of `env`. */
export const downloadLinksInput = v.pipe(
  v.strictObject({
    env: envId,
    file_list: v.pipe(
      v.array(downloadItem, 'must be an array of {fileid, max_age}'),
      // No upper bound: any number is split into calls of 50. The platform's 6 MB event limit
      // (about 60 000 ids) and the function's time budget are the only limits.
      v.minLength(1, 'must list at least one file'),
    ),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const { env, file_list: files } = dataset.value;
    const bad = files.findIndex((file) => fileIdProblem(file.fileid, env) !== undefined);
    if (bad < 0) return;
    const file = files[bad] as { fileid: string };
    addIssue({
      message: fileIdProblem(file.fileid, env) as string,
      path: [
        { type: 'object', origin: 'value', input: dataset.value, key: 'file_list', value: files },
        { type: 'array', origin: 'value', input: files, key: bad, value: file },
        { type: 'object', origin: 'value', input: file, key: 'fileid', value: file.fileid },
      ],
    });
  }),
);
