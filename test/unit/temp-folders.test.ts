import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from '../../scripts/function-catalogue';

/** Every source file under these folders (dist/ and node_modules/ are not ours). */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sources(path);
    return /\.(?:ts|cjs|js)$/.test(name) ? [path] : [];
  });
}

describe('temporary folders', () => {
  it('are removed by whoever makes them: each file that calls mkdtemp also removes recursively', () => {
    const makers = ['scripts', 'shared', 'test'].flatMap((dir) => sources(join(ROOT, dir))).filter((file) => file !== __filename && /\bmkdtemp(?:Sync)?\(/.test(readFileSync(file, 'utf8')));
    expect(makers.length).toBeGreaterThan(3); // the scan sees them (bench, build, deploy, tests)
    const leaving = makers.filter((file) => {
      const text = readFileSync(file, 'utf8');
      const made = (text.match(/\bmkdtemp(?:Sync)?\(/g) ?? []).length;
      const removed = (text.match(/\brm(?:Sync)?\([^)]*recursive: true/g) ?? []).length;
      return removed < made;
    });
    expect(leaving.map((file) => relative(ROOT, file))).toEqual([]);
  });
});
