/**
 * The published package, as a user gets it: `npm pack` packs it (building it first unless the
 * checkout's build is fresh), the tarball is
 * unpacked into a new project's node_modules, and the program of docs/api.md is type-checked
 * against the installed declarations, compiled and run with plain Node.
 *
 * Shortcut, on purpose: the tarball's own dependencies are linked from this checkout's
 * node_modules instead of installed from the registry (better-sqlite3 would build from source for
 * minutes); what is checked is the tarball itself: its file list, `exports`, `types` and build.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshBundle } from '../../bin/bundle.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const work = mkdtempSync(path.join(tmpdir(), 'linkbook-pack-'));
const project = path.join(work, 'project');
const installed = path.join(project, 'node_modules', 'linkbook');
let packedFiles: string[] = [];
const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** Runs a command without blocking the test worker; resolves to its exit code and output. */
async function run(
  file: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(file, args, {
      ...options,
      encoding: 'utf8',
      timeout: 540_000,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/** The TypeScript program of docs/api.md, so the documentation is what is tested. */
function apiExample(): string {
  const doc = readFileSync(path.join(ROOT, 'docs', 'api.md'), 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(doc);
  if (!block?.[1]) throw new Error('docs/api.md has no ```ts program');
  return block[1];
}

/** Top-level folders of the checkout that are not the package's sources (built, installed or local). */
const NOT_SOURCES = new Set(['node_modules', '.git', 'dist', 'out', '.linkbook', 'tmp', 'coverage']);

beforeAll(async () => {
  // `npm pack` runs the package's `prepare` (the build), which empties and rewrites dist/. Other
  // test files run the CLI from the checkout's dist/ at the same time, so the pack is made from a
  // copy of the sources, with the checkout's node_modules linked in: the tarball is the same.
  const source = path.join(work, 'source');
  cpSync(ROOT, source, {
    recursive: true,
    filter: (file) => {
      const relative = path.relative(ROOT, file);
      return !NOT_SOURCES.has(relative.split(path.sep)[0]!) && !relative.split(path.sep).includes('node_modules');
    },
  });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(source, 'node_modules'));
  // A checkout whose build is fresh (bin/bundle.js freshBundle: newer than every source; CI's
  // `npm install` has just run `prepare`) gives its dist/ to the copy, packed without running
  // `prepare` again: the same files, ~15-20 s less of the suite. A stale or missing build is made
  // by `npm pack` itself, as a user's would be.
  const prebuilt = freshBundle(ROOT) !== null && existsSync(path.join(ROOT, 'dist', 'types', 'index.d.ts'));
  if (prebuilt) cpSync(path.join(ROOT, 'dist'), path.join(source, 'dist'), { recursive: true });
  const packArgs = ['pack', '--json', '--pack-destination', work, ...(prebuilt ? ['--ignore-scripts'] : [])];
  const { stdout: out } = await promisify(execFile)('npm', packArgs, {
    cwd: source,
    encoding: 'utf8',
    timeout: 240_000,
    maxBuffer: 64 << 20,
  });
  const [packed] = JSON.parse(out.slice(out.indexOf('['))) as Array<{
    filename: string;
    files: Array<{ path: string }>;
  }>;
  packedFiles = packed!.files.map((f) => f.path);
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', [
    '-xzf',
    path.join(work, path.basename(packed!.filename)),
    '-C',
    installed,
    '--strip-components=1',
  ]);
  const manifest = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  // the tarball's dependencies (and @types/node for the consumer), linked from this checkout
  for (const name of [...Object.keys(manifest.dependencies), '@types/node']) {
    const link = path.join(project, 'node_modules', name);
    mkdirSync(path.dirname(link), { recursive: true });
    symlinkSync(path.join(ROOT, 'node_modules', name), link, 'dir');
  }
  writeFileSync(
    path.join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  // a consumer's own strict settings; nothing of linkbook's tsconfig
  writeFileSync(
    path.join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        outDir: 'build',
        types: ['node'],
      },
      include: ['example.ts', 'wrong.ts'],
    }),
  );
  writeFileSync(path.join(project, 'example.ts'), apiExample());
  // a consumer's mistake beside it, so one compiler run shows both that the docs' program checks
  // and that a type error against the declarations is caught (one run: ~13 s of a slow suite saved)
  writeFileSync(
    path.join(project, 'wrong.ts'),
    "import { runReports } from 'linkbook';\nawait runReports({ files: 'reports/weekly.yaml' }, { logger: console });\n",
  );
}, 600_000);

