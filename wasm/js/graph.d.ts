/** A predicate of `has`, `is`, `where`: `P.eq(1)`, `P.between(1, 5)`, `P.gt(3).and(P.lt(5))`. */
export declare class P {
  predicate: string;
  value: unknown;
  other?: P;
  and(other: P): P;
  or(other: P): P;
  static eq(v: unknown): P;
  static neq(v: unknown): P;
  static lt(v: unknown): P;
  static lte(v: unknown): P;
  static gt(v: unknown): P;
  static gte(v: unknown): P;
  static within(...v: unknown[]): P;
  static without(...v: unknown[]): P;
  static between(a: unknown, b: unknown): P;
  static inside(a: unknown, b: unknown): P;
  static outside(a: unknown, b: unknown): P;
}
/** DSE Search predicates on text properties. */
export declare const Search: {
  token(v: string): P; tokenPrefix(v: string): P; tokenRegex(v: string): P; tokenFuzzy(v: string, distance: number): P;
  prefix(v: string): P; regex(v: string): P; fuzzy(v: string, distance: number): P; phrase(v: string, proximity: number): P;
};
/** DSE Geo predicates. */
export declare const Geo: { inside(shape: unknown, radius?: number, unit?: "DEGREES" | "MILES" | "KILOMETERS" | "METERS"): P };
/** A Gremlin enum value (`T.label`, `Order.desc`...). */
export declare class GremlinEnum { type: string; name: string; }
export declare const T: Readonly<Record<"id" | "label" | "key" | "value", GremlinEnum>>;
export declare const Order: Readonly<Record<"asc" | "desc" | "shuffle", GremlinEnum>>;
export declare const Cardinality: Readonly<Record<"single" | "list" | "set", GremlinEnum>>;
export declare const Column: Readonly<Record<"keys" | "values", GremlinEnum>>;
export declare const Direction: Readonly<Record<"OUT" | "IN" | "BOTH", GremlinEnum>>;
export declare const Scope: Readonly<Record<"local" | "global", GremlinEnum>>;
/** A traversal: recorded steps; each step method returns a new traversal. */
export declare class GraphTraversal {
  steps: unknown[][];
  source: unknown[][];
  readonly bytecode: { source: unknown[][]; step: unknown[][] };
  /** Any step by name. */
  step(name: string, ...args: unknown[]): GraphTraversal;
  [step: string]: any;
}
/** The traversal source. */
export declare class GraphTraversalSource {
  withSource(name: string, ...args: unknown[]): GraphTraversalSource;
  V(...ids: unknown[]): GraphTraversal;
  E(...ids: unknown[]): GraphTraversal;
  addV(label?: string): GraphTraversal;
  addE(label: string): GraphTraversal;
  inject(...values: unknown[]): GraphTraversal;
}
/** The default traversal source. */
export declare const g: GraphTraversalSource;
/** Anonymous traversals: `__.out("knows")`. */
export declare const __: { [step: string]: (...args: unknown[]) => GraphTraversal };
/** Traversals run together in one transaction. */
export declare class TraversalBatch {
  constructor(traversals?: GraphTraversal[]);
  traversals: GraphTraversal[];
  add(traversal: GraphTraversal): this;
  readonly length: number;
}
/** A parameter with an explicit GraphSON type. */
export declare class GraphTyped { constructor(type: string, value: unknown); type: string; value: unknown; }
/** Typed parameter helpers. */
export declare const GraphTypes: {
  int16(v: number): GraphTyped; int32(v: number): GraphTyped; int64(v: bigint | number): GraphTyped;
  float(v: number): GraphTyped; double(v: number): GraphTyped; uuid(v: string): GraphTyped;
  bigInteger(v: bigint | string): GraphTyped; inet(v: string): GraphTyped;
};
