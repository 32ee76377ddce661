/**
 * The import graph and function lengths of the project's sources, read with the TypeScript compiler
 * API (never a regex): every `import`, `import type`, `export … from`, dynamic `import('…')` and
 * `import('…')` type is an edge. Relative specifiers resolve to repository paths ('runtimes/x.ts');
 * package specifiers stay as written ('ssh2'). Pure reading; test/layers.test.ts holds the rules.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { repoRoot } from './paths.js';

/** One import: `from` imports `to` (a repository path, or a package name when `external`). */
export interface Edge {
  readonly from: string;
  readonly to: string;
  readonly spec: string;
  readonly external: boolean;
  /** `import type`, `export type … from`, or an `import('…')` type: erased at run time. */
  readonly typeOnly: boolean;
  /** `await import('…')`: loaded late, still a dependency. */
  readonly dynamic: boolean;
}

/** A function, method, accessor, constructor or arrow, with the lines it spans (first to last). */
export interface FunctionSpan {
  readonly file: string;
  /** What a reader would call it: `launch`, `SshLink.open`, `reduce`, `<arrow in run>`. */
  readonly name: string;
  readonly line: number;
  readonly lines: number;
}

/** Every .ts/.tsx file under `dirs` (repository-relative, '/'-separated), sorted. */
export function sourceFiles(dirs: readonly string[], root = repoRoot): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(join(root, dir)).sort()) {
      const rel = `${dir}/${name}`;
      if (statSync(join(root, rel)).isDirectory()) walk(rel);
      else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(rel);
    }
  };
  for (const d of dirs) if (existsSync(join(root, d))) walk(d);
  return out;
}

/** Lines of a file as `wc -l` counts them (newline characters). */
export function lineCount(file: string, root = repoRoot): number {
  const text = readFileSync(join(root, file), 'utf8');
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

const parsed = new Map<string, { text: string; sf: ts.SourceFile }>();

/** The file's syntax tree, parsed once per text (importsOf and functionsOf share it). */
function parse(file: string, root: string): ts.SourceFile {
  const path = join(root, file);
  const text = readFileSync(path, 'utf8');
  const hit = parsed.get(path);
  if (hit?.text === text) return hit.sf;
  const kind = file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  parsed.set(path, { text, sf });
  return sf;
}

/** './x.js' from 'a/b.ts' → 'a/x.ts' (or .tsx, or x/index.ts); unresolved stays as the joined path. */
function resolveSpec(from: string, spec: string, root: string): string {
  const base = relative(root, resolve(root, dirname(from), spec))
    .split('\\')
    .join('/');
  const stem = base.replace(/\.(js|jsx|ts|tsx)$/, '');
  for (const c of [`${stem}.ts`, `${stem}.tsx`, `${stem}/index.ts`, `${stem}/index.tsx`])
    if (existsSync(join(root, c))) return c;
  return base;
}

/** The imports of `file`, in source order. */
export function importsOf(file: string, root = repoRoot): Edge[] {
  const out: Edge[] = [];
  const add = (spec: string, typeOnly: boolean, dynamic: boolean): void => {
    const external = !spec.startsWith('.');
    out.push({
      from: file,
      to: external ? spec : resolveSpec(file, spec, root),
      spec,
      external,
      typeOnly,
      dynamic,
    });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      // `import { type A, type B } from` is erased too when every binding is a type.
      const allTypes =
        clause !== undefined &&
        clause.name === undefined &&
        named !== undefined &&
        ts.isNamedImports(named) &&
        named.elements.length > 0 &&
        named.elements.every((e) => e.isTypeOnly);
      add(node.moduleSpecifier.text, clause?.isTypeOnly === true || allTypes, false);
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      add(node.moduleSpecifier.text, node.isTypeOnly, false);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      add(node.arguments[0].text, false, true);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      add(node.argument.literal.text, true, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(parse(file, root));
  return out;
}

function nameOf(node: ts.Node, sf: ts.SourceFile): string | undefined {
  const named = (n: ts.Node): string | undefined => {
    const name = (n as { name?: ts.Node }).name;
    return name && (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isPrivateIdentifier(name))
      ? name.text
      : name?.getText(sf);
  };
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const own = named(node);
  if (own !== undefined) return own;
  const p = node.parent;
  if (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p))
    return named(p);
  return undefined;
}

const isFunction = (n: ts.Node): n is ts.FunctionLikeDeclaration =>
  ts.isFunctionDeclaration(n) ||
  ts.isMethodDeclaration(n) ||
  ts.isArrowFunction(n) ||
  ts.isFunctionExpression(n) ||
  ts.isConstructorDeclaration(n) ||
  ts.isGetAccessorDeclaration(n) ||
  ts.isSetAccessorDeclaration(n);

/**
 * Every function with a body in `file`, nested ones too (an outer function's span includes them).
 * Anonymous ones are named after the nearest named function around them: `<arrow in launch>`.
 */
export function functionsOf(file: string, root = repoRoot): FunctionSpan[] {
  const sf = parse(file, root);
  const out: FunctionSpan[] = [];
  const visit = (node: ts.Node, owner: string): void => {
    let inner = owner;
    if (isFunction(node) && node.body) {
      const cls = ts.isClassLike(node.parent) ? node.parent.name?.text : undefined;
      const own = nameOf(node, sf);
      const name = own
        ? cls
          ? `${cls}.${own}`
          : own
        : `<${ts.isArrowFunction(node) ? 'arrow' : 'function'} in ${owner}>`;
      const first = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const last = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      out.push({ file, name, line: first + 1, lines: last - first + 1 });
      inner = own ? name : owner;
    }
    ts.forEachChild(node, (c) => visit(c, inner));
  };
  visit(sf, 'module');
  return out;
}

/**
 * Strongly connected components of more than one file (or a file importing itself): each is a
 * set of files that reach each other through imports. Tarjan's algorithm; members sorted.
 */
export function cycles(edges: readonly Edge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const e of edges) {
    if (e.external) continue;
    if (!next.has(e.from)) next.set(e.from, new Set());
    next.get(e.from)!.add(e.to);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let counter = 0;
  const strong = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || next.get(v)?.has(v)) out.push(scc.sort());
    }
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) strong(v);
  return out.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** One shortest import path that closes a cycle through `files` (for the message): a → b → … → a. */
export function cyclePath(files: readonly string[], edges: readonly Edge[]): string[] {
  const inside = new Set(files);
  const next = new Map<string, string[]>();
  for (const e of edges)
    if (!e.external && inside.has(e.from) && inside.has(e.to))
      next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const start = files[0]!;
  const prev = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of next.get(v) ?? []) {
      if (w === start) {
        const path = [start];
        for (let u: string | undefined = v; u !== undefined && u !== start; u = prev.get(u))
          path.splice(1, 0, u);
        return [...path, start];
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [...files];
}
