import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as esbuild from 'esbuild';

// Keeps the layer table of docs/architecture.md true: every import in src/ (static, `import type`,
// `export … from` and dynamic `import(…)`) is mapped to its layer and checked against the table below.
// The table lives here once; the document copies it, and a test below fails when the copy differs.

/** Layer → the layers its files may import. A layer always imports itself. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  cli: ['config', 'sso', 'sts', 'creds', 'emit', 'server', 'sandbox', 'util'],
  'index.ts': ['config', 'sso', 'sts', 'creds', 'emit', 'server', 'util'],
  creds: ['config', 'sso', 'sts', 'sdk', 'util'],
  sso: ['config', 'sdk', 'util'],
  sts: ['config', 'sdk', 'util'],
  config: ['util'],
  emit: ['util'],
  server: ['util'],
  sandbox: [],
  sdk: [],
  util: [],
};

/**
 * Layers that scripts/build.mjs bundles as chunks of their own (dist/sdk.cjs, dist/sandbox.cjs). esbuild
 * splits only at a dynamic import of the chunk's entry file, so any other way in (a static import, or
 * another file of the layer) would pull the whole chunk into dist/cli.cjs and onto the warm path.
 * `import type` is erased and allowed.
 */
const LAZY_ENTRY: Record<string, string> = {
  sdk: 'src/sdk/clients.ts',
  sandbox: 'src/sandbox/index.ts',
};

/** npm packages → the layers that may import them (node: builtins are open to every layer). */
const PACKAGE_LAYERS: Record<string, readonly string[]> = {
  '@aws-sdk/client-sso': ['sdk'],
  '@aws-sdk/client-sso-oidc': ['sdk'],
  '@aws-sdk/client-sts': ['sdk'],
  '@aws-sdk/credential-provider-http': ['sdk'],
  '@aws-sdk/credential-provider-login': ['sdk'],
  '@aws-sdk/credential-provider-web-identity': ['sdk'],
  '@smithy/credential-provider-imds': ['sdk'],
  yaml: ['sandbox'],
};

/**
 * Known violations, each with the reason it stands. Empty: today's code keeps every rule. An entry that
 * no longer matches an import fails the test, so the list cannot outlive its reason.
 */
const ALLOWED_VIOLATIONS: readonly { file: string; specifier: string; why: string }[] = [];

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const srcDir = path.join(repoRoot, 'src');

interface ImportRef {
  /** Repo-relative importing file, e.g. src/cli/main.ts. */
  file: string;
  specifier: string;
  /** Repo-relative resolved file for a relative specifier; the package name otherwise. */
  target: string;
  dynamic: boolean;
  typeOnly: boolean;
}

