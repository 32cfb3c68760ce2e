/**
 * The import graph between the folders of src/, and its cycles:
 *
 *   npx tsx scripts/import-graph.ts [--depth 2] [--files] [--packages]
 *
 * Reads every `import … from`, `export … from` and `import('…')` of src/**\/*.ts with a regular expression
 * (the sources keep one specifier per statement, so no parser is needed), maps each relative specifier to
 * the folder it lands in, and prints one line per folder with the folders it imports. A folder is the first
 * path segment under src/ (`graph/`), or the first `--depth` segments (`graph/bolt/`); a file directly in
 * src/ is its own node (`config.ts`). Edges made only of `import type` are marked: they vanish at run time
 * but still tie the layers together. `--files` lists the file-level imports behind every edge in a cycle;
 * `--packages` lists which folders import which outside packages. docs/ARCHITECTURE.md shows the output.
 * Exit status 0 whether or not there are cycles: this describes, ESLint enforces.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');

interface Import {
  from: string;
  to: string;
  typeOnly: boolean;
}

const IMPORT_STATEMENT =
  /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[\s\S]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

function toPosix(path: string): string {
  return path.split(sep).join(posix.sep);
}

/** `src/graph/bolt/cypher.ts` → `graph/` (depth 1) or `graph/bolt/` (depth 2); `src/config.ts` → `config.ts`. */
function nodeOf(file: string, depth: number): string {
  const parts = toPosix(relative(SRC, file)).split('/');
  const folders = parts.slice(0, -1);
  if (folders.length === 0) return parts[0] ?? file;
  return `${folders.slice(0, depth).join('/')}/`;
}

function importsOf(file: string): { relative: Import[]; packages: string[] } {
  const text = readFileSync(file, 'utf8');
  const found: Import[] = [];
  const packages: string[] = [];
  for (const match of text.matchAll(IMPORT_STATEMENT)) {
    const specifier = match[3] ?? match[4];
    if (specifier === undefined) continue;
    if (!specifier.startsWith('.')) {
      if (!specifier.startsWith('node:')) {
        const [scopeOrName = specifier, name] = specifier.split('/');
        packages.push(
          scopeOrName.startsWith('@') && name !== undefined ? `${scopeOrName}/${name}` : scopeOrName,
        );
      }
      continue;
    }
    const target = join(dirname(file), specifier.replace(/\.js$/, '.ts'));
    // `import type { X }` and `export type { X }`; a dynamic import() is a run-time edge.
    found.push({ from: file, to: target, typeOnly: match[2] !== undefined });
  }
  return { relative: found, packages };
}

/** Strongly connected components with more than one node (Tarjan): each is a set of folders in a cycle. */
function cycles(nodes: readonly string[], edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next);
    next += 1;
    stack.push(node);
    onStack.add(node);
    for (const target of edges.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(target) ?? 0));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(target) ?? 0));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of nodes) if (!index.has(node)) visit(node);
  return found;
}

function main(args: readonly string[]): void {
  const depthAt = args.indexOf('--depth');
  const depth = depthAt === -1 ? 1 : Number(args[depthAt + 1] ?? 1);
  const files = sourceFiles(SRC).sort();
  const edges = new Map<string, Set<string>>();
  const runtime = new Map<string, Set<string>>();
  const behind = new Map<string, string[]>();
  const packagesOf = new Map<string, Set<string>>();
  for (const file of files) {
    const from = nodeOf(file, depth);
    edges.set(from, edges.get(from) ?? new Set());
    const { relative: imports, packages } = importsOf(file);
    for (const name of packages) packagesOf.set(name, (packagesOf.get(name) ?? new Set()).add(from));
    for (const { to, typeOnly } of imports) {
      const target = nodeOf(to, depth);
      if (target === from) continue;
      edges.get(from)?.add(target);
      if (!typeOnly) runtime.set(from, (runtime.get(from) ?? new Set()).add(target));
      const key = `${from} -> ${target}`;
      const why = `${toPosix(relative(SRC, file))} -> ${toPosix(relative(SRC, to))}${typeOnly ? ' (type)' : ''}`;
      behind.set(key, [...(behind.get(key) ?? []), why]);
    }
  }
  const nodes = [...edges.keys()].sort();
  console.log(`Folder import graph of src/ (depth ${depth}; "type" = only \`import type\`):\n`);
  const width = Math.max(...nodes.map((n) => n.length));
  for (const node of nodes) {
    const targets = [...(edges.get(node) ?? [])].sort();
    const shown = targets.map((t) => (runtime.get(node)?.has(t) === true ? t : `${t} (type)`));
    console.log(`${node.padEnd(width)} -> ${shown.length === 0 ? '(nothing)' : shown.join(', ')}`);
  }
  const found = cycles(nodes, edges);
  console.log(`\nCycles between folders: ${found.length === 0 ? 'none' : found.length}`);
  for (const component of found) {
    console.log(`  ${component.join(' <-> ')}`);
    if (!args.includes('--files')) continue;
    const members = new Set(component);
    for (const [key, why] of [...behind].sort()) {
      const [from = '', to = ''] = key.split(' -> ');
      if (members.has(from) && members.has(to)) for (const line of why) console.log(`      ${line}`);
    }
  }
  if (args.includes('--packages')) {
    console.log('\nOutside packages (not node:) and the folders importing them:\n');
    for (const [name, users] of [...packagesOf].sort(([a], [b]) => a.localeCompare(b))) {
      console.log(`  ${name.padEnd(32)} ${[...users].sort().join(', ')}`);
    }
  }
}

main(process.argv.slice(2));
