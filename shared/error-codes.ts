/**
 * Every error code this project knows: WeChat's own (passed through unchanged) and the local range
 * 990000-990999 used for errors raised here. Each code has a category (what kind of trouble), whether
 * a retry can help, the HTTP status an HTTP caller sees, and a hint saying what to do.
 *
 * Sources: the seed documents, ../shared/notes/wechat-api.md (sections 1-6) and the CloudBase error
 * page. Codes whose meaning WeChat never documented say so in their hint.
 */

import { describeSets, permissionRequirementOf } from './component/permission-sets';

export type ErrorCategory =
  /** the caller's move: the request's content is wrong; fix the named field */
  | 'input'
  /** the caller's move: the caller was refused here (bearer key, OPENID) */
  | 'auth'
  /** nobody's mistake: a rate or quota limit was reached; wait, or slow down */
  | 'quota'
  /** WeChat's move: WeChat, the storage or the network is busy; retrying later helps */
  | 'busy'
  /** WeChat's move: WeChat (or the storage) answered something unexpected; retry, report the rid if it persists */
  | 'upstream'
  /**
   * the operator's move: the WeChat account, the third-party platform, a merchant's authorization or
   * the site is not set up for this call (verification file, release, IP whitelist, permission set)
   */
  | 'setup'
  /** the operator's move: this deployment's configuration (a variable, credentials WeChat refused) or a bug here */
  | 'local';

/** Whose move an error of each category is, in a few words (the README's and docs/errors.md's tables). */
export const CATEGORY_MOVE: Readonly<Record<ErrorCategory, string>> = {
  input: 'the caller: fix the request',
  auth: 'the caller: present the key, or call as an admin',
  quota: 'nobody: wait for the limit, or slow down',
  busy: 'WeChat or the network: retry later',
  upstream: 'WeChat: an unexpected answer; retry, report the rid',
  setup: 'the operator: set up the account, platform or site',
  local: 'the operator: fix this deployment\'s configuration (or report a bug)',
};

export interface CodeInfo {
  category: ErrorCategory;
  retryable: boolean;
  /**
   * WeChat refused the call before doing anything (a rate limit): a retry is safe even for a call
   * that must not run twice.
   */
  refusedUnexecuted: boolean;
  httpStatus: number;
  hint: string;
}

/**
 * HTTP status an HTTP caller sees for each category unless the code says otherwise: 4xx when the
 * caller can do something about it (or must wait), 409 when the account is not in the state the call
 * needs, 5xx when the deployment or WeChat is at fault. 502 only for what WeChat (or the storage) did.
 */
export const CATEGORY_STATUS: Readonly<Record<ErrorCategory, number>> = {
  input: 400,
  auth: 403,
  quota: 429,
  busy: 503,
  upstream: 502,
  setup: 409,
  local: 500,
};