// Top-level statements only (biome puts them at column 0): the clause between the keyword and `from`
// may hold names, braces, commas and `*` but no `(` or `;`, so it cannot run into a function body.
const STATIC_IMPORT = /^(import|export)\s+(type\s+)?(?:[\w$*\s{},]+?\s+from\s+)?(['"])([^'"\n]+)\3/gm;
const DYNAMIC_IMPORT = /\bimport\(\s*(['"])([^'"\n]+)\1\s*\)/g;
/** An import() whose argument is not a string literal cannot be checked: refuse it. */
const COMPUTED_IMPORT = /\bimport\(\s*(?!['"\s])/g;

function sourceFiles(): string[] {
  return fs
    .globSync('**/*.ts', { cwd: srcDir })
    .map((f) => path.posix.join('src', f.split(path.sep).join('/')))
    .sort();
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function importsOf(file: string): ImportRef[] {
  const text = fs.readFileSync(path.join(repoRoot, file), 'utf8');
  const refs: ImportRef[] = [];
  const add = (specifier: string, dynamic: boolean, typeOnly: boolean) => {
    const target = specifier.startsWith('.')
      ? path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier))
      : specifier;
    refs.push({ file, specifier, target, dynamic, typeOnly });
  };
  for (const m of text.matchAll(STATIC_IMPORT)) add(m[4]!, false, m[2] !== undefined);
  for (const m of text.matchAll(DYNAMIC_IMPORT)) add(m[2]!, true, false);
  for (const m of text.matchAll(COMPUTED_IMPORT)) {
    const line = text.slice(0, m.index).split('\n').length;
    throw new Error(`${file}:${line}: import() with a computed specifier; the layer check needs a literal`);
  }
  if (/\brequire\(/.test(text))
    throw new Error(`${file}: require() in src/; use import so the layers are checked`);
  return refs;
}

/** The layer a src file belongs to: its first folder under src/, or the library entry itself. */
function layerOf(file: string): string | undefined {
  const parts = file.split('/');
  return parts[0] === 'src' ? parts[1] : undefined;
}

function violationOf(ref: ImportRef): string | undefined {
  const from = layerOf(ref.file)!;
  const where = `${ref.file} imports '${ref.specifier}'`;
  if (ref.specifier.startsWith('node:')) return undefined;
  if (!ref.specifier.startsWith('.')) {
    const allowed = PACKAGE_LAYERS[packageName(ref.specifier)];
    if (!allowed)
      return `${where}: package not in the table (use node: for builtins, or add it to the table and the doc)`;
    return allowed.includes(from)
      ? undefined
      : `${where}: only ${allowed.join(', ')} may import this package`;
  }
  const to = layerOf(ref.target);
  if (to === undefined) return `${where}: reaches outside src/`;
  if (!(to in MAY_IMPORT)) return `${where}: '${to}' is not a layer in the table`;
  if (to === from) return undefined;
  if (to === 'index.ts') return `${where}: nothing imports the library entry`;
  if (!MAY_IMPORT[from]!.includes(to)) {
    const allowed = MAY_IMPORT[from]!.length ? MAY_IMPORT[from]!.join(', ') : 'no other layer';
    return `${where}: ${from} may import ${allowed}, not ${to}`;
  }
  const entry = LAZY_ENTRY[to];
  if (entry && !ref.typeOnly && !(ref.dynamic && ref.target === entry)) {
    return `${where}: ${to} is a lazy chunk, reached only by import('…/${path.posix.relative('src', entry)}')`;
  }
  return undefined;
}

function isAllowed(ref: ImportRef): boolean {
  return ALLOWED_VIOLATIONS.some((a) => a.file === ref.file && a.specifier === ref.specifier);
}

test('every folder under src/ is a layer of the table, and every layer of the table exists', () => {
  const present = fs
    .readdirSync(srcDir, { withFileTypes: true })
    .map((d) => (d.isDirectory() ? d.name : d.name.endsWith('.ts') ? d.name : undefined))
    .filter((name): name is string => name !== undefined)
    .sort();
  assert.deepEqual(present, Object.keys(MAY_IMPORT).sort());
  for (const [layer, allowed] of Object.entries(MAY_IMPORT)) {
    for (const to of allowed)
      assert.ok(to in MAY_IMPORT, `${layer} may import '${to}', which is not a layer`);
  }
});

test('the layer table of docs/architecture.md says what MAY_IMPORT says', () => {
  const doc = fs.readFileSync(path.join(repoRoot, 'docs', 'architecture.md'), 'utf8');
  const section = doc.slice(doc.indexOf('\n## Layers'), doc.indexOf('\n## ', doc.indexOf('\n## Layers') + 1));
  const documented: Record<string, string[]> = {};
  for (const m of section.matchAll(/^\| `([\w.]+?)\/?` \|.*\| ([^|]*) \|$/gm)) {
    documented[m[1]!] = [...m[2]!.matchAll(/`([\w.]+)`/g)].map((n) => n[1]!).sort();
  }
  const table = Object.fromEntries(Object.entries(MAY_IMPORT).map(([k, v]) => [k, [...v].sort()]));
  assert.deepEqual(documented, table);
});

test('every import in src/ keeps the layer rules of docs/architecture.md', () => {
  const refs = sourceFiles().flatMap(importsOf);
  assert.ok(refs.length > 300, `found only ${refs.length} imports: the scanner is broken`);
  const violations = refs
    .filter((r) => violationOf(r) !== undefined && !isAllowed(r))
    .map((r) => violationOf(r));
  assert.deepEqual(violations, [], `layer rule violations:\n  ${violations.join('\n  ')}`);
  for (const a of ALLOWED_VIOLATIONS) {
    const ref = refs.find((r) => r.file === a.file && r.specifier === a.specifier);
    assert.ok(
      ref && violationOf(ref),
      `allow-list entry ${a.file} → ${a.specifier} no longer matches a violation`,
    );
  }
});

test('the scanner finds every import that esbuild finds when it bundles src/', async () => {
  // esbuild parses TypeScript properly but drops type-only imports; the scanner must see at least as much.
  const files = sourceFiles();
  const result = await esbuild.build({
    absWorkingDir: repoRoot,
    entryPoints: files,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    outdir: 'unused',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const scanned = new Set(files.flatMap(importsOf).map((r) => `${r.file} → ${r.target}`));
  const missed: string[] = [];
  for (const [file, input] of Object.entries(result.metafile.inputs)) {
    if (!file.startsWith('src/')) continue;
    for (const imp of input.imports) {
      if (imp.path.startsWith('node:')) continue;
      const key = `${file} → ${imp.path}`;
      if (!scanned.has(key)) missed.push(`${key} (${imp.kind})`);
    }
  }
  assert.deepEqual(missed, [], `imports the scanner did not see:\n  ${missed.join('\n  ')}`);
});

test('the checker names the file and import of a violation', () => {
  const ref = (file: string, specifier: string, dynamic = false, typeOnly = false): ImportRef => ({
    file,
    specifier,
    target: path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)),
    dynamic,
    typeOnly,
  });
  assert.equal(
    violationOf(ref('src/config/load.ts', '../creds/index.ts')),
    "src/config/load.ts imports '../creds/index.ts': config may import util, not creds",
  );
  assert.equal(
    violationOf(ref('src/sandbox/store.ts', '../util/errors.ts')),
    "src/sandbox/store.ts imports '../util/errors.ts': sandbox may import no other layer, not util",
  );
  assert.match(violationOf(ref('src/sts/assume-role.ts', '../sdk/clients.ts'))!, /lazy chunk/);
  assert.equal(violationOf(ref('src/sts/assume-role.ts', '../sdk/clients.ts', true)), undefined);
  assert.equal(violationOf(ref('src/sts/assume-role.ts', '../sdk/clients.ts', false, true)), undefined);
  assert.match(
    violationOf({ ...ref('src/creds/x.ts', '@aws-sdk/client-sts'), target: '@aws-sdk/client-sts' })!,
    /only sdk/,
  );
});
