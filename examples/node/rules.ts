/**
 * The typed Node helper at work: lists the Mini Program's QR-code jump rules over HTTP (the TCB
 * HTTP access service, or `npm start`'s gateway), and adds an ordinary-link rule when a prefix is
 * given. The inputs are checked against the functions' schemas when this file is type-checked
 * (`npm test` does); an error answer arrives as a FunctionCallError with its code, hint and status.
 *
 *   WXOPEN_URL=http://127.0.0.1:8788 WXOPEN_HTTP_KEY=<key> npx tsx examples/node/rules.ts [prefix [page]]
 */
import { FunctionCallError } from '../../clients/call-error';
import { createHttpClient, type HttpClient } from '../../clients/http-client';

/** Adds the rule (when a prefix is given), then answers the rules as lines of text. */
export async function listAndAdd(wxopen: HttpClient, prefix?: string, path = 'pages/index/index'): Promise<string[]> {
  if (prefix !== undefined) await wxopen.call('addJumpQRCode', { prefix, permit_sub_rule: 1, path, open_version: 3, is_edit: 0 });
  const { rule_list: rules, qrcodejump_pub_quota: quota } = await wxopen.call('getJumpQRCode', {});
  return [...rules.map((rule) => `${rule.prefix} -> ${rule.path} (${rule.state === 2 ? 'published' : 'not published'})`), `publishes left this month: ${quota}`];
}

async function main(): Promise<void> {
  const wxopen = createHttpClient({ baseUrl: process.env['WXOPEN_URL'] ?? 'http://127.0.0.1:8788', key: process.env['WXOPEN_HTTP_KEY'] ?? '' });
  try {
    for (const line of await listAndAdd(wxopen, process.argv[2], process.argv[3])) console.log(line);
  } catch (error) {
    if (!(error instanceof FunctionCallError)) throw error;
    console.error(`${error.functionName} answered ${error.errcode} (HTTP ${String(error.status)}): ${error.answer.errmsg}\n${error.hint}`);
    process.exit(1);
  }
}

if (require.main === module) void main();