/** The local range: codes raised by wxopen-functions itself. */
export const LOCAL = {
  /** fields failed validation; errmsg is `<field>: <rule>` for each, `fields` lists them all */
  INVALID_INPUT: 990001,
  /** the HTTP body is not JSON, or the event is not an object */
  BAD_REQUEST_BODY: 990002,
  /** a required environment variable is missing or malformed */
  CONFIG_MISSING: 990003,
  /** HTTP caller without the right bearer key */
  UNAUTHENTICATED: 990004,
  /** HTTP call while WXOPEN_HTTP_KEY is not configured */
  HTTP_DISABLED: 990005,
  /** Mini Program caller whose OPENID is not in WXOPEN_ADMIN_OPENIDS */
  FORBIDDEN: 990006,
  /** the function's time budget ran out before WeChat answered */
  DEADLINE_EXCEEDED: 990007,
  /** WeChat could not be reached (DNS, connection refused or reset) */
  NETWORK_ERROR: 990008,
  /** WeChat answered with something that is not the expected JSON */
  BAD_UPSTREAM_RESPONSE: 990009,
  /** HTTP method other than POST (or OPTIONS) */
  METHOD_NOT_ALLOWED: 990010,
  /** no access token could be obtained from the configured source */
  TOKEN_UNAVAILABLE: 990011,
  /** a token that cannot be refreshed here was refused by WeChat */
  TOKEN_REJECTED: 990012,
  /** the answer would be larger than the 6 MB the platform passes back from a function */
  ANSWER_OVER_LIMIT: 990013,
  /** WeChat's gateway answered HTTP 5xx without a WeChat error code (an outage or overload in front of the API) */
  UPSTREAM_UNAVAILABLE: 990014,
  /** an unexpected failure inside wxopen-functions (a bug: please report it) */
  INTERNAL: 990099,
  /** market-code key missing or not 16 bytes */
  DECRYPT_KEY_INVALID: 990201,
  /** market-code buffer is not base64, empty, or not a whole number of AES blocks */
  DECRYPT_BUFFER_INVALID: 990202,
  /** AES padding check failed: almost always the wrong key */
  DECRYPT_FAILED: 990203,
  // ---- market codes: 990210-990299 (add new market-code codes here) ----
  /** the application's status is not FINISH: its codes cannot be downloaded yet */
  MARKETCODE_NOT_FINISHED: 990210,
  /** code_start..code_end is not one of the application's generated segments (code_generate_list) */
  MARKETCODE_NOT_A_SEGMENT: 990211,
  /** the decrypted package would not fit in one function answer (6 MB) in the requested form */
  ANSWER_TOO_LARGE: 990212,

  // ---- files and static hosting: 990300-990399 (add new files/hosting codes here) ----
  /** per-file status: WeChat's batchdownloadfile answer had no entry for this file */
  DOWNLOAD_LINK_MISSING: 990301,
  /** the signed upload URL points at a host outside the storage allowlist: nothing was sent */
  UPLOAD_HOST_NOT_ALLOWED: 990302,
  /** staticuploadfile or tcb/uploadfile answered without the fields an upload needs */
  UPLOAD_URL_INVALID: 990303,
  /** the storage refused the PUT (expired signature, wrong token, used URL): nothing was stored */
  UPLOAD_REFUSED: 990304,
  /** the storage could not be reached, failed (HTTP 5xx) or did not answer in time */
  UPLOAD_STORAGE_UNAVAILABLE: 990305,
  /** describestaticstore lists no static hosting for the environment */
  STATIC_HOSTING_NOT_FOUND: 990306,
  /** the verification file is in place but its URL did not serve the exact content within the time budget (nothing added at WeChat) */
  VERIFICATION_NOT_SERVED: 990307,
  /** deployStaticSite: some files were not uploaded or deleted (each file's reason is in `files`) */
  SITE_FILES_FAILED: 990308,
  /** per-file status: the staged cloud-storage file's MD5 is not the `md5` the caller declared */
  STAGED_FILE_MISMATCH: 990309,
  /** per-file status: the staged cloud-storage file could not be read (link refused, missing, too large, network) */
  STAGED_FILE_UNREADABLE: 990310,
  /** after qrcodejumppublish, qrcodejumpget does not list the rule as published */
  PUBLISH_NOT_CONFIRMED: 990311,

  // ---- third-party platform mode and the token store: 990500-990599 ----
  /** authorizer_appid was given (or a component API called) but WXOPEN_COMPONENT_APPID/SECRET are not set */
  COMPONENT_NOT_CONFIGURED: 990501,
  /** no usable component_verify_ticket is stored (none pushed yet, or older than 12 hours) */
  TICKET_UNAVAILABLE: 990502,
  /** the merchant has no stored authorization (never authorized, revoked, or its refresh token was lost) */
  AUTHORIZER_UNKNOWN: 990503,
  /** a token was fetched more often today than WXOPEN_TOKEN_REFRESH_BUDGET allows: refused to save WeChat's quota */
  TOKEN_REFRESH_BUDGET_SPENT: 990504,
  /** the shared token store (the environment's database) could not be read or written */
  TOKEN_STORE_UNAVAILABLE: 990505,
  /** another instance holds the refresh lease and did not finish within this call's time budget */
  TOKEN_REFRESH_BUSY: 990506,
  /** a push to componentEvents was refused (signature, age, replay, ciphertext, appid or XML) */
  PUSH_REFUSED: 990507,

  // ---- gateway, invoke and deploy tooling: 990400-990499 ----
  /** local gateway: no function folder by that name */
  GATEWAY_UNKNOWN_FUNCTION: 990401,
  /** local gateway / invoke: the function exists but its bundle was not built */
  GATEWAY_NOT_BUILT: 990402,
  /** local gateway: the request body is larger than the HTTP access service accepts */
  GATEWAY_BODY_TOO_LARGE: 990403,
  /** local gateway / invoke: the function threw or its module failed to load */
  GATEWAY_FUNCTION_FAILED: 990404,
  /** local gateway / invoke: the function ran past its timeout from cloudbaserc.json */
  GATEWAY_FUNCTION_TIMEOUT: 990405,
} as const;

