import { execFile, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../../scripts/function-catalogue';

/**
 * Every shell line in README.md runs as written. The rule for its ```sh blocks:
 * - a block is run, on its own, in a fresh `sh -eu` (as if pasted into a new shell: an undefined
 *   variable fails it), against an `npm start` this test started, and must exit 0 with every
 *   `"errcode"` it prints 0 (a block that calls no function, such as fetching the API document,
 *   prints its HTTP status instead, which must be 200). The README's ports (8788 gateway, 8787 emulator) are replaced by the
 *   free ports that npm start got;
 * - the block marked `<!-- readme-test: npm start -->` (the line right above it) is the one that
 *   starts npm start: this test starts it instead, with the variables that block exports;
 * - a block marked `<!-- readme-test: skip: <why> -->` is not run (it needs a real account, or
 *   installs): it is only checked, like every block, for shell syntax (`sh -n`), for placeholders
 *   such as `<your-env-id>` (which a shell reads as a redirection), and for variables used before
 *   the block sets them.
 */

interface Block {
  code: string;
  marker: string | undefined;
  line: number;
}

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

function shellBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let index = 0; index < lines.length; index++) {
    if (lines[index] !== '```sh') continue;
    const start = index;
    const body: string[] = [];
    for (index++; index < lines.length && lines[index] !== '```'; index++) body.push(lines[index] as string);
    const above = /^<!-- readme-test: (.+?) -->$/.exec(lines[start - 1] ?? '')?.[1];
    blocks.push({ code: body.join('\n'), marker: above, line: start + 1 });
  }
  return blocks;
}

/** Variables a block reads ($NAME, ${NAME}), minus those it sets itself first. */
function unsetVariables(code: string): string[] {
  const setHere = new Set([...code.matchAll(/(?:^|[\s;&|(])(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=/g)].map((match) => match[1] as string));
  for (const match of code.matchAll(/\bexport\s+((?:[A-Za-z_][A-Za-z0-9_]*=\S*\s*)+)/g)) {
    for (const assignment of (match[1] as string).split(/\s+/)) setHere.add(assignment.split('=')[0] as string);
  }
  const used = [...code.replace(/'[^']*'/g, "''").matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1] as string);
  return [...new Set(used.filter((name) => !setHere.has(name)))];
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('WXOPEN_') && !key.startsWith('WX_') && !key.startsWith('npm_') && key !== 'GATEWAY_PORT' && key !== 'EMULATOR_PORT') env[key] = value;
  }
  return env;
}

/** The `export NAME=value` assignments of a block (literal values only). */
function exportsOf(code: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const match of code.matchAll(/^export\s+(.+)$/gm)) {
    for (const assignment of (match[1] as string).split(/\s+/)) {
      const [name, value] = assignment.split('=') as [string, string | undefined];
      if (value !== undefined && /^[\w.:/@,+-]*$/.test(value)) vars[name] = value;
    }
  }
  return vars;
}

const blocks = shellBlocks(README);

