/**
 * WeChat's rules for "scan an ordinary link QR code to open the Mini Program" prefixes
 * (miniprogram/introduction/qrcode, see ../shared/notes/wechat-api.md 1.2). Shared by the input
 * schemas and the emulator, which must agree with each other and with WeChat.
 */

export const MAX_PREFIX_LENGTH = 1024;
export const MAX_DEBUG_URLS = 5;
export const MAX_RULES = 100;
export const SERVICE_ACCOUNT_PREFIX = 'http://weixin.qq.com/q/';

/** The reason a prefix is refused, or undefined when it is acceptable. */
export function prefixProblem(prefix: string): string | undefined {
  if (prefix.length > MAX_PREFIX_LENGTH) return `at most ${MAX_PREFIX_LENGTH} characters`;
  if (/[\s\u0000-\u001f\u007f]/.test(prefix)) return 'must not contain spaces or control characters';
  let url: URL;
  try {
    url = new URL(prefix);
  } catch {
    return 'must be a full URL such as https://example.com/qr/';
  }
  if (!['http:', 'https:', 'ftp:'].includes(url.protocol)) return 'scheme must be http, https or ftp';
  if (url.hostname === '' || !url.hostname.includes('.')) return 'must name a domain (with a dot)';
  if (url.username !== '' || url.password !== '') return 'must not carry a user name or password';
  if (url.hash !== '') return 'must not contain a #fragment';
  // new URL() lower-cases the scheme and host; WeChat compares the link as written.
  if (!prefix.toLowerCase().startsWith(`${url.protocol}//`)) return 'must start with scheme://';
  return undefined;
}

/**
 * Whether `link` falls under the rule `prefix`: the link itself; anything below it when the rule
 * ends with "/"; a plain string prefix when the rule already has a query ("?id=12" covers
 * "?id=123"); otherwise the same path followed by a query. "a/b" never covers "a/bc".
 */
export function linkMatchesPrefix(link: string, prefix: string): boolean {
  if (link === prefix) return true;
  if (!link.startsWith(prefix)) return false;
  if (prefix.endsWith('/') || prefix.includes('?')) return true;
  const next = link.charAt(prefix.length);
  return next === '?';
}

/**
 * Where the verification file from downloadQRCodeText must be served for a prefix: in the last
 * directory the prefix names, or at the host's top level when it names none.
 */
export function verificationFileUrl(prefix: string, fileName: string): string | undefined {
  let url: URL;
  try {
    url = new URL(prefix);
  } catch {
    return undefined;
  }
  const directory = url.pathname.slice(0, url.pathname.lastIndexOf('/') + 1) || '/';
  return `${url.protocol}//${url.host}${directory}${fileName}`;
}