let checking: Promise<{ code: number; output: string }> | undefined;
/** The consumer's project through tsc, once: example.ts and wrong.ts, emitting despite errors. */
function checkedProject(): Promise<{ code: number; output: string }> {
  return (checking ??= run(process.execPath, [tsc, '-p', project], { cwd: project }));
}

/** The files tsc's diagnostics name (`file(line,col): error TS...`), and any line that is not one. */
function diagnostics(output: string): { files: string[]; other: string[] } {
  const files: string[] = [];
  const other: string[] = [];
  for (const line of output.split('\n')) {
    if (line.trim() === '') continue;
    const named = /^(\S+?)\(\d+,\d+\): error TS\d+/.exec(line);
    if (named) files.push(named[1]!);
    // a diagnostic's continuation lines are indented
    else if (!/^\s/.test(line)) other.push(line);
  }
  return { files, other };
}

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packed package', () => {
  it('ships the built library, its declarations, the CLI, templates and schema, and no tests', () => {
    for (const file of [
      'dist/index.mjs',
      'dist/types/index.d.ts',
      'dist/linkbook.mjs',
      'bin/linkbook.js',
      'schema/report.schema.json',
      'reports/weekly.yaml',
    ]) {
      expect(packedFiles).toContain(file);
    }
    expect(packedFiles.some((f) => f.startsWith('templates/weekly/'))).toBe(true);
    expect(packedFiles.filter((f) => f.startsWith('test/'))).toEqual([]);
    // declarations name .js files, which resolve without allowImportingTsExtensions
    const declarations = readFileSync(path.join(installed, 'dist/types/index.d.ts'), 'utf8');
    expect(declarations).not.toMatch(/from '\.[^']*\.ts'/);
  });

  it('type-checks the docs/api.md program against the installed declarations', async () => {
    const checked = await checkedProject();
    const { files, other } = diagnostics(checked.output);
    // every diagnostic is the planted mistake's: none in the docs' program, no config error
    expect(other).toEqual([]);
    expect(new Set(files)).toEqual(new Set(['wrong.ts']));
    expect(existsSync(path.join(project, 'build', 'example.js'))).toBe(true);
  }, 600_000);

  it('a type error against the declarations is caught (the check above can fail)', async () => {
    const checked = await checkedProject();
    expect(checked.code).not.toBe(0);
    expect(checked.output).toMatch(/wrong\.ts\(2,\d+\): error TS2322/);
  }, 600_000);

  it('runs the program with plain Node: a report from the sandbox, HTML and data.json written', async () => {
    const outDir = path.join(work, 'out');
    const ran = await run(
      process.execPath,
      [path.join(project, 'build', 'example.js'), path.join(installed, 'reports', 'weekly.yaml'), outDir],
      {
        cwd: project,
        // no credentials: the embedded emulator serves the data; a store of the test's own
        env: { PATH: process.env.PATH, HOME: work, LINKBOOK_STORE: path.join(work, 'store.db') },
      },
    );
    expect(ran.code).toBe(0);
    const stdout = ran.output;
    expect(stdout).toMatch(/sample data from the emulator/);
    expect(stdout).toMatch(/\nok\n/);
    expect(readdirSync(outDir).sort()).toEqual(expect.arrayContaining(['data.json', 'report.html']));
    const data = JSON.parse(readFileSync(path.join(outDir, 'data.json'), 'utf8')) as { target?: string };
    expect(JSON.stringify(data)).toContain('example.com');
    expect(readFileSync(path.join(outDir, 'report.html'), 'utf8')).toMatch(/Sample data/);
  }, 600_000);
});