type Entry = [category: ErrorCategory, hint: string, options?: { retryable?: boolean; refusedUnexecuted?: boolean; httpStatus?: number }];

const RETRY = { retryable: true } as const;
const REFUSED_RETRY = { retryable: true, refusedUnexecuted: true } as const;

let table: Readonly<Record<number, Entry>> | undefined;

/**
 * The table, built on its first use: a call that succeeds never reads it, and building it at load
 * cost every cold start about 0.25 ms (measured on the built getJumpQRCode bundle).
 */
function codeTable(): Readonly<Record<number, Entry>> {
  return (table ??= {
    // ---- common / cross-API -------------------------------------------------------------------
    [-1]: ['busy', 'WeChat is busy; retry after a short wait.', RETRY],
    [-1000]: ['busy', 'WeChat system error; retry later, and report the rid if it persists.', RETRY],
    40001: ['local', 'The access token is invalid or not the latest (another process refreshed it), or the AppSecret is wrong. Check WXOPEN_APPSECRET; use stable_token everywhere the appid is used.'],
    40002: ['local', 'Invalid grant_type.'],
    40013: ['local', 'Invalid appid: check WXOPEN_APPID.'],
    40014: ['local', 'Illegal access token: check that the token is for this account and of the right kind (access_token, authorizer_access_token or component_access_token).'],
    40097: ['input', 'Invalid arguments: WeChat refused a field value; errmsg usually says which (see API_HINTS for what each API checks).'],
    40101: ['input', 'A required parameter is missing.'],
    40125: ['local', 'Invalid AppSecret: check WXOPEN_APPSECRET (reset it in the admin console if it leaked).'],
    40164: ['setup', 'The caller IP is not in the account\'s API IP whitelist. CloudBase functions have no fixed egress IP: enable the fixed egress IP and whitelist it, or use the cloudbase_access_token mode.'],
    40243: ['setup', 'The AppSecret is frozen: unfreeze it in the admin console.'],
    41001: ['local', 'The access token is missing from the request.'],
    41002: ['local', 'The appid is missing.'],
    41004: ['local', 'The secret is missing.'],
    42001: ['local', 'The access token expired; a fresh one is fetched automatically.'],
    43002: ['local', 'This API requires POST.'],
    43003: ['local', 'This API requires HTTPS.'],
    44002: ['local', 'Empty POST body; send at least {}.'],
    44990: ['quota', 'More than 5 calls per second to the QR-code jump API; slow down.', REFUSED_RETRY],
    45009: ['quota', 'The daily API quota is used up; it resets at midnight (or use clear_quota).'],
    45011: ['quota', 'Per-minute API quota reached; retry in a minute.'],
    47001: ['input', 'WeChat could not parse the body (JSON format error or missing fields).'],
    48001: ['setup', 'This API is not authorised for the account or token type (wrong account type, or the capability was not granted).'],
    48004: ['setup', 'This API is banned for the account; see the admin console.'],
    61004: ['setup', 'The third-party platform\'s client IP is not registered in its IP whitelist.'],
    61005: ['setup', 'The component_verify_ticket expired; wait for the next push.'],
    61006: ['setup', 'The component_verify_ticket is invalid.'],
    61007: ['setup', 'The authorizer did not grant the permission set this API needs (3/18 for QR-code jump, 46 for market codes, 49 for CloudBase).'],
    61011: ['local', 'Invalid component (third-party platform).'],
    61023: ['setup', 'The merchant\'s authorizer_refresh_token is invalid (re-authorized elsewhere, or revoked): have the merchant authorize again (createAuthorizationLinks), or recover it with listAuthorizers {"recover": true}.'],
    61009: ['input', 'The authorization code is invalid or already used: each auth_code can be exchanged once.'],
    61010: ['input', 'The authorization code expired: have the merchant authorize again.'],
    61003: ['setup', 'The component is not authorized by this merchant (or the authorization was revoked).'],
    61024: ['local', 'This call requires api_component_token.'],
    89501: ['setup', 'An administrator confirmation for this IP is pending; retry later.'],
    89503: ['setup', 'This call needs administrator confirmation; wait for the administrator.'],
    89506: ['setup', 'An administrator refused this IP; retry after 24 hours.'],
    89507: ['setup', 'An administrator refused this IP; retry after 1 hour.'],
    // ---- QR-code jump (cgi-bin/wxopen/qrcodejump*) ---------------------------------------------
    85066: ['input', 'Illegal prefix (link error). Use an http, https or ftp URL on an ICP-filed domain; service-account rules must start with http://weixin.qq.com/q/. Some domain suffixes are refused: change the domain.'],
    85067: ['input', 'Input data error (undocumented by WeChat; WxJava names it so).'],
    85068: ['input', 'A debug_url is not a sub-link of the rule prefix.'],
    85069: ['setup', 'The verification file check failed: serve the file from downloadQRCodeText at the prefix\'s last directory (exact content, plain text) before adding the rule. An ICP-filing failure has also been reported as this code.'],
    85070: ['input', 'The URL hits WeChat\'s blacklist and cannot be added.'],
    85071: ['input', 'This prefix was already added; use is_edit=1 to modify it.'],
    85072: ['input', 'This prefix is already owned by another account.'],
    85073: ['quota', 'QR-code rules are full (at most 100 per Mini Program); delete unused rules.'],
    85074: ['setup', 'The Mini Program has never been released; release a version before publishing rules.'],
    85075: ['setup', 'Personal-type Mini Programs cannot set QR-code rules.'],
    85076: ['setup', 'Undocumented by WeChat; official community answers say the domain\'s ICP filing check failed (new filings need about 3 working days).'],
    85095: ['input', 'Rule data error: delete the rule and add it again.'],
    886000: ['quota', 'The monthly publish limit (100) is reached.'],
    886001: ['busy', 'WeChat is busy; retry.', RETRY],
    // ---- CloudBase (tcb/*, componenttcb/*) -----------------------------------------------------
    85088: ['setup', 'CloudBase is not enabled for this app (or not for the platform): open cloud development first.'],
    [-501000]: ['busy', 'CloudBase internal error; retry later.', RETRY],
    [-501001]: ['busy', 'CloudBase system error; retry later.', RETRY],
    [-501002]: ['busy', 'CloudBase request timed out; retry.', RETRY],
    [-501003]: ['quota', 'CloudBase rate limit exceeded.', RETRY],
    [-501004]: ['quota', 'CloudBase concurrency limit exceeded.', RETRY],
    [-501007]: ['input', 'CloudBase parameter error: check env and the file ids.'],
    [-502005]: ['setup', 'The database collection does not exist.'],
    [-503003]: ['input', 'The file does not exist or its signature is illegal.'],
    [-504002]: ['upstream', 'The cloud function failed to execute.'],
    [-604101]: ['setup', 'The function has no permission to call this API (cloud-call permissions in config.json; allow 10 minutes of cache).'],
    // ---- local range ---------------------------------------------------------------------------
    [LOCAL.INVALID_INPUT]: ['input', 'Fix each field in `fields` as its rule says.'],
    [LOCAL.BAD_REQUEST_BODY]: ['input', 'Send a JSON object as the body (Content-Type: application/json).'],
    [LOCAL.CONFIG_MISSING]: ['local', 'Set the named environment variable (envVariables in cloudbaserc.json, or the shell for local runs).'],
    [LOCAL.UNAUTHENTICATED]: ['auth', 'Send the key as "Authorization: Bearer <WXOPEN_HTTP_KEY>".', { httpStatus: 401 }],
    [LOCAL.HTTP_DISABLED]: ['auth', 'HTTP calls are refused until WXOPEN_HTTP_KEY is set on the function.', { httpStatus: 403 }],
    [LOCAL.FORBIDDEN]: ['auth', 'Add this OPENID to WXOPEN_ADMIN_OPENIDS to allow it to call from the Mini Program.', { httpStatus: 403 }],
    [LOCAL.DEADLINE_EXCEEDED]: ['busy', 'The function ran out of time; raise its timeout in cloudbaserc.json or retry.', { retryable: true, httpStatus: 504 }],
    [LOCAL.NETWORK_ERROR]: ['busy', 'WeChat could not be reached; check WXOPEN_API_BASE and the function\'s network access, then retry.', { retryable: true, httpStatus: 502 }],
    [LOCAL.BAD_UPSTREAM_RESPONSE]: ['upstream', 'WeChat answered with something unexpected; check WXOPEN_API_BASE points at the WeChat API.', RETRY],
    [LOCAL.METHOD_NOT_ALLOWED]: ['input', 'Call with POST and a JSON body.', { httpStatus: 405 }],
    [LOCAL.TOKEN_UNAVAILABLE]: ['local', 'No access token source is configured: set WXOPEN_APPID and WXOPEN_APPSECRET, or run inside CloudBase with the cloudbase_access_token enabled.'],
    [LOCAL.UPSTREAM_UNAVAILABLE]: ['busy', 'WeChat\'s gateway failed (HTTP 5xx, no WeChat answer): reads and edits were retried within the time budget; retry later.', { retryable: true, httpStatus: 502 }],
    [LOCAL.ANSWER_OVER_LIMIT]: ['input', 'The platform passes at most 6 MB back from a function (more fails the invocation without a word): ask for less in one call, as the message says.', { httpStatus: 413 }],
    [LOCAL.TOKEN_REJECTED]: ['local', 'WeChat refused a token that cannot be refreshed here (a fixed token from the environment); replace it.'],
    [LOCAL.INTERNAL]: ['local', 'Unexpected failure inside wxopen-functions; please report it with the function logs.'],
    [LOCAL.DECRYPT_KEY_INVALID]: ['local', 'Set WXOPEN_MARKETCODE_KEY to the 16-character key WeChat issued with the market-code capability.'],
    [LOCAL.DECRYPT_BUFFER_INVALID]: ['upstream', 'The downloaded buffer is damaged or truncated; download the segment again.'],
    [LOCAL.DECRYPT_FAILED]: ['local', 'Decryption failed: WXOPEN_MARKETCODE_KEY is almost certainly not this account\'s key.'],
    // ---- market codes (990210-990299) ----
    [LOCAL.MARKETCODE_NOT_FINISHED]: ['busy', 'The application is still being generated: call applyCodeQuery until status is FINISH (exportCodePackage waits for it), then download.', { retryable: true, httpStatus: 409 }],
    [LOCAL.MARKETCODE_NOT_A_SEGMENT]: ['input', 'Download one segment at a time, exactly as applyCodeQuery lists it in code_generate_list (code_start and code_end both inclusive).'],
    [LOCAL.ANSWER_TOO_LARGE]: ['input', 'Ask for output "lines" or "text" alone, or use exportCodePackage, which stores each decrypted package in cloud storage and answers download links.', { httpStatus: 413 }],

    // ---- files and static hosting (990300-990399) ----
    [LOCAL.DOWNLOAD_LINK_MISSING]: ['upstream', 'WeChat\'s answer had no entry for this file (a per-file status, not a call failure); ask for its link again.'],
    [LOCAL.UPLOAD_HOST_NOT_ALLOWED]: ['upstream', 'The signed upload URL WeChat returned points outside the COS/CloudBase storage domains, so nothing was sent there. Check WXOPEN_API_BASE points at WeChat (or the emulator).'],
    [LOCAL.UPLOAD_URL_INVALID]: ['upstream', 'WeChat\'s upload answer (staticuploadfile: signed_url/token; tcb/uploadfile: url/token/authorization/file_id/cos_file_id) was incomplete; retry, and report the rid if it persists.'],
    [LOCAL.UPLOAD_REFUSED]: ['upstream', 'The storage refused the upload (expired signature, wrong security token or an already used URL); nothing was stored. Call again: each call gets a fresh signed URL.'],
    [LOCAL.UPLOAD_STORAGE_UNAVAILABLE]: ['busy', 'The storage could not be reached, failed or did not answer in time; the file may or may not be stored. Call again (an upload to the same filename overwrites it).', { retryable: true, httpStatus: 502 }],
    [LOCAL.STATIC_HOSTING_NOT_FOUND]: ['setup', 'The environment has no static hosting: enable it (componenttcb/createstaticstore or the CloudBase console), then retry.'],
    [LOCAL.VERIFICATION_NOT_SERVED]: ['busy', 'Nothing was added at WeChat: the verification file is in place, but its URL did not serve the exact content in time (the CDN is still propagating, or the prefix\'s host does not serve this hosting). Run the same call again in a minute: it picks up from here.', { retryable: true }],
    [LOCAL.SITE_FILES_FAILED]: ['busy', 'Some files were not uploaded or deleted; `files` gives each one\'s reason. Run the same call again: files already in place are not uploaded again.', { retryable: true }],
    [LOCAL.STAGED_FILE_MISMATCH]: ['input', 'The staged file (fileid) does not have the md5 given for it: stage the file again, or give its real MD5 (or none).'],
    [LOCAL.STAGED_FILE_UNREADABLE]: ['busy', 'The staged file (fileid) could not be read from cloud storage; check that it exists in this environment, then run again.', { retryable: true }],
    [LOCAL.PUBLISH_NOT_CONFIRMED]: ['busy', 'WeChat accepted the publish, but qrcodejumpget does not list the rule as published yet; run again (a published rule is not published twice).', { retryable: true }],

    // ---- third-party platform mode and the token store (990500-990599) ----
    [LOCAL.COMPONENT_NOT_CONFIGURED]: ['local', 'Acting for a merchant needs the platform: set WXOPEN_COMPONENT_APPID and WXOPEN_COMPONENT_APPSECRET (and WXOPEN_TOKEN_STORE=cloudbase so that every function shares the ticket and tokens).'],
    [LOCAL.TICKET_UNAVAILABLE]: ['setup', 'No component_verify_ticket is stored: WeChat pushes one every 10 minutes to componentEvents (the authorization event URL). Check that URL in the platform settings, that componentEvents uses the same WXOPEN_TOKEN_STORE, and restart the push with startTicketPush.', { httpStatus: 503 }],
    [LOCAL.AUTHORIZER_UNKNOWN]: ['setup', 'This merchant has no stored authorization: have it authorize the platform (createAuthorizationLinks), or recover lost refresh tokens with listAuthorizers {"recover": true}.'],
    [LOCAL.TOKEN_REFRESH_BUDGET_SPENT]: ['quota', 'This token was fetched more often today than WXOPEN_TOKEN_REFRESH_BUDGET allows, which points at a refresh storm (e.g. another system using the same platform refreshing it). Find the other user; the budget resets at midnight (UTC+8).', { httpStatus: 429 }],
    [LOCAL.TOKEN_STORE_UNAVAILABLE]: ['busy', 'The token store (the environment\'s database) failed; retry. Check WXOPEN_TOKEN_STORE_ENV and that the function may use the database.', { retryable: true, httpStatus: 503 }],
    [LOCAL.TOKEN_REFRESH_BUSY]: ['busy', 'Another instance is fetching this token and had not finished within this call\'s time budget; retry.', { retryable: true, httpStatus: 503 }],
    [LOCAL.PUSH_REFUSED]: ['input', 'The push was refused and nothing was stored: check WXOPEN_COMPONENT_TOKEN, WXOPEN_COMPONENT_AES_KEY and WXOPEN_COMPONENT_APPID against the platform\'s development settings.', { httpStatus: 400 }],

    // ---- gateway, invoke and deploy tooling (990400-990499) ----
    [LOCAL.GATEWAY_UNKNOWN_FUNCTION]: ['input', 'No function by that name: call /<functionName> with one of the folders under functions/.', { httpStatus: 404 }],
    [LOCAL.GATEWAY_NOT_BUILT]: ['local', 'The function is not built: run npm run build (npm start builds first).', { httpStatus: 503 }],
    [LOCAL.GATEWAY_BODY_TOO_LARGE]: ['input', 'The HTTP access service accepts request bodies up to 6 MB; send less.', { httpStatus: 413 }],
    [LOCAL.GATEWAY_FUNCTION_FAILED]: ['local', 'The function threw instead of answering (the platform reports this as a failed invocation); see its log lines.', { httpStatus: 502 }],
    [LOCAL.GATEWAY_FUNCTION_TIMEOUT]: ['busy', 'The function ran past its timeout; raise timeout in cloudbaserc.json (TIMEOUT_SECONDS in scripts/cloudbaserc.ts) or retry.', { retryable: true, httpStatus: 504 }],
  });
}

