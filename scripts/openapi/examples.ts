/**
 * One example input per function for the document (what an OpenAPI tool pre-fills): each is valid
 * for its schema and names the demo accounts `npm start` serves (the Mini Program's environment
 * demo-env-1a2b3c, the service account's brand-env-4d5e6f, the first market-code application
 * 581865877). The OpenAPI test checks every one against the document and the function.
 */
const SITE = 'https://demo-env-1a2b3c-1300000001.tcloudbaseapp.com/qr/';
const APPLICATION = 581865877;

export const EXAMPLE_INPUTS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  downloadQRCodeText: { prefix: SITE },
  addJumpQRCode: { prefix: SITE, permit_sub_rule: 1, path: 'pages/index/index', open_version: 3, is_edit: 0 },
  getJumpQRCode: {},
  deleteJumpQRCode: { prefix: SITE },
  publishJumpQRCode: { prefix: SITE },
  setupQRCodeJump: { env: 'demo-env-1a2b3c', prefix: SITE, permit_sub_rule: 1, path: 'pages/index/index', open_version: 3, publish: false },
  getDownloadTcbFileLink: { env: 'demo-env-1a2b3c', file_list: [{ fileid: 'cloud://demo-env-1a2b3c.7465-demo-env-1a2b3c-1300000001/images/logo.png', max_age: 3600 }] },
  getUploadStaticStoreFile: { env: 'demo-env-1a2b3c', filename: 'index.html' },
  uploadStaticFile: { env: 'demo-env-1a2b3c', filename: 'hello.txt', content: 'Hello from wxopen-functions' },
  listStaticFiles: { env: 'demo-env-1a2b3c', prefix: 'qr/' },
  getStaticHostingDomain: { env: 'demo-env-1a2b3c' },
  applyCode: { code_count: 10000, isv_application_id: 'order-2024-0001' },
  applyCodeQuery: { isv_application_id: 'order-2024-0001' },
  applyCodeDownload: { application_id: APPLICATION, code_start: 0, code_end: 9999, output: 'lines' },
  codeActive: {
    application_id: APPLICATION,
    activity_name: 'Spring promotion',
    product_brand: 'Demo brand',
    product_title: 'Demo tea',
    product_code: '6901234567892',
    wxa_appid: 'wx1111111111111111',
    wxa_path: 'pages/index/index',
    code_start: 0,
    code_end: 9999,
  },
  codeActiveQuery: { application_id: APPLICATION, code_index: 0 },
  ticketToCode: { openid: 'o-demo-user-openid', code_ticket: 'the-code_ticket-the-scan-gave' },
  exportCodePackage: { application_id: APPLICATION, env: 'brand-env-4d5e6f' },
  deployStaticSite: {
    env: 'demo-env-1a2b3c',
    files: [{ filename: 'index.html', content: '<!doctype html><title>Demo shop</title><h1>Demo shop</h1>' }],
    qrcode_rule: { prefix: SITE, permit_sub_rule: 1, path: 'pages/index/index', open_version: 3 },
  },
  createAuthorizationLinks: { redirect_uri: 'https://platform.example.com/authorized' },
  completeAuthorization: { auth_code: 'queryauthcode@@@the-code-of-the-redirect' },
  listAuthorizers: { count: 100 },
  getAuthorizerInfo: { authorizer_appid: 'wx5555555555555555' },
  startTicketPush: {},
};
