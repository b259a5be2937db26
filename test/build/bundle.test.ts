import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshBundle } from '../../bin/bundle.js';
import { buildBundle, type BuildResult } from '../../scripts/build.ts';
import { startEmulator } from '../../src/emulator/index.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** A package root with src/a.ts, src/deep/b.ts and dist/linkbook.mjs, every file dated `seconds` since the epoch. */
function fakePackage(seconds: number): string {
  const root = mkdtempSync(path.join(tmpdir(), 'lb-bundle-'));
  mkdirSync(path.join(root, 'src', 'deep'), { recursive: true });
  mkdirSync(path.join(root, 'dist'));
  for (const file of ['src/a.ts', 'src/deep/b.ts', 'dist/linkbook.mjs']) writeFileSync(path.join(root, file), '// x\n');
  for (const file of ['src/a.ts', 'src/deep/b.ts', 'src/deep', 'src', 'dist/linkbook.mjs'])
    utimesSync(path.join(root, file), seconds, seconds);
  return root;
}

function touch(file: string, seconds: number): void {
  utimesSync(file, seconds, seconds);
}

describe('choosing the bundle or the sources', () => {
  it('runs the bundle when it is newer than every source file and folder', () => {
    const root = fakePackage(1000);
    touch(path.join(root, 'dist/linkbook.mjs'), 2000);
    expect(freshBundle(root, {})).toBe(path.join(root, 'dist', 'linkbook.mjs'));
  });

  it('falls back to the sources when one file under src/ is newer than the bundle', () => {
    const root = fakePackage(1000);
    touch(path.join(root, 'dist/linkbook.mjs'), 2000);
    touch(path.join(root, 'src/deep/b.ts'), 3000);
    expect(freshBundle(root, {})).toBeNull();
  });

  it('falls back to the sources when a file was deleted after the build (its folder is newer)', () => {
    const root = fakePackage(1000);
    touch(path.join(root, 'dist/linkbook.mjs'), 2000);
    rmSync(path.join(root, 'src/deep/b.ts'));
    expect(freshBundle(root, {})).toBeNull();
  });

  it('falls back to the sources when a file has exactly the build time, since it may have been saved during the build', () => {
    const root = fakePackage(1000);
    touch(path.join(root, 'dist/linkbook.mjs'), 2000);
    touch(path.join(root, 'src/a.ts'), 2000);
    expect(freshBundle(root, {})).toBeNull();
  });

  it('falls back to the sources without a bundle, or when LINKBOOK_NO_BUNDLE is set', () => {
    const root = fakePackage(1000);
    touch(path.join(root, 'dist/linkbook.mjs'), 2000);
    expect(freshBundle(root, { LINKBOOK_NO_BUNDLE: '1' })).toBeNull();
    rmSync(path.join(root, 'dist/linkbook.mjs'));
    expect(freshBundle(root, {})).toBeNull();
  });
});

