import { normalize } from '../text/normalize';
import { expandPattern } from './pattern';

/** What the matcher needs to know of one catalog entity. */
export interface MatchableEntity {
  readonly aliases: readonly { readonly text: string; readonly weak?: boolean; readonly acronym?: boolean }[];
  /** Words that, near a weak alias, confirm that it names this entity. */
  readonly context?: readonly string[];
  /** Phrases that contain an alias but name something else ("Battle of Badr"): never a mention. */
  readonly blockers?: readonly string[];
}

/** Flags of one compiled pattern. */
export const enum PatternFlag {
  Weak = 1,
  Acronym = 2,
  /** A context word: evidence for its entity, never a mention. */
  Context = 4,
  /** A blocker: consumes its span, never a mention. */
  Blocker = 8,
}

/**
 * A gazetteer compiled into typed arrays: a trie over normalised pattern text, whose edges are
 * sorted by character so a step is a binary search. Plain data, so it can be stored and sent.
 */
export interface CompiledMatcher {
  /** Per node, where its edges start in `edgeChar`/`edgeChild`; length nodes + 1. */
  readonly edgeStart: Uint32Array;
  readonly edgeChar: Uint16Array;
  readonly edgeChild: Uint32Array;
  /** Per node, where its patterns start in `outPattern`; length nodes + 1. */
  readonly outStart: Uint32Array;
  readonly outPattern: Uint32Array;
  /** Per pattern: its entity's index, flags, and the normalised index of its first capital (-1: none). */
  readonly patternEntity: Uint32Array;
  readonly patternFlags: Uint8Array;
  readonly patternCapital: Int16Array;
  readonly entityCount: number;
}

interface BuildNode {
  edges: Map<number, number>;
  patterns: number[];
}

/** Compiles the entities' aliases, context words and blockers into a matcher. */
export function compileMatcher(entities: readonly MatchableEntity[]): CompiledMatcher {
  const nodes: BuildNode[] = [{ edges: new Map(), patterns: [] }];
  const pEntity: number[] = [];
  const pFlags: number[] = [];
  const pCapital: number[] = [];

  const add = (entity: number, pattern: string, flags: number): void => {
    for (const literal of expandPattern(pattern)) {
      const { text, map } = normalize(literal);
      const key = text.trim();
      if (key === '') continue;
      let capital = -1;
      if (!(flags & (PatternFlag.Context | PatternFlag.Blocker))) {
        for (let k = 0; k < key.length; k++) {
          const ch = literal[map[k]!]!;
          if (ch !== ch.toLowerCase()) {
            capital = k;
            break;
          }
        }
      }
      let node = 0;
      for (let k = 0; k < key.length; k++) {
        const c = key.charCodeAt(k);
        const here = nodes[node]!;
        let next = here.edges.get(c);
        if (next === undefined) {
          next = nodes.length;
          nodes.push({ edges: new Map(), patterns: [] });
          here.edges.set(c, next);
        }
        node = next;
      }
      const id = pEntity.length;
      pEntity.push(entity);
      pFlags.push(flags);
      pCapital.push(capital);
      nodes[node]!.patterns.push(id);
    }
  };

  entities.forEach((e, index) => {
    for (const a of e.aliases) {
      add(index, a.text, (a.weak ? PatternFlag.Weak : 0) | (a.acronym ? PatternFlag.Acronym : 0));
    }
    for (const c of e.context ?? []) add(index, c, PatternFlag.Context);
    for (const b of e.blockers ?? []) add(index, b, PatternFlag.Blocker);
  });

  const edgeStart = new Uint32Array(nodes.length + 1);
  const outStart = new Uint32Array(nodes.length + 1);
  let edges = 0;
  let outs = 0;
  nodes.forEach((n, i) => {
    edgeStart[i] = edges;
    outStart[i] = outs;
    edges += n.edges.size;
    outs += n.patterns.length;
  });
  edgeStart[nodes.length] = edges;
  outStart[nodes.length] = outs;
  const edgeChar = new Uint16Array(edges);
  const edgeChild = new Uint32Array(edges);
  const outPattern = new Uint32Array(outs);
  nodes.forEach((n, i) => {
    let e = edgeStart[i]!;
    for (const [c, child] of [...n.edges].sort((a, b) => a[0] - b[0])) {
      edgeChar[e] = c;
      edgeChild[e++] = child;
    }
    // Mentions before context words before blockers is not needed: all are kept, the finder picks.
    outPattern.set(n.patterns, outStart[i]!);
  });
  return {
    edgeStart,
    edgeChar,
    edgeChild,
    outStart,
    outPattern,
    patternEntity: Uint32Array.from(pEntity),
    patternFlags: Uint8Array.from(pFlags),
    patternCapital: Int16Array.from(pCapital),
    entityCount: entities.length,
  };
}
