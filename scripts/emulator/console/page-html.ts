/**
 * The console page (GET /__console): one HTML document with its style and script inline (the
 * emulator serves no other asset, and the machine may be offline). The sections are filled by
 * page-script.ts from GET /__emulator/console.
 */
import { CONSOLE_SCRIPT } from './page-script';

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1b1f24; background: #f6f8fa; }
header { background: #07c160; color: #fff; padding: .6rem 1.2rem; display: flex; gap: 1rem; align-items: baseline; flex-wrap: wrap; }
header h1 { font-size: 1.15rem; margin: 0; }
main { display: grid; grid-template-columns: repeat(auto-fit, minmax(34rem, 1fr)); gap: .8rem; padding: .8rem; }
section { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: .4rem .8rem .8rem; overflow: auto; }
section.wide { grid-column: 1 / -1; }
h2 { font-size: 1rem; margin: .4rem 0; } h3 { font-size: .9rem; margin: .6rem 0 .2rem; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
th, td { border-bottom: 1px solid #eaeef2; padding: .2rem .4rem; text-align: left; vertical-align: top; }
th { color: #57606a; font-weight: 600; }
td { font-family: ui-monospace, Menlo, Consolas, monospace; white-space: nowrap; }
td.wrap { white-space: normal; overflow-wrap: anywhere; min-width: 14rem; }
.empty { color: #57606a; margin: .2rem 0; }
form { display: flex; gap: .4rem; flex-wrap: wrap; align-items: end; margin: .4rem 0; }
label { display: flex; flex-direction: column; font-size: 12px; color: #57606a; }
input, select, button { font: inherit; padding: .2rem .4rem; }
button { cursor: pointer; }
.good { color: #1a7f37; } .bad { color: #cf222e; }
`;

export const CONSOLE_HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>WeChat emulator console</title><style>${STYLE}</style></head>
<body>
<header><h1>WeChat emulator console</h1><span id="status">loading…</span><label style="color:#fff;flex-direction:row;gap:.3rem"><input type="checkbox" id="pause"> pause updates</label></header>
<main>
<section><h2>Accounts</h2><div id="accounts"></div></section>
<section><h2>Third-party platforms</h2><div id="platforms"></div></section>
<section class="wide"><h2>QR-code jump rules</h2><div id="qr-rules"></div></section>
<section class="wide"><h2>Fault injection</h2>
<form id="fault-form">
<label>API path<select id="fault-path"><option value="*">* (every API)</option></select></label>
<label>fault<select id="fault-type">
<option value="errcode">errcode: answer this code</option><option value="invalidate_token">invalidate_token: revoke the call's token</option>
<option value="delay">delay: answer late</option><option value="drop">drop: close the connection</option>
<option value="drop_after">drop_after: do it, then drop the answer</option><option value="http_error">http_error: HTML 502 page</option>
</select></label>
<label>errcode<input id="fault-errcode" type="number" value="-1" style="width:7rem"></label>
<label>delay ms<input id="fault-delay" type="number" value="3000" style="width:6rem"></label>
<label>for calls<input id="fault-times" type="number" value="1000" min="1" style="width:6rem"></label>
<button id="fault-on" type="submit">switch on</button>
<button id="faults-all-off" type="button">switch all off</button>
<span id="fault-note"></span>
</form>
<div id="faults"></div></section>
<section><h2>Static hosting files</h2><div id="hosting"></div></section>
<section><h2>Cloud storage files</h2><div id="storage"></div></section>
<section><h2>Market-code applications</h2><div id="market-codes"></div></section>
<section><h2>Tokens issued</h2><div id="tokens"></div></section>
<section class="wide"><h2>Requests (newest first; token values are never recorded)</h2><div id="calls"></div></section>
</main>
<script>${CONSOLE_SCRIPT}</script>
</body>
</html>
`;
