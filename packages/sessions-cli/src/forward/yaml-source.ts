import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';

/** A key path into the config: `['pipelines', 1, 'output', 'framing']`. */
export type KeyPath = ReadonlyArray<string | number>;

/** One problem of the config file: where it is and what is wrong. */
export interface ConfigProblem {
  line: number;
  col: number;
  path: KeyPath;
  message: string;
}

/** Where a node sits in the text: its offsets, as the yaml AST keeps them. */
interface Located {
  range?: readonly [number, number, number] | null;
}

/** A parsed YAML file that can say where each key path is (1-based line and column). */
export interface YamlSource {
  /** The data (plain JS values), or undefined when the file has syntax errors. */
  value: unknown;
  /** Syntax errors, and duplicate keys with their key path. */
  syntaxProblems: ConfigProblem[];
  /** A problem at `path`: the key's own node with `onKey` (an unknown key), else its value (or the nearest parent). */
  problemAt(path: KeyPath, message: string, onKey?: boolean): ConfigProblem;
}

/** Parse `text` (YAML 1.2, duplicate keys refused) keeping the positions of every node. */
export function parseYamlSource(text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number): { line: number; col: number } => lineCounter.linePos(offset);
  const syntaxProblems = doc.errors.map((error) => {
    const { line, col } = position(error.pos[0]);
    // The parser's first line is the message; the rest would be a code excerpt.
    const message = (error.message.split('\n')[0] ?? error.message).replace(/\s*at line \d+, column \d+:?$/, '');
    // A duplicate key lies in a sound document; after a syntax error the keys around it may be anything.
    return { line, col, path: error.code === 'DUPLICATE_KEY' ? pathAt(doc, error.pos[0]) : [], message };
  });
  return {
    value: syntaxProblems.length === 0 ? doc.toJS({ maxAliasCount: 100 }) : undefined,
    syntaxProblems,
    problemAt(path, message, onKey = false) {
      return { ...position(offsetOf(doc, path, onKey)), path, message };
    },
  };
}

/** The start of the node at `path` (its key's with `onKey`); for a path that is not there, its nearest parent's. */
function offsetOf(doc: Document, path: KeyPath, onKey: boolean): number {
  let node: unknown = doc.contents;
  let offset = start(node) ?? 0;
  for (const [index, segment] of path.entries()) {
    const last = index === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (pair === undefined) return offset;
      if (last && onKey) return start(pair.key) ?? offset;
      // A key without a value (`output:`) has no value node of its own: point at the key.
      node = pair.value;
      offset = start(node) ?? start(pair.key) ?? offset;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
      if (node === undefined) return offset;
      offset = start(node) ?? offset;
    } else {
      return offset;
    }
  }
  return offset;
}

/** The key path of the innermost key or item whose text holds `offset` (empty outside every one). */
function pathAt(doc: Document, offset: number): KeyPath {
  const path: Array<string | number> = [];
  let node: unknown = doc.contents;
  for (;;) {
    if (isMap(node)) {
      const pair = node.items.find((item) => within(item.key, offset) || within(item.value, offset));
      if (pair === undefined || !isPair(pair) || !isScalar(pair.key)) return path;
      path.push(String(pair.key.value));
      node = pair.value;
    } else if (isSeq(node)) {
      const index = node.items.findIndex((item) => within(item, offset));
      if (index === -1) return path;
      path.push(index);
      node = node.items[index];
    } else {
      return path;
    }
  }
}

function start(node: unknown): number | undefined {
  return (node as Located | null | undefined)?.range?.[0];
}

function within(node: unknown, offset: number): boolean {
  const range = (node as Located | null | undefined)?.range;
  return range !== undefined && range !== null && offset >= range[0] && offset <= range[2];
}

/** `pipelines[1].output.framing` */
export function pathText(path: KeyPath): string {
  return path
    .map((segment, index) => (typeof segment === 'number' ? `[${segment}]` : index === 0 ? segment : `.${segment}`))
    .join('');
}
