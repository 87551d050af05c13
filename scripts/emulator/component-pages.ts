import type { ServerResponse } from 'node:http';
import { PERMISSION_REQUIREMENTS } from '../../shared/component/permission-sets';
import type { Account } from './accounts';
import { completeAuthorization, httpUrl, redirectWithCode } from './component-authorize';
import type { PlatformPusher } from './component-push';
import { AuthorizationRefused, DEFAULT_PERMISSION_SETS, type Platform, type PlatformRegistry } from './platforms';
import type { Emulator } from './server';

/** Where WeChat serves the authorization page: PC (QR code) and the two H5 addresses. */
export const AUTHORIZATION_PAGE_PATHS: readonly string[] = ['/cgi-bin/componentloginpage', '/safe/bindcomponent', '/wxaopen/safe/bindcomponent'];
/** Where the page's form is submitted (an emulator path; WeChat's own is internal). */
export const AUTHORIZE_FORM_PATH = '/__authorize';

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function sendHtml(response: ServerResponse, status: number, html: string): true {
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html), 'cache-control': 'no-store' });
  response.end(html);
  return true;
}

function page(title: string, body: string): string {
  return `<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>\n<body>\n${body}\n</body></html>\n`;
}

function errorPage(response: ServerResponse, message: string): true {
  return sendHtml(response, 400, page('授权失败 Authorization failed', `<h1>授权失败 Authorization failed</h1>\n<p>${escapeHtml(message)}</p>`));
}

class PageRefused extends Error {}

const TYPE_LABELS: Record<Account['type'], string> = { miniprogram: 'Mini Program', 'personal-miniprogram': 'Mini Program (personal)', service: 'Service account' };

/** What a permission set lets the platform do, from the shared requirement table. */
function setLabel(id: number): string {
  const uses = PERMISSION_REQUIREMENTS.filter((requirement) => requirement.sets.includes(id)).map((requirement) => requirement.capability);
  return uses.length === 0 ? `permission set ${id}` : `permission set ${id}: ${uses.join(', ')}`;
}

interface PageRequest {
  platform: Platform;
  preAuthCode: string;
  redirectUri: string;
  authType: string;
  bizAppId: string;
  accounts: Account[];
}

/**
 * Reads what WeChat's page takes (component_appid, pre_auth_code, redirect_uri, auth_type 1 =
 * service accounts, 2 = Mini Programs, 3 = both (the default), biz_appid = one account, which wins
 * over auth_type) and the accounts the merchant may pick. Throws PageRefused when it is unusable.
 */
function readPageRequest(emulator: Emulator, registry: PlatformRegistry, fields: URLSearchParams): PageRequest {
  const platform = registry.get(fields.get('component_appid') ?? '');
  if (platform === undefined) throw new PageRefused('component_appid is not a registered third-party platform');
  const preAuthCode = fields.get('pre_auth_code') ?? '';
  const problem = registry.preAuthCodeProblem(platform, preAuthCode);
  if (problem !== undefined) throw new PageRefused(problem);
  const redirectUri = httpUrl(fields.get('redirect_uri'));
  if (redirectUri === undefined) throw new PageRefused('redirect_uri must be an absolute http(s) URL');
  const authType = fields.get('auth_type') || '3';
  if (!['1', '2', '3'].includes(authType)) throw new PageRefused('auth_type must be 1, 2 or 3');
  const bizAppId = fields.get('biz_appid') ?? '';
  let accounts = [...emulator.accounts.values()];
  if (bizAppId !== '') {
    accounts = accounts.filter((account) => account.appid === bizAppId);
    if (accounts.length === 0) throw new PageRefused('biz_appid is not an account of this emulator');
  } else if (authType !== '3') {
    accounts = accounts.filter((account) => (account.type === 'service') === (authType === '1'));
  }
  return { platform, preAuthCode, redirectUri, authType, bizAppId, accounts };
}

