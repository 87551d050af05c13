import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../scripts/function-catalogue';
import { REQUIRED_VARIABLES } from '../../scripts/deploy';

/** `NAME=` lines (also commented out: `# NAME=value`) and the comment line right above each. */
function listed(): Map<string, string> {
  const lines = readFileSync(join(ROOT, '.env.example'), 'utf8').split('\n');
  const variables = new Map<string, string>();
  lines.forEach((line, index) => {
    const name = /^(?:# )?([A-Z][A-Z0-9_]*)=/.exec(line)?.[1];
    if (name === undefined) return;
    const above = lines[index - 1] ?? '';
    variables.set(name, /^# /.test(above) && !/^# [A-Z][A-Z0-9_]*=/.test(above) ? above : '');
  });
  return variables;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : name.endsWith('.ts') ? [path] : [];
  });
}

describe('.env.example', () => {
  it('names every WXOPEN_ variable shared/config.ts reads, each with a comment', () => {
    const config = readFileSync(join(ROOT, 'shared', 'config.ts'), 'utf8');
    const read = [...new Set([...config.matchAll(/read\(env, '(WXOPEN_[A-Z0-9_]+)'\)/g)].map((match) => match[1] as string))];
    expect(read.length).toBeGreaterThan(10); // the pattern still finds them
    const variables = listed();
    for (const name of read) expect({ name, comment: variables.get(name) }).toEqual({ name, comment: expect.stringMatching(/^# \S/) });
  });

  it('names every other variable the code reads too: WXOPEN_* in shared/ and scripts/, deploy\'s, the ports', () => {
    const everywhere = ['shared', 'scripts'].flatMap((dir) => sourceFiles(join(ROOT, dir))).map((file) => readFileSync(file, 'utf8'));
    const names = new Set(everywhere.flatMap((text) => [...text.matchAll(/\b(WXOPEN_[A-Z0-9_]*[A-Z0-9])\b/g)].map((match) => match[1] as string)));
    for (const [name] of REQUIRED_VARIABLES) names.add(name);
    for (const name of ['GATEWAY_PORT', 'EMULATOR_PORT']) names.add(name);
    const variables = listed();
    const missing = [...names].filter((name) => !variables.has(name)).sort();
    expect(missing).toEqual([]);
    const uncommented = [...variables].filter(([, comment]) => comment === '').map(([name]) => name);
    expect(uncommented).toEqual([]);
  });
});
