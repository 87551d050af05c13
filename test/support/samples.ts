/**
 * One valid input per callable function (as the demo accounts' variables allow), for suites that
 * need every function to get past validation and talk to the emulator.
 */
const PREFIX = 'https://shop.example.com/qr/';
const ENV = 'demo-env-1a2b3c';
const BRAND_ENV = 'brand-env-4d5e6f';
const APPLICATION = '1234567890';

export const VALID_SAMPLES: Readonly<Record<string, Record<string, unknown>>> = {
  addJumpQRCode: { prefix: PREFIX, permit_sub_rule: 1, path: 'pages/index/index', open_version: 3, is_edit: 0 },
  applyCode: { code_count: 10000, isv_application_id: 'sample-1' },
  applyCodeDownload: { application_id: APPLICATION, code_start: 0, code_end: 9999 },
  applyCodeQuery: { application_id: APPLICATION },
  codeActive: { application_id: APPLICATION, activity_name: 'a', product_brand: 'b', product_title: 'c', product_code: '6900000000000', wxa_appid: 'wx1111111111111111', wxa_path: 'pages/index/index', code_start: 0, code_end: 9 },
  codeActiveQuery: { application_id: APPLICATION, code_index: 0 },
  completeAuthorization: { auth_code: 'queryauthcode@@@sample' },
  createAuthorizationLinks: { redirect_uri: 'https://provider.example.com/done' },
  deleteJumpQRCode: { prefix: PREFIX },
  deployStaticSite: { env: ENV, files: [{ filename: 'index.html', content: '<h1>hi</h1>' }] },
  downloadQRCodeText: { prefix: PREFIX },
  exportCodePackage: { application_id: APPLICATION, env: BRAND_ENV },
  getAuthorizerInfo: { authorizer_appid: 'wx1111111111111111' },
  getDownloadTcbFileLink: { env: ENV, file_list: [{ fileid: `cloud://${ENV}.7465-${ENV}-1300000001/a.txt`, max_age: 60 }] },
  getJumpQRCode: {},
  getStaticHostingDomain: { env: ENV },
  getUploadStaticStoreFile: { env: ENV, filename: 'index.html' },
  listAuthorizers: {},
  listStaticFiles: { env: ENV },
  publishJumpQRCode: { prefix: PREFIX },
  setupQRCodeJump: { env: ENV, prefix: 'https://demo-env-1a2b3c-1300000001.tcloudbaseapp.com/qr/', permit_sub_rule: 1, path: 'pages/index/index', open_version: 3 },
  startTicketPush: {},
  ticketToCode: { openid: 'o-user-1', code_ticket: 'ticket-1' },
  uploadStaticFile: { env: ENV, filename: 'index.html', content: '<h1>hi</h1>' },
};

/** The sample of a function; a new function without one fails here, by name. */
export function sampleOf(name: string): Record<string, unknown> {
  const sample = VALID_SAMPLES[name];
  if (sample === undefined) throw new Error(`test/support/samples.ts has no valid input for ${name}: add one`);
  return sample;
}