describe('the built bundle', () => {
  let built: BuildResult;
  let outdir: string;
  const work = mkdtempSync(path.join(tmpdir(), 'lb-bundle-run-'));

  beforeAll(async () => {
    // inside the package, so the bundle's bare imports resolve from node_modules as dist/ does
    mkdirSync(path.join(ROOT, 'tmp'), { recursive: true });
    outdir = mkdtempSync(path.join(ROOT, 'tmp', 'bundle-test-'));
    built = await buildBundle(outdir);
  });
  afterAll(() => {
    rmSync(outdir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  /** The outputs `output` loads by static imports (itself included), following the bundle's metafile. */
  function staticOutputs(output: string): Set<string> {
    const outputs = built.metafile.outputs;
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file) || !outputs[file]) return;
      seen.add(file);
      for (const imported of outputs[file]!.imports)
        if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
    };
    visit(output);
    return seen;
  }

  /** The source files of what `output` loads by static imports. */
  function staticInputs(output: string): string[] {
    return [...staticOutputs(output)].flatMap((file) => Object.keys(built.metafile.outputs[file]!.inputs));
  }

  /**
   * What a run of the weekly report by the built bundle loaded: a fresh process with a preload
   * that lists, at exit, the CommonJS files it required (Handlebars is CommonJS) and, through a
   * module hook, every ES module it loaded (the bundle's chunks). A store of its own per run.
   */
  async function loadedBy(
    run: string,
    env: Record<string, string | undefined>,
    asOf: string[] = ['--as-of', '2026-11-16'],
  ): Promise<string[]> {
    const hooks = path.join(work, 'list-hooks.mjs');
    writeFileSync(
      hooks,
      [
        "import { appendFileSync } from 'node:fs';",
        'export async function load(url, context, next) {',
        "  appendFileSync(process.env.LIST_LOADED, url + '\\n');",
        '  return next(url, context);',
        '}',
      ].join('\n'),
    );
    const preload = path.join(work, 'list-loaded.mjs');
    writeFileSync(
      preload,
      [
        "import { createRequire, register } from 'node:module';",
        "import { appendFileSync } from 'node:fs';",
        `register(${JSON.stringify(pathToFileURL(hooks).href)});`,
        'const cache = createRequire(import.meta.url).cache;',
        "process.on('exit', () => appendFileSync(process.env.LIST_LOADED, Object.keys(cache).join('\\n') + '\\n'));",
      ].join('\n'),
    );
    // the command as bin/linkbook.js starts it, from this build of the bundle
    const start = path.join(work, 'start.mjs');
    writeFileSync(
      start,
      'const { main } = await import(process.argv[2]);\nprocess.exitCode = await main(process.argv.slice(3));\n',
    );
    const list = path.join(work, `${run}.txt`);
    // spawned, not spawnSync: the API a run fetches from may be served by this process
    const child = spawn(
      process.execPath,
      [
        '--import',
        pathToFileURL(preload).href,
        start,
        pathToFileURL(built.entry).href,
        'run',
        path.join(ROOT, 'reports', 'weekly.yaml'),
        '--format',
        'html',
        '--out',
        path.join(work, run),
        ...asOf,
      ],
      { env: { LINKBOOK_STORE: path.join(work, `${run}.db`), ...env, LIST_LOADED: list }, timeout: 60_000 },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, stderr).toBe(0);
    return readFileSync(list, 'utf8').split('\n');
  }

  it("prints with puppeteer's connect-only build: neither its launcher nor the browser downloader is loaded", () => {
    const outputs = built.metafile.outputs;
    // the output that src/pdf/puppeteer.ts imports puppeteer from, and what it loads statically
    const entry = Object.keys(outputs).find((file) =>
      Object.keys(outputs[file]!.inputs).some((input) =>
        input.endsWith('puppeteer-core/lib/esm/puppeteer/puppeteer-core-browser.js'),
      ),
    );
    expect(entry).toBeDefined();
    const inputs = staticInputs(entry!);
    expect(inputs.some((i) => i.includes('puppeteer-core/lib/esm/puppeteer/cdp/Page.js'))).toBe(true);
    expect(inputs.filter((i) => /node_modules\/(@puppeteer\/browsers|ws|semver|proxy-agent)\//.test(i))).toEqual([]);
    expect(inputs.filter((i) => /puppeteer-core\/lib\/esm\/puppeteer\/node\//.test(i))).toEqual([]);
  });

  it('is stamped with the time its build started, not when it finished', () => {
    expect(Math.abs(statSync(built.entry).mtimeMs - built.startedAt.getTime())).toBeLessThan(1);
  });

  it("keeps Chromium, vega, nodemailer and zod's unused locales out of what starts with every command", () => {
    // the outputs loaded by static imports from the entry, and what they are made of
    const outputs = built.metafile.outputs;
    const key = (file: string) => path.relative(ROOT, file).split(path.sep).join('/');
    const seen = staticOutputs(key(built.entry));
    const inputs = staticInputs(key(built.entry));
    const externals = [...seen].flatMap((o) =>
      outputs[o]!.imports.filter((i) => i.external && i.kind === 'import-statement').map((i) => i.path),
    );
    expect(inputs.filter((i) => /node_modules\/(vega|d3-)/.test(i))).toEqual([]);
    expect(externals.filter((p) => /puppeteer|nodemailer|resvg|juice|handlebars|better-sqlite3/.test(p))).toEqual([]);
    // what every command needs is there: the definition loader and its schema
    expect(inputs.some((i) => i.endsWith('src/definition/load.ts'))).toBe(true);
    expect(inputs.some((i) => /node_modules\/zod\//.test(i))).toBe(true);
    // of zod, what the schemas use: its messages in English only, not the ~40 other locales nor
    // its JSON Schema reader (`import { z }` took all of them: 570 KB of a 790 KB chunk)
    expect(inputs.filter((i) => /node_modules\/zod\/v4\/locales\/(?!en\.js)[^/]+\.js$/.test(i))).toEqual([]);
    expect(inputs.filter((i) => /node_modules\/zod\/.*from-json-schema/.test(i))).toEqual([]);
  });

  it("renders a warm run without the compilers or vega: Handlebars', Vega-Lite and vega are loaded only while the user cache fills", async () => {
    // one user cache; a store each, so both runs fetch and their reports say the same
    const env = { PATH: process.env.PATH, LINKBOOK_CACHE_DIR: path.join(work, 'warm-cache') };
    const loaded = (run: string): Promise<string[]> => loadedBy(run, env);
    const handlebarsCompiler = (file: string) =>
      file.includes(`${path.sep}handlebars${path.sep}`) && file.includes(`${path.sep}compiler${path.sep}`);
    const handlebarsRuntime = (file: string) => file.endsWith(`${path.sep}handlebars${path.sep}runtime.js`);
    // the chunks built from Vega-Lite's sources (and nothing of vega's own)
    const vegaLiteChunks = Object.entries(built.metafile.outputs)
      .filter(([, output]) => Object.keys(output.inputs).some((input) => input.includes('node_modules/vega-lite/')))
      .map(([file]) => pathToFileURL(path.join(ROOT, file)).href);
    expect(vegaLiteChunks.length).toBeGreaterThan(0);
    // the chunks holding vega's renderer (vega-scenegraph): what draws a chart that is not stored
    const vegaChunks = Object.entries(built.metafile.outputs)
      .filter(([, output]) =>
        Object.keys(output.inputs).some((input) => input.includes('node_modules/vega-scenegraph/')),
      )
      .map(([file]) => pathToFileURL(path.join(ROOT, file)).href);
    expect(vegaChunks.length).toBeGreaterThan(0);
    // the first run compiles the report's templates and charts into the cache: both compilers are there
    const cold = await loaded('cold');
    expect(cold.filter(handlebarsCompiler).length).toBeGreaterThan(5);
    expect(vegaLiteChunks.every((chunk) => cold.includes(chunk))).toBe(true);
    expect(vegaChunks.every((chunk) => cold.includes(chunk))).toBe(true);
    // the second revives them: Handlebars' runtime only, no Vega-Lite, no vega (every chart's SVG
    // is stored), and the same report
    const warm = await loaded('warm');
    expect(warm.some(handlebarsRuntime)).toBe(true);
    expect(warm.filter(handlebarsCompiler)).toEqual([]);
    expect(warm.filter((file) => vegaLiteChunks.includes(file))).toEqual([]);
    expect(warm.filter((file) => vegaChunks.includes(file))).toEqual([]);
    const report = (run: string) =>
      readFileSync(path.join(work, run, 'report.html'), 'utf8').replace(/Generated [^<]*? UTC/g, 'Generated (time)');
    expect(report('warm')).toBe(report('cold'));
  });

  it('runs against a real API without loading the emulator: it is imported for sandbox requests only', async () => {
    const emulator = await startEmulator({ port: 0 });
    try {
      const env = {
        PATH: process.env.PATH,
        LINKBOOK_CACHE_DIR: path.join(work, 'api-cache'),
        AHREFS_V2_TOKEN: 'test-token',
        AHREFS_V2_URL: emulator.origin,
      };
      const emulatorChunks = Object.entries(built.metafile.outputs)
        .filter(([, output]) => Object.keys(output.inputs).includes('src/emulator/server.ts'))
        .map(([file]) => pathToFileURL(path.join(ROOT, file)).href);
      expect(emulatorChunks.length).toBeGreaterThan(0);
      const before = emulator.stats().requests['ahrefs-v2'];
      // today's data: a live API serves no other date
      const loaded = await loadedBy('api', env, []);
      // the report was fetched from the API named (here, an emulator in this process), not the sandbox
      expect(emulator.stats().requests['ahrefs-v2']).toBeGreaterThan(before);
      expect(loaded.filter((file) => emulatorChunks.includes(file))).toEqual([]);
      expect(readFileSync(path.join(work, 'api', 'report.html'), 'utf8')).not.toContain('Sample data');
    } finally {
      await emulator.close();
    }
  });

  it('reruns a sample report from the data cache without starting the emulator', async () => {
    // one store for both runs: the second finds every response in its cache
    const env = {
      PATH: process.env.PATH,
      LINKBOOK_CACHE_DIR: path.join(work, 'sample-cache'),
      LINKBOOK_STORE: path.join(work, 'sample.db'),
    };
    const emulatorChunks = Object.entries(built.metafile.outputs)
      .filter(([, output]) => Object.keys(output.inputs).includes('src/emulator/server.ts'))
      .map(([file]) => pathToFileURL(path.join(ROOT, file)).href);
    expect(emulatorChunks.length).toBeGreaterThan(0);
    const first = await loadedBy('sample-first', env);
    expect(emulatorChunks.every((chunk) => first.includes(chunk))).toBe(true);
    const again = await loadedBy('sample-again', env);
    expect(again.filter((file) => emulatorChunks.includes(file))).toEqual([]);
    // the same sample figures, the second from the cache (its cost and request count say so)
    const report = (run: string) => readFileSync(path.join(work, run, 'report.html'), 'utf8');
    const figures = (run: string) => [...report(run).matchAll(/The API reports [\d,]+ referring domains/g)].map(String);
    expect(figures('sample-first').length).toBeGreaterThan(0);
    expect(figures('sample-again')).toEqual(figures('sample-first'));
    expect(report('sample-first')).toContain('<dd>1 (0 from cache)</dd>');
    expect(report('sample-again')).toContain('<dd>0 (1 from cache)</dd>');
  });

  it('validates and renders a report, finding templates/ from its own folder', async () => {
    const { main } = (await import(pathToFileURL(built.entry).href)) as {
      main: (argv: string[], io: object) => Promise<number>;
    };
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let errors = '';
    stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    const env = { LINKBOOK_STORE: path.join(work, 'store.db'), PATH: process.env.PATH };
    const weekly = path.join(ROOT, 'reports', 'weekly.yaml');
    expect(await main(['validate', weekly], { stdout, stderr, env }), errors).toBe(0);
    const out = path.join(work, 'out');
    expect(
      await main(
        [
          'run',
          weekly,
          '--format',
          'html',
          '--out',
          out,
          '--as-of',
          '2026-11-16',
          '--param',
          'target=bundle-test.example.com',
        ],
        { stdout, stderr, env },
      ),
      errors,
    ).toBe(0);
    expect(readFileSync(path.join(out, 'report.html'), 'utf8')).toContain('bundle-test.example.com');
  });
});
