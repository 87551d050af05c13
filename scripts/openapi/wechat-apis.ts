/**
 * Which WeChat APIs each function calls, and which of WeChat's codes each API family is documented
 * to answer (the groups of shared/error-codes.ts). The first table is declared, not derived: the
 * OpenAPI test checks it against the calls the emulator sees for the sampled inputs. A function
 * may answer any other code WeChat sends: it passes through unchanged, and the document says so.
 */

const QR = 'cgi-bin/wxopen';
const MC = 'intp/marketcode';
const CT = 'componenttcb';
const CO = 'cgi-bin/component';

/** The WeChat API paths (under api.weixin.qq.com) each callable function calls, in call order. */
export const FUNCTION_APIS: Readonly<Record<string, readonly string[]>> = {
  downloadQRCodeText: [`${QR}/qrcodejumpdownload`],
  addJumpQRCode: [`${QR}/qrcodejumpadd`],
  getJumpQRCode: [`${QR}/qrcodejumpget`],
  deleteJumpQRCode: [`${QR}/qrcodejumpdelete`],
  publishJumpQRCode: [`${QR}/qrcodejumppublish`],
  setupQRCodeJump: [`${CT}/describestaticstore`, `${QR}/qrcodejumpdownload`, `${CT}/staticuploadfile`, `${QR}/qrcodejumpget`, `${QR}/qrcodejumpadd`, `${QR}/qrcodejumppublish`],
  getDownloadTcbFileLink: ['tcb/batchdownloadfile'],
  getUploadStaticStoreFile: [`${CT}/staticuploadfile`],
  uploadStaticFile: [`${CT}/staticuploadfile`, `${CT}/describestaticstore`],
  listStaticFiles: [`${CT}/staticfilelist`],
  getStaticHostingDomain: [`${CT}/describestaticstore`],
  applyCode: [`${MC}/applycode`],
  applyCodeQuery: [`${MC}/applycodequery`],
  applyCodeDownload: [`${MC}/applycodequery`, `${MC}/applycodedownload`],
  codeActive: [`${MC}/codeactive`],
  codeActiveQuery: [`${MC}/codeactivequery`],
  ticketToCode: [`${MC}/tickettocode`],
  exportCodePackage: [`${MC}/applycodequery`, `${MC}/applycodedownload`, 'tcb/uploadfile', 'tcb/batchdownloadfile'],
  deployStaticSite: [
    `${CT}/describestaticstore`,
    `${QR}/qrcodejumpdownload`,
    `${CT}/staticfilelist`,
    'tcb/batchdownloadfile',
    `${CT}/staticuploadfile`,
    `${CT}/staticdeletefile`,
    `${QR}/qrcodejumpget`,
    `${QR}/qrcodejumpadd`,
    `${QR}/qrcodejumppublish`,
  ],
  createAuthorizationLinks: [`${CO}/api_create_preauthcode`],
  completeAuthorization: [`${CO}/api_query_auth`],
  listAuthorizers: [`${CO}/api_get_authorizer_list`],
  getAuthorizerInfo: [`${CO}/api_get_authorizer_info`],
  startTicketPush: [`${CO}/api_start_push_ticket`],
};

/** Besides WeChat's APIs: the storage requests some functions make to the URL WeChat signed. */
export const STORAGE_REQUESTS: Readonly<Record<string, string>> = {
  setupQRCodeJump: 'PUT of the verification file to the signed static-hosting URL',
  uploadStaticFile: 'PUT of the file to the signed static-hosting URL',
  exportCodePackage: 'COS POST of each decrypted package to the URL tcb/uploadfile answered',
  deployStaticSite: 'GET of each staged cloud-storage file, and a PUT of each changed file to its signed static-hosting URL',
};

/** How each kind of token is fetched (what a token-taking call may need first). */
export const TOKEN_APIS = {
  /** the account's own access token (WXOPEN_APPID + WXOPEN_APPSECRET) */
  own: 'cgi-bin/stable_token',
  /** the third-party platform's token (componenttcb/* and the platform's own APIs) */
  component: `${CO}/api_component_token`,
  /** a merchant's token, when the input names authorizer_appid */
  authorizer: `${CO}/api_authorizer_token`,
} as const;

/** Codes any token-taking WeChat API may answer. */
export const EVERY_API_CODES: readonly number[] = [-1, -1000, 40001, 40014, 41001, 42001, 45009, 45011, 47001, 48001, 48004];

/** Codes by API family (path prefix), as shared/error-codes.ts groups them. */
export const FAMILY_CODES: ReadonlyArray<{ prefix: string; codes: readonly number[] }> = [
  { prefix: `${QR}/qrcodejump`, codes: [40097, 44990, 85066, 85067, 85068, 85069, 85070, 85071, 85072, 85073, 85074, 85075, 85076, 85095, 886000, 886001] },
  { prefix: `${MC}/`, codes: [40097, 40101] },
  { prefix: 'tcb/', codes: [85088, -501000, -501001, -501002, -501003, -501004, -501007, -503003, -604101] },
  { prefix: `${CT}/`, codes: [40097, 85088, -501000, -501001, -501002, -501007] },
  { prefix: `${CO}/`, codes: [61003, 61004, 61009, 61010, 61011, 61024] },
];

/** Codes of the token fetches: the account's own, and (third-party mode) the platform's and the merchant's. */
export const TOKEN_CODES = {
  own: [40013, 40125, 40164, 40243, 89501, 89503, 89506, 89507],
  component: [40125, 61004, 61005, 61006, 61011],
  authorizer: [61003, 61007, 61023],
} as const;

/** The codes WeChat documents for one API path. */
export function familyCodes(api: string): number[] {
  return FAMILY_CODES.filter((family) => api.startsWith(family.prefix)).flatMap((family) => family.codes);
}
