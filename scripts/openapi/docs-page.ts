/**
 * The readable API page the gateway serves at /docs: plain HTML rendered from the OpenAPI document
 * (no script, no CDN: it works offline). One section per function with its input fields and their
 * rules, what the function checks beyond the schema, an example and a curl line, the HTTP statuses
 * and their codes; then the push receiver and every error code with its hint.
 */
import type { OpenApiDocument } from './document';

type Node = Record<string, unknown>;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Escaped text with `code` spans for backticks. */
function prose(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

function paragraphs(text: string): string {
  return text
    .split('\n\n')
    .map((paragraph) => `<p>${prose(paragraph)}</p>`)
    .join('\n');
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function resolve(document: Node, node: Node): Node {
  const ref = node['$ref'];
  if (typeof ref !== 'string') return node;
  const name = ref.replace('#/components/schemas/', '');
  const components = isNode(document['components']) ? document['components'] : {};
  const schemas = components['schemas'];
  const target = isNode(schemas) ? schemas[name] : undefined;
  return isNode(target) ? target : node;
}

function typeOf(node: Node): string {
  if (Array.isArray(node['enum'])) return (node['enum'] as unknown[]).map((value) => JSON.stringify(value)).join(' | ');
  if (Array.isArray(node['anyOf'])) return (node['anyOf'] as unknown[]).filter(isNode).map(typeOf).join(' | ');
  if (node['type'] === 'array' && isNode(node['items'])) return `${typeOf(node['items'])}[]`;
  return typeof node['type'] === 'string' ? node['type'] : 'any';
}

const RULES: ReadonlyArray<[key: string, say: (value: unknown) => string]> = [
  ['minLength', (value) => (value === 1 ? 'not empty' : `at least ${String(value)} characters`)],
  ['maxLength', (value) => `at most ${String(value)} characters`],
  ['minimum', (value) => `≥ ${String(value)}`],
  ['maximum', (value) => `≤ ${String(value)}`],
  ['multipleOf', (value) => `a multiple of ${String(value)}`],
  ['minItems', (value) => `at least ${String(value)} items`],
  ['maxItems', (value) => `at most ${String(value)} items`],
  ['pattern', (value) => `matches /${String(value)}/`],
  ['default', (value) => `default ${JSON.stringify(value)}`],
];

function rulesOf(node: Node): string {
  const parts = RULES.filter(([key]) => node[key] !== undefined).map(([key, say]) => escapeHtml(say(node[key])));
  if (typeof node['description'] === 'string') parts.push(prose(node['description']));
  for (const check of Array.isArray(node['x-checks']) ? (node['x-checks'] as unknown[]) : []) parts.push(`<em>checked by the function:</em> ${prose(String(check))}`);
  if (node['x-transformed'] === true) parts.push('<em>converted by the function after its checks</em>');
  return parts.join('<br>');
}

function fieldRows(object: Node, prefix = ''): string[] {
  const properties = isNode(object['properties']) ? object['properties'] : {};
  const required = Array.isArray(object['required']) ? (object['required'] as unknown[]) : [];
  const rows: string[] = [];
  for (const [name, value] of Object.entries(properties)) {
    if (!isNode(value)) continue;
    rows.push(`<tr><td><code>${escapeHtml(prefix + name)}</code></td><td>${escapeHtml(typeOf(value))}</td><td>${required.includes(name) ? 'yes' : ''}</td><td>${rulesOf(value)}</td></tr>`);
    const items = value['items'];
    if (value['type'] === 'array' && isNode(items) && items['type'] === 'object') rows.push(...fieldRows(items, `${prefix}${name}[].`));
  }
  return rows;
}

function inputSection(document: Node, schema: Node): string {
  const root = resolve(document, schema);
  const branches = Array.isArray(root['anyOf']) ? (root['anyOf'] as unknown[]).filter(isNode) : [root];
  const head = '<tr><th>field</th><th>type</th><th>required</th><th>rules</th></tr>';
  const tables = branches.map((branch, index) => {
    const title = branches.length > 1 ? `<h4>Variant ${index + 1}</h4>` : '';
    const checks = Array.isArray(branch['x-checks']) ? `<p><em>Checked by the function across fields:</em> ${(branch['x-checks'] as unknown[]).map((check) => prose(String(check))).join('; ')}</p>` : '';
    const rows = fieldRows(branch);
    return `${title}<table>${head}${rows.length === 0 ? '<tr><td colspan="4">no fields: send <code>{}</code></td></tr>' : rows.join('')}</table>${checks}`;
  });
  const chosen = typeof root['x-chosen-by'] === 'string' ? `<p>${prose(root['x-chosen-by'])}.</p>` : '';
  return chosen + tables.join('');
}

function responsesSection(responses: Node): string {
  const rows = Object.entries(responses).map(([status, response]) => {
    const description = isNode(response) && typeof response['description'] === 'string' ? response['description'] : '';
    return `<tr><td>${escapeHtml(status)}</td><td>${prose(description)}</td></tr>`;
  });
  return `<table><tr><th>HTTP</th><th>answer</th></tr>${rows.join('')}</table>`;
}

function serverUrl(document: Node): string {
  const servers = document['servers'];
  const first = Array.isArray(servers) && isNode(servers[0]) ? servers[0]['url'] : undefined;
  return typeof first === 'string' ? first : 'http://127.0.0.1:8788';
}

function operationSection(document: Node, path: string, operation: Node): string {
  const name = String(operation['operationId'] ?? path.slice(1));
  const body = isNode(operation['requestBody']) ? operation['requestBody'] : {};
  const content = isNode(body['content']) ? body['content'] : {};
  const json = isNode(content['application/json']) ? content['application/json'] : undefined;
  const parts = [`<section id="${escapeHtml(name)}"><h2>${escapeHtml(name)}</h2><p class="path">POST ${escapeHtml(path)}</p>`];
  parts.push(paragraphs(String(operation['description'] ?? '')));
  if (json !== undefined && isNode(json['schema'])) {
    parts.push('<h3>Input</h3>', inputSection(document, json['schema']));
    if (json['example'] !== undefined) {
      const example = JSON.stringify(json['example']);
      parts.push('<h3>Example</h3>', `<pre>${escapeHtml(JSON.stringify(json['example'], null, 2))}</pre>`);
      parts.push(`<pre>${escapeHtml(`curl -sS -X POST ${serverUrl(document)}${path} -H "Authorization: Bearer $WXOPEN_HTTP_KEY" -H 'Content-Type: application/json' -d '${example.replace(/'/g, "'\\''")}'`)}</pre>`);
    }
  } else if (Array.isArray(operation['parameters'])) {
    const rows = (operation['parameters'] as unknown[]).filter(isNode).map((parameter) => `<tr><td><code>${escapeHtml(String(parameter['name']))}</code></td><td>${escapeHtml(String(parameter['in']))}</td><td>${prose(String(parameter['description'] ?? ''))}</td></tr>`);
    parts.push('<h3>Query</h3>', `<table><tr><th>name</th><th>in</th><th>meaning</th></tr>${rows.join('')}</table>`, '<p>Body: WeChat\'s XML envelope (<code>application/xml</code>).</p>');
  }
  if (isNode(operation['responses'])) parts.push('<h3>Answers</h3>', responsesSection(operation['responses']));
  parts.push('</section>');
  return parts.join('\n');
}

function codesSection(document: Node): string {
  const codes = isNode(document['x-error-codes']) ? document['x-error-codes'] : {};
  const rows = Object.entries(codes)
    .filter((entry): entry is [string, Node] => isNode(entry[1]))
    .map(([code, info]) => `<tr id="code-${escapeHtml(code)}"><td>${escapeHtml(code)}</td><td>${escapeHtml(String(info['category']))}</td><td>${escapeHtml(String(info['status']))}</td><td>${info['retryable'] === true ? 'yes' : ''}</td><td>${prose(String(info['hint']))}</td></tr>`);
  return `<section id="codes"><h2>Error codes</h2><table><tr><th>errcode</th><th>category</th><th>HTTP</th><th>retried</th><th>hint</th></tr>${rows.join('')}</table></section>`;
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem 2rem;color:#1b1f24}
h1{margin-bottom:0}h2{border-top:1px solid #d0d7de;padding-top:1rem;margin-top:2rem}
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px}pre{background:#f6f8fa;padding:.6rem;overflow:auto}
table{border-collapse:collapse;width:100%;margin:.5rem 0}td,th{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}.path{font-family:ui-monospace,monospace;color:#0550ae}nav a{margin-right:.6rem}`;

/** The whole page. */
export function renderDocsPage(openapi: OpenApiDocument): string {
  const document: Node = openapi;
  const info = isNode(document['info']) ? document['info'] : {};
  const paths = isNode(document['paths']) ? document['paths'] : {};
  const operations = Object.entries(paths)
    .map(([path, item]) => [path, isNode(item) && isNode(item['post']) ? item['post'] : undefined] as const)
    .filter((entry): entry is readonly [string, Node] => entry[1] !== undefined);
  const tags = [...new Set(operations.map(([, operation]) => String((operation['tags'] as unknown[] | undefined)?.[0] ?? 'Other')))];
  const nav = tags
    .map((tag) => {
      const links = operations.filter(([, operation]) => (operation['tags'] as unknown[] | undefined)?.[0] === tag).map(([path]) => `<a href="#${escapeHtml(path.slice(1))}">${escapeHtml(path.slice(1))}</a>`);
      return `<p><strong>${escapeHtml(tag)}</strong>: ${links.join(' ')}</p>`;
    })
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(String(info['title'] ?? 'API'))} API</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(String(info['title'] ?? 'API'))} <small>${escapeHtml(String(info['version'] ?? ''))}</small></h1>
<p>OpenAPI 3.1 document: <a href="/openapi.json">/openapi.json</a> (import it into Postman, Apifox or any OpenAPI tool). <a href="#codes">Error codes</a>.</p>
${paragraphs(String(info['description'] ?? ''))}
<nav>${nav}</nav>
${operations.map(([path, operation]) => operationSection(document, path, operation)).join('\n')}
${codesSection(document)}
</body></html>
`;
}