const UNKNOWN_WECHAT: CodeInfo = {
  category: 'upstream',
  retryable: false,
  refusedUnexecuted: false,
  httpStatus: CATEGORY_STATUS.upstream,
  hint: 'A WeChat error code this table does not know; see WeChat\'s error-code pages and keep the rid.',
};

/** What is known about a code; unknown codes get a neutral entry rather than a crash. */
export function describeCode(errcode: number): CodeInfo {
  const entry = codeTable()[errcode];
  if (entry === undefined) return UNKNOWN_WECHAT;
  const [category, hint, options] = entry;
  return {
    category,
    hint,
    retryable: options?.retryable ?? false,
    refusedUnexecuted: options?.refusedUnexecuted ?? false,
    httpStatus: options?.httpStatus ?? CATEGORY_STATUS[category],
  };
}

/**
 * Hints that depend on the API as well as the code: the same 40097 means "a published rule cannot
 * be edited" from qrcodejumpadd and "code_count broke the rule" from applycode.
 */
const API_HINTS: Readonly<Record<string, Readonly<Record<number, string>>>> = {
  'cgi-bin/wxopen/qrcodejumpadd': {
    40097: 'A published rule cannot be edited (is_edit=1): delete it and add it again; editing also needs the rule to exist.',
  },
  'intp/marketcode/applycode': {
    40097: 'code_count must be 10 000 to 20 000 000 in multiples of 10 000, and an isv_application_id already used with another code_count cannot be reused: keep the isv_application_id for retries of the same application only.',
  },
  'intp/marketcode/codeactive': {
    40097: 'The range overlaps a range already activated with other fields: activate the same range again with the same fields, or a range that does not overlap.',
  },
  'intp/marketcode/applycodedownload': {
    40097: 'code_start/code_end must be exactly one segment of the application\'s code_generate_list, and the application must be FINISH.',
  },
  'tcb/batchdownloadfile': {
    40097: 'Each file needs a cloud:// fileid and a max_age in seconds; at most 50 files per call.',
  },
  'componenttcb/staticuploadfile': {
    40097: 'The filename must be a path inside the site: no "..", no leading "/", no backslash or control characters.',
  },
};

/** The hint for a code as returned by one API (its own hint where the meaning depends on the API). */
export function hintFor(errcode: number, api?: string): string {
  if (errcode === 61007 && api !== undefined) {
    const requirement = permissionRequirementOf(api);
    if (requirement !== undefined) {
      return `The merchant did not grant the permission set ${api} needs (${requirement.capability}: set ${describeSets(requirement.sets)}): have it authorize again with that set ticked.`;
    }
  }
  return (api === undefined ? undefined : API_HINTS[api]?.[errcode]) ?? describeCode(errcode).hint;
}

/** Every code in the table, for documentation and tests. */
export function knownCodes(): number[] {
  return Object.keys(codeTable()).map(Number).sort((a, b) => a - b);
}

/** Codes that mean "this token is no longer good": invalidate it (if still current) and retry once. */
export const TOKEN_ERROR_CODES: ReadonlySet<number> = new Set([40001, 40014, 42001]);
