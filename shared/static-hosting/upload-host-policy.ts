import { DEFAULT_API_BASE } from '../config';

/**
 * Where a signed upload URL may send file bytes. The URL comes from the network, so it is checked
 * before anything is sent: https on a COS or CloudBase storage domain —
 *   <bucket>.cos.<region>.myqcloud.com (or cos.<region>.myqcloud.com/<bucket>/…, the form of
 *   tcb/uploadfile's url), <name>.tcloudbaseapp.com, <name>.tcb.qcloud.la —
 * no user name or password, no port other than 443; or, when WXOPEN_API_BASE is set to something
 * other than https://api.weixin.qq.com (the emulator, a test double), exactly that base's origin
 * (scheme, host and port), since its uploads are served there.
 */
const STORAGE_HOSTS: readonly RegExp[] = [
  // <bucket>.cos.<region>.myqcloud.com, and the bucket-less cos.<region>.myqcloud.com of tcb/uploadfile's url
  /^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)?cos\.[a-z0-9-]+\.myqcloud\.com$/,
  /^[a-z0-9]([a-z0-9-]*[a-z0-9])?\.tcloudbaseapp\.com$/,
  /^[a-z0-9]([a-z0-9-]*[a-z0-9])?\.tcb\.qcloud\.la$/,
];

/** Why the URL may not receive the upload (never quoting its query), or undefined when it may. */
export function uploadUrlProblem(signedUrl: string, apiBase: string): string | undefined {
  let url: URL;
  try {
    url = new URL(signedUrl);
  } catch {
    return 'the signed URL is not a URL';
  }
  if (url.username !== '' || url.password !== '') return `the signed URL for ${url.hostname} carries credentials`;
  if (apiBase !== DEFAULT_API_BASE) {
    const base = new URL(apiBase);
    if (url.origin === base.origin) return undefined;
  }
  if (!STORAGE_HOSTS.some((pattern) => pattern.test(url.hostname))) {
    return `host ${url.hostname} is not a COS/CloudBase storage domain (*.cos.<region>.myqcloud.com, *.tcloudbaseapp.com, *.tcb.qcloud.la)`;
  }
  if (url.protocol !== 'https:') return `the signed URL for ${url.hostname} is not https`;
  if (url.port !== '' && url.port !== '443') return `the signed URL for ${url.hostname} uses port ${url.port}`;
  return undefined;
}

/** The URL without query or fragment (where the signature lives): safe to print. */
export function withoutQuery(signedUrl: string): string {
  try {
    const url = new URL(signedUrl);
    return `${url.origin}${url.pathname}`;
  } catch {
    return '(not a URL)';
  }
}