function authorizationPage(request: PageRequest): string {
  const { platform } = request;
  const hidden = (name: string, value: string) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
  const accounts = request.accounts
    .map((account, index) => `<label><input type="radio" name="authorizer_appid" value="${escapeHtml(account.appid)}"${index === 0 ? ' checked' : ''}> ${escapeHtml(account.appid)} (${TYPE_LABELS[account.type]})</label><br>`)
    .join('\n');
  const sets = DEFAULT_PERMISSION_SETS.map((id) => `<label><input type="checkbox" name="permission_set" value="${id}" checked> ${escapeHtml(setLabel(id))}</label><br>`).join('\n');
  const form =
    request.accounts.length === 0
      ? '<p>No account of this emulator can be authorized with these parameters.</p>'
      : `<form method="post" action="${AUTHORIZE_FORM_PATH}">
${hidden('component_appid', platform.componentAppId)}${hidden('pre_auth_code', request.preAuthCode)}${hidden('redirect_uri', request.redirectUri)}${hidden('auth_type', request.authType)}${hidden('biz_appid', request.bizAppId)}
<fieldset><legend>选择授权的账号 Account</legend>
${accounts}
</fieldset>
<fieldset><legend>授权权限集 Permission sets</legend>
${sets}
</fieldset>
<button type="submit">授权 Authorize</button>
</form>`;
  return page(
    `授权给 ${platform.name}`,
    `<h1>授权给第三方平台 ${escapeHtml(platform.name)}</h1>
<p>The third-party platform <strong>${escapeHtml(platform.name)}</strong> (${escapeHtml(platform.componentAppId)}) asks to manage your account on your behalf.</p>
${form}`,
  );
}

/**
 * The authorization page (GET /cgi-bin/componentloginpage, /safe/bindcomponent and
 * /wxaopen/safe/bindcomponent with action=bindcomponent): HTML naming the platform, the accounts
 * to pick and the permission sets (3, 18, 46, 49, 64 ticked). Its form POSTs to /__authorize, which
 * completes the authorization (see completeAuthorization) and answers 302 to
 * redirect_uri?auth_code=…&expires_in=600. A bad platform, pre_auth_code (unknown, used,
 * expired), redirect_uri or choice: an HTML error page with status 400.
 */
export function installAuthorizationPages(emulator: Emulator, registry: PlatformRegistry, pusher: PlatformPusher): void {
  emulator.raw(async (request, response, url, body) => {
    const isPage = AUTHORIZATION_PAGE_PATHS.includes(url.pathname);
    if (!isPage && url.pathname !== AUTHORIZE_FORM_PATH) return false;
    try {
      if (isPage) {
        if (request.method !== 'GET' && request.method !== 'HEAD') return sendHtml(response, 405, page('Method not allowed', '<p>GET this page.</p>'));
        if (url.pathname !== '/cgi-bin/componentloginpage' && url.searchParams.get('action') !== 'bindcomponent') throw new PageRefused('action must be bindcomponent');
        return sendHtml(response, 200, authorizationPage(readPageRequest(emulator, registry, url.searchParams)));
      }
      if (request.method !== 'POST') return sendHtml(response, 405, page('Method not allowed', '<p>Submit the authorization form.</p>'));
      const form = new URLSearchParams(body.toString('utf8'));
      const chosen = readPageRequest(emulator, registry, form);
      const authorizerAppId = form.get('authorizer_appid') ?? '';
      if (!chosen.accounts.some((account) => account.appid === authorizerAppId)) throw new PageRefused('pick one of the accounts offered');
      const permissionSets = form.getAll('permission_set').map(Number);
      if (permissionSets.length === 0) throw new PageRefused('grant at least one permission set');
      if (permissionSets.some((id) => !DEFAULT_PERMISSION_SETS.includes(id))) throw new PageRefused('unknown permission set');
      const done = await completeAuthorization(registry, pusher, chosen.platform, { preAuthCode: chosen.preAuthCode, authorizerAppId, permissionSets });
      const location = redirectWithCode(chosen.redirectUri, done.authorizationCode);
      response.writeHead(302, { location, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      response.end(`<a href="${escapeHtml(location)}">Continue</a>`);
      return true;
    } catch (error) {
      if (error instanceof PageRefused || error instanceof AuthorizationRefused) return errorPage(response, error.message);
      throw error;
    }
  });
}
