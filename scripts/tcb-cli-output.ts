/**
 * Reading what the CloudBase CLI (`tcb login`, `tcb fn deploy`) printed: it exits 0 even when a
 * deployment failed, and when it fails it prints Node stack traces and generic sentences ("check
 * whether the key is correct or the terminal network is available"). This file turns its output
 * into what npm run deploy shows: the output without stack traces, whether the step worked, and the
 * real cause when it did not (the network, the keys, their permissions, or the environment id).
 */

export interface CommandResult {
  code: number | null;
  output: string;
}

export interface Outcome {
  ok: boolean;
  reason: string;
}

/** What went wrong, when the output says: the first that matches, in this order. */
export type FailureKind = 'network' | 'credentials' | 'clock' | 'permission' | 'environment';

export interface Failure {
  kind: FailureKind;
  /** What to tell the user: the cause, and what to do about it. */
  explanation: string;
}

const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
const DEPLOY_FAILED = /deployment failed|部署失败|skipped|跳过|No valid identity|无有效身份|No functions deployed|没有函数被部署/i;
const DEPLOYED = /(?:成功部署\s*(\d+)\s*个函数|Successfully deployed\s*(\d+)\s*function)/i;
const LOGIN_FAILED = /Invalid identity|无效的身份信息|失败|fail/i;
const LOGGED_IN = /login succeeded|登录成功/i;

/** The CLI's output as a person should see it: no colour codes, no stack frames, no dumped error objects. */
export function cleanCliOutput(output: string): string {
  const kept: string[] = [];
  let inDump = false;
  for (const line of output.replace(ANSI, '').split(/\r?\n/)) {
    // `unhandledRejection CloudBaseError: ...` opens a util.inspect dump that ends with a lone "}".
    if (/^(?:unhandledRejection|uncaughtException)\b/.test(line)) {
      inDump = true;
      continue;
    }
    if (inDump) {
      if (/^\}\s*$/.test(line)) inDump = false;
      continue;
    }
    if (/^\s+at\s.+(?:\(.*\)|:\d+:\d+)\s*$/.test(line)) continue;
    kept.push(line);
  }
  return kept.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

const NETWORK = /\b(?:getaddrinfo\s+)?(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|ECONNABORTED|CERT_HAS_EXPIRED|UNABLE_TO_VERIFY_LEAF_SIGNATURE)\b(?:\s+([\w.-]+\.[a-z]{2,}))?|socket hang up|Request timeout, please check your network|请求超时/i;
const CLOCK = /AuthFailure\.(?:SignatureExpire|TimestampExpired?)/i;
const CREDENTIALS = /AuthFailure\.(?:SecretIdNotFound|SignatureFailure|InvalidSecretId|InvalidAuthorization|MFAFailure)|SecretId is not found|SecretId不存在|SecretID or SecretKey cannot be empty|Invalid identity information|无效的身份信息/i;
const PERMISSION = /(?:AuthFailure\.)?UnauthorizedOperation|do not have permission to perform this operation|没有权限执行此操作/i;
const ENVIRONMENT = /The environment ID \S+ you specified does not exist|你指定的环境 Id \S+ 不存在|This environment may not belong to the current account|此环境可能不属于当前账号|Unable to read valid environment information|无法读取到有效的环境信息|ResourceNotFound\.(?:Env|Namespace)\b|InvalidParameter\.EnvId|EnvNotExist/i;

/**
 * The cause the CLI's output names, if any. A network failure comes first: nothing was checked then,
 * so the keys and the environment id must not be blamed for it.
 */
export function failureCause(output: string, envId: string): Failure | undefined {
  const text = output.replace(ANSI, '');
  const network = NETWORK.exec(text);
  if (network !== null) {
    const what = network[1] === undefined ? network[0] : network[2] === undefined ? network[1] : `${network[1]} ${network[2]}`;
    const dns = network[1] === 'ENOTFOUND' || network[1] === 'EAI_AGAIN';
    return {
      kind: 'network',
      explanation: `the CLI could not reach Tencent Cloud (${what}${dns ? ': the DNS lookup failed' : ''}). Check this machine's network, DNS and proxy (HTTPS_PROXY); the keys and the environment id were not checked`,
    };
  }
  const clock = CLOCK.exec(text);
  if (clock !== null) return { kind: 'clock', explanation: `Tencent Cloud refused the request's signature as expired (${clock[0]}): this machine's clock is off; set it right and deploy again` };
  const credentials = CREDENTIALS.exec(text);
  if (credentials !== null) return { kind: 'credentials', explanation: `Tencent Cloud refused the keys (${credentials[0]}). Check TENCENTCLOUD_SECRETID / TENCENTCLOUD_SECRETKEY (a pair from the CAM console, not a revoked one)` };
  const permission = PERMISSION.exec(text);
  if (permission !== null) return { kind: 'permission', explanation: `the keys are valid but may not do this (${permission[0]}): give the sub-user CloudBase permissions on ${envId} in the CAM console` };
  const environment = ENVIRONMENT.exec(text);
  if (environment !== null) return { kind: 'environment', explanation: `the environment ${envId} was not found for these keys (${environment[0]}): check ENV_ID (the CloudBase console lists it), that it belongs to this Tencent Cloud account, and its region` };
  return undefined;
}

/** Reads `tcb login` output. */
export function loginOutcome(result: CommandResult, envId = 'ENV_ID'): Outcome {
  const cause = failureCause(result.output, envId);
  if (cause !== undefined) return { ok: false, reason: cause.explanation };
  const text = result.output.replace(ANSI, '');
  if (result.code !== 0) return { ok: false, reason: `tcb login exited with ${String(result.code)} without saying why (its output is above)` };
  if (LOGIN_FAILED.test(text) || !LOGGED_IN.test(text)) return { ok: false, reason: 'tcb login did not confirm the login (its output is above)' };
  return { ok: true, reason: 'logged in' };
}

/** Reads `tcb fn deploy` output (it exits 0 even on failure). */
export function deployOutcome(output: string, expected: number, envId = 'ENV_ID'): Outcome {
  const cause = failureCause(output, envId);
  if (cause !== undefined) return { ok: false, reason: cause.explanation };
  const text = output.replace(ANSI, '');
  const failed = DEPLOY_FAILED.exec(text);
  if (failed !== null) return { ok: false, reason: `the CLI reported "${failed[0]}"` };
  const deployed = DEPLOYED.exec(text);
  if (deployed === null) return { ok: false, reason: 'the CLI did not report a successful deployment' };
  const count = Number(deployed[1] ?? deployed[2]);
  if (count !== expected) return { ok: false, reason: `the CLI deployed ${count} of ${expected} functions` };
  return { ok: true, reason: `${count} functions deployed` };
}
