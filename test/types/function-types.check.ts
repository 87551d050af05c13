/**
 * Compile-time checks of the typed clients (no test runs this file: `npm run typecheck` compiles
 * it). Each `@ts-expect-error` line is a call a schema refuses: if a schema change made the types
 * accept it (or the types went loose), the directive itself becomes an error and the type check
 * fails; if a schema change makes the valid calls wrong, those lines fail.
 */
import { createHttpClient } from '../../clients/http-client';
import type { Answer, Input } from '../../clients/function-types';

const wxopen = createHttpClient({ baseUrl: 'http://127.0.0.1:8788', key: 'k' });

export async function validCalls(): Promise<string[]> {
  const listed = await wxopen.call('getJumpQRCode', {});
  const first: number | undefined = listed.rule_list[0]?.state;
  const added = await wxopen.call('addJumpQRCode', { prefix: 'https://shop.example.com/qr/', permit_sub_rule: 1, path: 'pages/index/index', open_version: 3, is_edit: 0 });
  const service = await wxopen.call('addJumpQRCode', { prefix: 'http://weixin.qq.com/q/0a', appid: 'wx1111111111111111', path: 'pages/a/a', is_edit: 1 });
  const merchant = await wxopen.call('getJumpQRCode', { authorizer_appid: 'wx5555555555555555' });
  const applied = await wxopen.call('applyCode', { code_count: 10000, isv_application_id: 'order-1' });
  const byString = await wxopen.call('applyCodeQuery', { application_id: '18014398509481985' });
  const steps = (await wxopen.call('setupQRCodeJump', { env: 'demo-env-1a2b3c', prefix: 'https://a.example.com/qr/', permit_sub_rule: 1, path: 'pages/a/a', open_version: 3 })).steps;
  return [added.prefix, service.prefix, String(merchant.list_size), applied.application_id, byString.status, String(first), String(steps.length)];
}

export async function refusedCalls(): Promise<void> {
  // @ts-expect-error open_version is 1, 2 or 3
  await wxopen.call('addJumpQRCode', { prefix: 'https://shop.example.com/qr/', permit_sub_rule: 1, path: 'pages/index/index', open_version: 4, is_edit: 0 });
  // @ts-expect-error is_edit is required
  await wxopen.call('addJumpQRCode', { prefix: 'https://shop.example.com/qr/', permit_sub_rule: 1, path: 'pages/index/index', open_version: 3 });
  // @ts-expect-error a field no schema has (the functions refuse unknown fields too)
  await wxopen.call('getJumpQRCode', { debug_urls: [] });
  // @ts-expect-error page_size is a number
  await wxopen.call('getJumpQRCode', { page_size: '10' });
  // @ts-expect-error the platform's own functions take no authorizer_appid
  await wxopen.call('startTicketPush', { authorizer_appid: 'wx5555555555555555' });
  // @ts-expect-error no function has that name
  await wxopen.call('getJumpQRCodes', {});
  const answer = await wxopen.call('deleteJumpQRCode', { prefix: 'https://shop.example.com/qr/' });
  // @ts-expect-error the answer of deleteJumpQRCode has no rule_list
  void answer.rule_list;
}

// The types are the schemas' and the functions' own: a few spot checks of their shape.
type Is<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const exact: [Is<Input<'publishJumpQRCode'>['prefix'], string>, Is<Answer<'publishJumpQRCode'>['errcode'], 0>] = [true, true];
