/**
 * The console page's browser script, as text: polls GET /__emulator/console once a second and
 * renders each section with DOM nodes (text only, never HTML from the data); the fault form
 * queues a fault (POST /__emulator/faults) and each queued fault's button switches it off
 * (POST /__emulator/faults-off). Plain ES2017, no library, no template literals (this is one).
 */
export const CONSOLE_SCRIPT = String.raw`
'use strict';
var POLL_MS = 1000;
var paused = false;

function el(tag, attrs) {
  var node = document.createElement(tag);
  Object.keys(attrs || {}).forEach(function (key) {
    if (key === 'text') node.textContent = attrs[key];
    else if (key === 'class') node.className = attrs[key];
    else if (key.indexOf('on') === 0) node.addEventListener(key.slice(2), attrs[key]);
    else node.setAttribute(key, attrs[key]);
  });
  for (var i = 2; i < arguments.length; i++) if (arguments[i] != null) node.appendChild(arguments[i]);
  return node;
}

function text(value) {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function table(columns, rows, empty) {
  if (rows.length === 0) return el('p', { class: 'empty', text: empty || 'nothing yet' });
  var head = el('tr');
  columns.forEach(function (column) { head.appendChild(el('th', { text: column.label })); });
  var body = el('tbody');
  rows.forEach(function (row) {
    var tr = el('tr');
    columns.forEach(function (column) {
      var cell = column.cell ? column.cell(row) : null;
      tr.appendChild(cell || el('td', { text: text(row[column.key]), class: column.wrap ? 'wrap' : '' }));
    });
    body.appendChild(tr);
  });
  return el('table', {}, el('thead', {}, head), body);
}

function fill(id, node) {
  var target = document.getElementById(id);
  target.textContent = '';
  target.appendChild(node);
}

function post(path, body) {
  return fetch('/__emulator/' + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    .then(function (response) { return response.json().then(function (json) { return { ok: response.ok, json: json }; }); });
}

function say(message, bad) {
  var note = document.getElementById('fault-note');
  note.textContent = message;
  note.className = bad ? 'bad' : 'good';
}

function renderRules(snapshot) {
  var rows = [];
  snapshot.qr_rules.forEach(function (account) {
    account.rules.forEach(function (rule) {
      rows.push({ account: account.appid, prefix: rule.prefix, path: rule.path, opens: rule.appid || '', state: rule.state === 2 ? 'published' : 'unpublished', debug_url: rule.debug_url || [] });
    });
  });
  fill('qr-rules', table([
    { key: 'account', label: 'account' }, { key: 'prefix', label: 'prefix' }, { key: 'path', label: 'page' },
    { key: 'opens', label: 'opens (service-account rules)' }, { key: 'state', label: 'state' }, { key: 'debug_url', label: 'test links', wrap: true },
  ], rows, 'no rules'));
}

function renderFiles(id, envs, columns) {
  var rows = [];
  envs.forEach(function (env) { env.files.forEach(function (file) { rows.push(Object.assign({ env: env.env }, file)); }); });
  fill(id, table([{ key: 'env', label: 'env' }].concat(columns), rows, 'no files'));
}

function renderFaults(snapshot) {
  fill('faults', table([
    { key: 'path', label: 'path' }, { key: 'type', label: 'type' }, { key: 'errcode', label: 'errcode' },
    { key: 'times', label: 'calls left' }, { key: 'after', label: 'let through first' },
    { label: '', cell: function (fault) {
      return el('td', {}, el('button', { class: 'fault-off', 'data-path': fault.path, 'data-type': fault.type, text: 'switch off', onclick: function () {
        post('faults-off', { path: fault.path, type: fault.type }).then(function (reply) { say(reply.ok ? 'switched off: ' + fault.type + ' on ' + fault.path : reply.json.error, !reply.ok); refresh(); });
      } }));
    } },
  ], snapshot.faults, 'no fault queued: every call is answered normally'));
  var select = document.getElementById('fault-path');
  if (select.options.length !== snapshot.routes.length + 1) {
    select.textContent = '';
    select.appendChild(el('option', { value: '*', text: '* (every API)' }));
    snapshot.routes.forEach(function (route) { select.appendChild(el('option', { value: route, text: route })); });
  }
}

function render(snapshot) {
  fill('accounts', table([
    { key: 'appid', label: 'appid' }, { key: 'type', label: 'type' }, { key: 'released', label: 'released' },
    { key: 'envs', label: 'CloudBase envs' }, { key: 'linked_mini_programs', label: 'linked Mini Programs' }, { key: 'market_codes', label: 'market codes' },
  ], snapshot.accounts));
  var merchants = [];
  snapshot.platforms.forEach(function (platform) {
    platform.authorizations.forEach(function (authorization) { merchants.push(Object.assign({ platform: platform.component_appid }, authorization)); });
  });
  fill('platforms', el('div', {},
    table([
      { key: 'component_appid', label: 'platform' }, { key: 'name', label: 'name' }, { key: 'push_url', label: 'push URL' },
      { key: 'tickets_pushed', label: 'tickets pushed' }, { key: 'last_ticket_at', label: 'last ticket' },
    ], snapshot.platforms),
    el('h3', { text: 'Merchants (authorizations)' }),
    table([{ key: 'platform', label: 'platform' }, { key: 'authorizer_appid', label: 'merchant' }, { key: 'permission_sets', label: 'permission sets' }, { key: 'auth_time', label: 'authorized' }], merchants, 'no merchant has authorized a platform')));
  renderRules(snapshot);
  renderFiles('hosting', snapshot.hosting, [{ key: 'path', label: 'path' }, { key: 'size', label: 'bytes' }, { key: 'content_type', label: 'type' }, { key: 'last_modified', label: 'modified' }]);
  renderFiles('storage', snapshot.storage, [{ key: 'path', label: 'path' }, { key: 'size', label: 'bytes' }, { key: 'content_type', label: 'type' }, { key: 'uploaded_at', label: 'uploaded' }]);
  fill('market-codes', table([
    { key: 'application_id', label: 'application_id' }, { key: 'appid', label: 'account' }, { key: 'isv_application_id', label: 'isv_application_id' },
    { key: 'code_count', label: 'codes' }, { key: 'status', label: 'status' }, { key: 'segments', label: 'segments' }, { key: 'activated_ranges', label: 'activated ranges' },
  ], snapshot.market_codes, 'no application'));
  fill('tokens', el('div', {},
    table([
      { key: 'holder', label: 'holder' }, { key: 'kind', label: 'kind' }, { key: 'platform', label: 'platform' },
      { key: 'issued', label: 'issued' }, { key: 'valid', label: 'still valid' }, { key: 'last_issued_at', label: 'last issued' },
    ], snapshot.tokens.issued, 'no token issued'),
    table([{ key: 'path', label: 'token endpoint' }, { key: 'count', label: 'calls' }], snapshot.tokens.fetches, 'no token fetched')));
  renderFaults(snapshot);
  var calls = snapshot.calls.recent.slice().reverse();
  fill('calls', table([
    { key: 'index', label: '#' }, { key: 'at', label: 'at' }, { key: 'method', label: 'method' }, { key: 'path', label: 'path' },
    { key: 'token_param', label: 'token' }, { key: 'errcode', label: 'errcode' }, { key: 'fault', label: 'fault' }, { key: 'body', label: 'body (redacted)', wrap: true },
  ], calls, 'no call yet'));
  document.getElementById('status').textContent = 'emulator clock ' + snapshot.now + ' · ' + snapshot.calls.total + ' calls · updated ' + new Date().toLocaleTimeString();
}

function refresh() {
  return fetch('/__emulator/console', { cache: 'no-store' })
    .then(function (response) { return response.json(); })
    .then(render)
    .catch(function (error) { document.getElementById('status').textContent = 'emulator unreachable: ' + error.message; });
}

document.getElementById('fault-form').addEventListener('submit', function (event) {
  event.preventDefault();
  var type = document.getElementById('fault-type').value;
  var body = { path: document.getElementById('fault-path').value, type: type, times: Number(document.getElementById('fault-times').value) };
  if (type === 'errcode') body.errcode = Number(document.getElementById('fault-errcode').value);
  if (type === 'delay') body.delay_ms = Number(document.getElementById('fault-delay').value);
  post('faults', body).then(function (reply) {
    say(reply.ok ? 'switched on: ' + type + ' on ' + body.path : reply.json.error, !reply.ok);
    refresh();
  });
});
document.getElementById('faults-all-off').addEventListener('click', function () {
  post('faults-off', {}).then(function () { say('every fault switched off', false); refresh(); });
});
document.getElementById('pause').addEventListener('change', function (event) { paused = event.target.checked; });

refresh();
setInterval(function () { if (!paused) refresh(); }, POLL_MS);
`;