describe('README.md', () => {
  it('opens with what the project is for, states the Node version, and links only to files that exist', () => {
    const intro = README.slice(0, README.indexOf('## Two commands'));
    for (const words of ['QR-code jump rules', 'verification file', '一物一码', 'service providers']) expect(intro).toContain(words);
    const engines = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    expect(engines).toBe('>=18.15');
    expect(intro).toContain('Node.js 18.15 or later');
    expect(README.indexOf('## Two commands')).toBeLessThan(README.indexOf('## Contents'));
    const links = [...README.matchAll(/\]\(((?!https?:|#)[^)]+)\)/g)].map((match) => match[1] as string);
    expect(links.length).toBeGreaterThan(8);
    expect(links.filter((link) => !existsSync(join(ROOT, link.split('#')[0] as string)))).toEqual([]);
  });

  it('has shell blocks that are valid shell, without placeholders or variables used before they are set', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    for (const block of blocks) {
      const where = `README.md line ${block.line}`;
      expect({ where, marker: block.marker ?? 'run' }).toEqual({ where, marker: expect.stringMatching(/^(run|npm start|skip: \S.*)$/) });
      const syntax = spawnSync('sh', ['-n'], { input: block.code, encoding: 'utf8' });
      expect({ where, syntax: syntax.status, stderr: syntax.stderr }).toEqual({ where, syntax: 0, stderr: '' });
      expect({ where, placeholders: block.code.match(/<[A-Za-z][\w -]*>/g) ?? [] }).toEqual({ where, placeholders: [] });
      expect({ where, unset: unsetVariables(block.code) }).toEqual({ where, unset: [] });
    }
    expect(blocks.filter((block) => block.marker === 'npm start')).toHaveLength(1);
  });

  it('runs every block that is not skipped against npm start, as written', async () => {
    const starter = blocks.find((block) => block.marker === 'npm start') as Block;
    const runnable = blocks.filter((block) => block.marker === undefined);
    expect(runnable.length).toBeGreaterThanOrEqual(3);
    const scratch = mkdtempSync(join(tmpdir(), 'wxopen-readme-'));
    const env = cleanEnv();
    // jq is what the README pipes into; a machine without it gets a stand-in for `jq .`
    if (spawnSync('sh', ['-c', 'command -v jq']).status !== 0) {
      const shim = join(scratch, 'jq');
      writeFileSync(shim, `#!${process.execPath}\nlet t='';process.stdin.on('data',(c)=>t+=c).on('end',()=>console.log(JSON.stringify(JSON.parse(t),null,2)));\n`);
      chmodSync(shim, 0o755);
      env['PATH'] = `${dirname(shim)}:${env['PATH'] ?? ''}`;
    }
    const start = spawn(process.execPath, ['--require', 'tsx/cjs', join(ROOT, 'scripts', 'start.ts'), '--port', '0', '--emulator-port', '0', '--skip-build'], {
      cwd: ROOT,
      env: { ...env, ...exportsOf(starter.code) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    start.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    start.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => start.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 25000;
      while (!/^Ctrl-C stops\.$/m.test(output)) {
        if (Date.now() > deadline || start.exitCode !== null) throw new Error(`npm start did not get ready:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const portOf = (name: string): string => new RegExp(`^ {2}${name} +http://127\\.0\\.0\\.1:(\\d+)`, 'm').exec(output)?.[1] ?? '';
      const [gateway, emulator] = [portOf('gateway'), portOf('emulator')];
      expect([gateway, emulator]).toEqual([expect.stringMatching(/^\d+$/), expect.stringMatching(/^\d+$/)]);
      for (const block of runnable) {
        const code = block.code.replace(/127\.0\.0\.1:8788\b/g, `127.0.0.1:${gateway}`).replace(/127\.0\.0\.1:8787\b/g, `127.0.0.1:${emulator}`);
        const where = `README.md line ${block.line}`;
        const run = await promisify(execFile)('sh', ['-euc', code], { cwd: ROOT, env, timeout: 20000 }).then(
          ({ stdout }) => ({ status: 0, stdout }),
          (error: { code?: number; stdout?: string; stderr?: string }) => ({ status: error.code ?? 1, stdout: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
        );
        expect({ where, status: run.status, output: run.status === 0 ? '' : run.stdout }).toEqual({ where, status: 0, output: '' });
        const errcodes = [...run.stdout.matchAll(/"errcode":\s*(-?\d+)/g)].map((match) => Number(match[1]));
        // A block that calls no function (the API document) prints its HTTP status instead: 200.
        const answered = errcodes.length > 0 ? errcodes.every((code) => code === 0) : /^200\b/m.test(run.stdout);
        expect({ where, errcodes: answered }).toEqual({ where, errcodes: true });
      }
    } finally {
      start.kill('SIGINT');
      await exited;
      rmSync(scratch, { recursive: true, force: true });
    }
  }, 60000);
});
