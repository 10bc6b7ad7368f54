// Graph traversals for DSE Graph, built in JavaScript and sent as Gremlin bytecode:
// `client.executeGraph(g.V().has("person", "name", "marko").out("knows").values("name"))`.
// A traversal only records its steps ([name, ...args]); the driver's core turns them into
// GraphSON 2.0 or 3.0 bytecode when it runs them, as the Rust builder does.

/** A predicate (`P.eq(1)`, `P.between(1, 5)`, `P.gt(3).and(P.lt(5))`). */
export class P {
  constructor(predicate, value, other) {
    this.predicate = predicate; this.value = value;
    if (other !== undefined) this.other = other;
  }
  and(other) { return new P("and", this, other); }
  or(other) { return new P("or", this, other); }
  static eq(v) { return new P("eq", v); }
  static neq(v) { return new P("neq", v); }
  static lt(v) { return new P("lt", v); }
  static lte(v) { return new P("lte", v); }
  static gt(v) { return new P("gt", v); }
  static gte(v) { return new P("gte", v); }
  static within(...v) { return new P("within", v.length === 1 && Array.isArray(v[0]) ? v[0] : v); }
  static without(...v) { return new P("without", v.length === 1 && Array.isArray(v[0]) ? v[0] : v); }
  static between(a, b) { return new P("between", [a, b]); }
  static inside(a, b) { return new P("inside", [a, b]); }
  static outside(a, b) { return new P("outside", [a, b]); }
}

/** DSE Search predicates on text properties (a search index must serve them). */
export const Search = {
  token: (v) => new P("token", v),
  tokenPrefix: (v) => new P("tokenPrefix", v),
  tokenRegex: (v) => new P("tokenRegex", v),
  tokenFuzzy: (v, distance) => new P("tokenFuzzy", { query: v, distance }),
  prefix: (v) => new P("prefix", v),
  regex: (v) => new P("regex", v),
  fuzzy: (v, distance) => new P("fuzzy", { query: v, distance }),
  phrase: (v, proximity) => new P("phrase", { query: v, distance: proximity }),
};

/** DSE Geo predicates: within a distance of a point (`Geo.inside(point, 10, "km")`) or in a polygon. */
export const Geo = {
  inside: (shape, radius, unit) => (radius === undefined
    ? new P("inside", shape)
    : new P("inside", { center: shape, radius, unit: unit ?? "DEGREES" })),
};

/** A Gremlin enum value (`T.label`, `Order.desc`, `Cardinality.list`...). */
export class GremlinEnum {
  constructor(type, name) { this.type = type; this.name = name; }
  toString() { return `${this.type}.${this.name}`; }
}
const enumOf = (type, names) => Object.freeze(Object.fromEntries(names.map((n) => [n, new GremlinEnum(type, n)])));
/** Element tokens. */
export const T = enumOf("T", ["id", "label", "key", "value"]);
/** Sort orders of `by`. */
export const Order = enumOf("Order", ["asc", "desc", "shuffle"]);
/** Property cardinalities of `property`. */
export const Cardinality = enumOf("Cardinality", ["single", "list", "set"]);
/** Map columns of `select`/`by`. */
export const Column = enumOf("Column", ["keys", "values"]);
/** Edge directions. */
export const Direction = enumOf("Direction", ["OUT", "IN", "BOTH"]);
/** Scopes of `count`, `limit`, `order`... */
export const Scope = enumOf("Scope", ["local", "global"]);

const STEPS = [
  "V", "E", "addV", "addE", "from", "to", "property", "drop",
  "has", "hasLabel", "hasId", "hasKey", "hasValue", "hasNot",
  "out", "in", "both", "outE", "inE", "bothE", "outV", "inV", "otherV", "bothV",
  "values", "valueMap", "elementMap", "properties", "propertyMap", "id", "label", "key", "value",
  "count", "limit", "range", "skip", "tail", "order", "by", "dedup", "path", "simplePath",
  "as", "select", "where", "is", "not", "and", "or", "fold", "unfold", "group", "groupCount",
  "project", "constant", "coalesce", "union", "choose", "optional", "repeat", "times", "until", "emit",
  "sum", "min", "max", "mean", "inject", "cap", "store", "aggregate", "sideEffect", "identity",
];

/** A traversal: the steps recorded so far. Each step method returns a new traversal. */
export class GraphTraversal {
  constructor(steps = [], source = []) { this.steps = steps; this.source = source; }
  /** The bytecode as `{ source: [[name, ...args]], step: [[name, ...args]] }`. */
  get bytecode() { return { source: this.source, step: this.steps }; }
  /** Appends any step by name (for steps without a method here). */
  step(name, ...args) { return new GraphTraversal([...this.steps, [name, ...args]], this.source); }
  toString() { return `[${this.steps.map(([n, ...a]) => `${n}(${a.join(", ")})`).join(", ")}]`; }
}
for (const name of STEPS) {
  GraphTraversal.prototype[name] = function (...args) { return this.step(name, ...args); };
}

/** The traversal source `g`: where traversals start. */
export class GraphTraversalSource {
  constructor(source = []) { this.source = source; }
  /** A source with `withSideEffect`-like source steps (`g.with_("name", value)`). */
  withSource(name, ...args) { return new GraphTraversalSource([...this.source, [name, ...args]]); }
  V(...ids) { return new GraphTraversal([["V", ...ids]], this.source); }
  E(...ids) { return new GraphTraversal([["E", ...ids]], this.source); }
  addV(label) { return new GraphTraversal([label === undefined ? ["addV"] : ["addV", label]], this.source); }
  addE(label) { return new GraphTraversal([["addE", label]], this.source); }
  inject(...values) { return new GraphTraversal([["inject", ...values]], this.source); }
}

/** `g`: the default traversal source. */
export const g = new GraphTraversalSource();

/** Anonymous traversals (`__.out("knows")`) for the arguments of where, by, select... */
export const __ = new Proxy({}, {
  get(_, name) {
    if (typeof name !== "string") return undefined;
    return (...args) => new GraphTraversal([[name, ...args]]);
  },
});

/** Traversals run together in one transaction: `client.executeGraph(new TraversalBatch([t1, t2]))`. */
export class TraversalBatch {
  constructor(traversals = []) { this.traversals = [...traversals]; }
  add(traversal) { this.traversals.push(traversal); return this; }
  get length() { return this.traversals.length; }
}

/** A value with an explicit GraphSON type, for parameters: `graphTyped("g:Int64", 5n)`. */
export class GraphTyped {
  constructor(type, value) { this.type = type; this.value = value; }
}
/** Typed parameter helpers (JS numbers are Int32/Int64 when integral, Double otherwise). */
export const GraphTypes = {
  int16: (v) => new GraphTyped("gx:Int16", v),
  int32: (v) => new GraphTyped("g:Int32", v),
  int64: (v) => new GraphTyped("g:Int64", v),
  float: (v) => new GraphTyped("g:Float", v),
  double: (v) => new GraphTyped("g:Double", v),
  uuid: (v) => new GraphTyped("g:UUID", v),
  bigInteger: (v) => new GraphTyped("gx:BigInteger", v),
  inet: (v) => new GraphTyped("gx:InetAddress", v),
};
