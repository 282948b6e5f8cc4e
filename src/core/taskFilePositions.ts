// Where a problem in a task file is: the YAML document (CST ranges from the parser) and
// the line counter that turns an offset into LINE:COL. Shared by the parser's checks and
// the plan checks run on a file that did not fully validate.
import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';
import type { PlanDiagnostic } from './plan';

export type Severity = 'error' | 'warning';

export interface Problem {
  readonly severity: Severity;
  readonly message: string;
  /** Absolute or workspace-relative path of the file the problem is in. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  /** 0-based offsets of the offending node, for editor diagnostics. */
  readonly offset: number;
  readonly endOffset: number;
  /** Set on the plan's problems (reported with a file that has other errors). */
  readonly code?: PlanDiagnostic['code'];
  /** The tasks a plan problem names; it points at the first one's key. */
  readonly tasks?: readonly string[];
}

export type PathKey = string | number;

export class Positions {
  readonly lines = new LineCounter();
  readonly doc: Document.Parsed;
  private readonly keyIndex = new WeakMap<object, Map<string, [number, number]>>();

  /** Parses `text` (YAML or JSON); syntax errors and duplicate keys are in `doc.errors`. */
  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
  }

  problem(severity: Severity, message: string, range: [number, number] | undefined): Problem {
    const [start, end] = range ?? [0, 0];
    const { line, col } = this.lines.linePos(Math.min(start, this.text.length));
    return { severity, message, file: this.file, line, column: col, offset: start, endOffset: Math.max(end, start) };
  }

  /** The node at a path, falling back to the closest ancestor that exists. */
  nodeAt(p: readonly PathKey[]): Node | undefined {
    for (let n = p.length; n >= 0; n--) {
      const node = this.doc.getIn(p.slice(0, n), true) as Node | undefined;
      if (node && typeof node === 'object' && 'range' in node && node.range) return node;
    }
    return this.doc.contents ?? undefined;
  }

  rangeAt(p: readonly PathKey[]): [number, number] | undefined {
    const node = this.nodeAt(p);
    return node?.range ? [node.range[0], node.range[1]] : undefined;
  }

  /** The key node of `key` inside the map at `p` (for unknown keys and task ids). */
  keyRange(p: readonly PathKey[], key: string): [number, number] | undefined {
    const map = this.doc.getIn(p, true);
    if (isMap(map)) {
      // Indexed once per map: a scan per key made checking 1,000 tasks quadratic.
      let index = this.keyIndex.get(map);
      if (!index) {
        index = new Map();
        for (const item of map.items) {
          const k = item.key;
          if (isScalar(k) && k.range && !index.has(String(k.value))) index.set(String(k.value), [k.range[0], k.range[1]]);
        }
        this.keyIndex.set(map, index);
      }
      const range = index.get(key);
      if (range) return [range[0], range[1]];
    }
    return this.rangeAt(p);
  }

  pairs(p: readonly PathKey[]): Pair[] {
    const map = this.doc.getIn(p, true);
    return isMap(map) ? (map.items as Pair[]) : [];
  }
}
