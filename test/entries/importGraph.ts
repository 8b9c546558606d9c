/**
 * The relative-import graph of the sources (test helper): file -> files it imports, read from the
 * text (`import ... from`, `export ... from`, `import(...)`), with `import type` kept apart since
 * it does not run.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface ImportEdge {
  to: string;
  typeOnly: boolean;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sources(full);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Every .ts file below `roots` with its relative imports resolved to repository paths. */
export function importGraph(roots: string[]): Map<string, ImportEdge[]> {
  const graph = new Map<string, ImportEdge[]>();
  const pattern = /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'"]*?\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;
  for (const file of roots.flatMap(sources)) {
    const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    const edges: ImportEdge[] = [];
    for (const m of text.matchAll(pattern)) {
      const spec = m[3] ?? m[4];
      const typeOnly = m[2] !== undefined;
      edges.push({ to: path.normalize(path.join(path.dirname(file), spec)).replace(/\.js$/, '.ts'), typeOnly });
    }
    graph.set(path.normalize(file), edges);
  }
  return graph;
}

/** The import cycles (each as a list of files), following runtime imports only or all of them. */
export function importCycles(graph: Map<string, ImportEdge[]>, includeTypeOnly: boolean): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'active');
    stack.push(file);
    for (const edge of graph.get(file) ?? []) {
      if (edge.typeOnly && !includeTypeOnly) continue;
      const s = state.get(edge.to);
      if (s === 'active') cycles.push([...stack.slice(stack.indexOf(edge.to)), edge.to]);
      else if (s === undefined && graph.has(edge.to)) visit(edge.to);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return cycles;
}

/** Every file reachable from `entry` through runtime imports. */
export function reachable(graph: Map<string, ImportEdge[]>, entry: string): Set<string> {
  const seen = new Set<string>();
  const todo = [path.normalize(entry)];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const edge of graph.get(file) ?? []) if (!edge.typeOnly) todo.push(edge.to);
  }
  return seen;
}
