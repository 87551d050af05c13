import { writeFileSync } from 'node:fs';
import type { Emulator } from '../../scripts/emulator';
import { startGateway, type Gateway } from '../../scripts/gateway';
import { createHttpClient, type HttpClient } from '../../clients/http-client';
import { findChromium, launchChromium, type Browser, type BrowserPage } from '../support/chromium';
import { emulatorFor, HTTP_KEY, MINI_PROGRAM } from '../support/emulator';
import { restoreEnv } from '../support/env';

// The emulator console (/__console) in a real headless Chromium, started here: a rule added
// through the gateway appears on the page, a fault switched on on the page is injected by the
// emulator and switched off again there, and no token value or secret is ever on the page.
// WXOPEN_CONSOLE_SCREENSHOT=docs/emulator-console.png writes the screenshot the README shows.

const chromium = findChromium();
if (chromium === undefined) {
  console.warn('emulator console test skipped: no Chromium on this machine (apt-get install chromium, or set CHROMIUM_PATH)');
}
const describeInBrowser = chromium === undefined ? describe.skip : describe;

const PREFIX = 'https://shop.example.com/qr/console/';

describeInBrowser('the emulator console in a real browser', () => {
  let emulator: Emulator;
  let gateway: Gateway;
  let browser: Browser;
  let page: BrowserPage;
  let wxopen: HttpClient;

  beforeAll(async () => {
    emulator = await emulatorFor();
    gateway = await startGateway({ env: { WXOPEN_API_BASE: emulator.url, WXOPEN_HTTP_KEY: HTTP_KEY, WXOPEN_APPID: MINI_PROGRAM.appid, WXOPEN_APPSECRET: MINI_PROGRAM.secret, WXOPEN_LOG_LEVEL: 'silent' } });
    wxopen = createHttpClient({ baseUrl: gateway.url, key: HTTP_KEY });
    browser = await launchChromium(chromium as string);
    page = await browser.open(`${emulator.url}/__console`, { width: 1200, height: 860 });
  });
  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await emulator?.close();
    restoreEnv();
  });

  it('shows a rule added through the gateway, the calls it made and the token it took, never a token value', async () => {
    await wxopen.call('addJumpQRCode', { prefix: PREFIX, permit_sub_rule: 1, path: 'pages/shop/index', open_version: 3, is_edit: 0, debug_url: [`${PREFIX}1`] });
    await page.waitFor(`document.getElementById('qr-rules').textContent.includes(${JSON.stringify(PREFIX)})`, 'the new rule on the page');
    const rules = await page.evaluate<string>("document.getElementById('qr-rules').innerText");
    expect(rules).toContain('pages/shop/index');
    expect(rules).toContain('unpublished');
    await page.waitFor("document.getElementById('calls').textContent.includes('cgi-bin/wxopen/qrcodejumpadd')", 'the call in the log');
    const tokens = await page.evaluate<string>("document.getElementById('tokens').innerText");
    expect(tokens).toContain('cgi-bin/stable_token');
    expect(tokens).toContain(MINI_PROGRAM.appid);
    const everything = `${await page.evaluate<string>('document.documentElement.outerHTML')}${JSON.stringify(await (await fetch(`${emulator.url}/__emulator/console`)).json())}`;
    expect(emulator.tokens.list().length).toBeGreaterThan(0);
    for (const token of emulator.tokens.list()) expect(everything).not.toContain(token.value);
    expect(everything).not.toContain(MINI_PROGRAM.secret);
  });

  it('switches a fault on from the page (the emulator injects it) and off again (it stops)', async () => {
    await page.waitFor("document.getElementById('fault-path').options.length > 1", 'the API paths in the fault form');
    await page.evaluate(`(() => {
      document.getElementById('fault-path').value = 'cgi-bin/wxopen/qrcodejumpget';
      document.getElementById('fault-type').value = 'errcode';
      document.getElementById('fault-errcode').value = '45009';
      document.getElementById('fault-times').value = '1000';
      document.getElementById('fault-on').click();
    })()`);
    await page.waitFor("document.querySelector('#faults button.fault-off[data-path=\"cgi-bin/wxopen/qrcodejumpget\"]')", 'the fault in the queue on the page');
    expect(emulator.faults.list()).toMatchObject([{ path: 'cgi-bin/wxopen/qrcodejumpget', type: 'errcode', errcode: 45009, times: 1000 }]);
    expect(await wxopen.answer('getJumpQRCode', {})).toMatchObject({ status: 429, answer: { errcode: 45009, category: 'quota' } });
    await page.waitFor("[...document.querySelectorAll('#calls tr')].some((row) => row.textContent.includes('qrcodejumpget') && row.textContent.includes('45009'))", 'the injected answer in the log');
    const screenshot = process.env['WXOPEN_CONSOLE_SCREENSHOT'];
    if (screenshot !== undefined && screenshot !== '') writeFileSync(screenshot, await page.screenshot());

    await page.evaluate("document.querySelector('#faults button.fault-off').click()");
    await page.waitFor("!document.querySelector('#faults button.fault-off')", 'the queue empty on the page');
    expect(emulator.faults.list()).toEqual([]);
    expect(await wxopen.answer('getJumpQRCode', {})).toMatchObject({ status: 200, answer: { errcode: 0 } });
  });
});
