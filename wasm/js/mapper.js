// The object mapper of the cql-wasm package: documents (plain objects) mapped to table rows,
// in the manner of the DataStax Node.js driver's Mapper. Pure JavaScript on top of the
// public Client API: every statement is CQL with bind markers only (values are always
// bound) run with `prepare: true`, so each statement text is prepared once per client.
// Tables are read from `client.metadata` (cached, refreshed on the client's schema
// events) or from a schema the model declares.
import { CqlError, ArgumentError, callSite, finishError } from "./support.js";

/**
 * A conditional write (`ifNotExists`, `ifExists`, `when`) the node did not apply. `row` is
 * the current row as a document of the model (`null` when there is no row), `rows` every
 * row the node sent (a batch may send several), `query` the statement's CQL text
 * (`queries` for a batch).
 */
export class NotAppliedError extends CqlError {
  constructor(message, fields) {
    super(message, fields);
    this.name = "NotAppliedError";
  }
}

// ---------------------------------------------------------------------------------------
// Query operators

const FILTER_OPS = new Set(["=", "IN", ">", ">=", "<", "<=", "CONTAINS", "CONTAINS KEY", "LIKE"]);
const SLICE_OPS = new Set([">", ">=", "<", "<="]);
const CONDITION_OPS = new Set(["=", "!=", ">", ">=", "<", "<=", "IN"]);
const ANY_OP = { has: () => true };
// Assignments in update(): operator name → its CQL, `$` standing for the column.
const ASSIGN_OPS = {
  incr: "$ = $ + ?",
  decr: "$ = $ - ?",
  append: "$ = $ + ?",
  prepend: "$ = ? + $",
  remove: "$ = $ - ?",
};

/**
 * A relational operator (`q.gt(5)`), a conjunction (`q.and(...)`) or an update operator
 * (`q.incr(1)`, `q.append([...])`), as a property value of a filter, condition or update
 * document. Made by the functions of `q`.
 */
export class QueryOperator {
  constructor(op, value) {
    this.op = op;
    this.value = value;
    Object.freeze(this);
  }
}

function operator(op, value) {
  return new QueryOperator(op, value);
}

/** The operators of filter (`find`), condition (`when`) and update documents. */
export const q = Object.freeze({
  /** `IN`: the column's value is one of `values` (an array). */
  in_(values) {
    if (values === null || typeof values !== "object" || typeof values[Symbol.iterator] !== "function") {
      throw new ArgumentError("q.in_() takes an array of values");
    }
    return operator("IN", Array.from(values));
  },
  /** `>` */
  gt: (value) => operator(">", value),
  /** `>=` */
  gte: (value) => operator(">=", value),
  /** `<` */
  lt: (value) => operator("<", value),
  /** `<=` */
  lte: (value) => operator("<=", value),
  /** `!=` (conditions only: `when` of update and remove; CQL has no `!=` in WHERE). */
  notEq: (value) => operator("!=", value),
  /** `CONTAINS`: a list, set or map (its values) holds `value` (an indexed column, or allowFiltering). */
  contains: (value) => operator("CONTAINS", value),
  /** `CONTAINS KEY`: a map has the key `key` (an index on its keys, or allowFiltering). */
  containsKey: (key) => operator("CONTAINS KEY", key),
  /** `LIKE`: text matching `pattern` (`%` wildcards; SASI or storage-attached indexes). */
  like: (pattern) => operator("LIKE", pattern),
  /** Several restrictions on one property: `q.and(q.gte(a), q.lt(b))`. */
  and(...conditions) {
    if (conditions.length === 0) throw new ArgumentError("q.and() takes at least one condition");
    return operator("AND", conditions);
  },
  /** `c = c + value` on a counter. */
  incr: (value) => operator("incr", value),
  /** `c = c - value` on a counter. */
  decr: (value) => operator("decr", value),
  /** `c = c + value`: elements appended to a list, added to a set, entries put in a map. */
  append: (value) => operator("append", value),
  /** `c = value + c`: elements prepended to a list. */
  prepend: (value) => operator("prepend", value),
  /** `c = c - value`: elements removed from a list or set, keys (a set) from a map. */
  remove: (value) => operator("remove", value),
});

// ---------------------------------------------------------------------------------------
// Naming conventions

/** How property names become column names and back; also makes the documents read. */
export class TableMappings {
  /** The column of property `propName`. */
  getColumnName(propName) { return propName; }
  /** The property of column `columnName`. */
  getPropertyName(columnName) { return columnName; }
  /** A new, empty document for a row read. */
  newObjectInstance() { return {}; }
}

/** Properties named as their columns. */
export class DefaultTableMappings extends TableMappings {}

/** snake_case columns as camelCase properties: `video_count` ↔ `videoCount`. */
export class UnderscoreCqlToCamelCaseMappings extends TableMappings {
  getColumnName(propName) {
    return propName.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  }
  getPropertyName(columnName) {
    return columnName.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
  }
}

// ---------------------------------------------------------------------------------------
// CQL text

// Cassandra's reserved keywords: column and table names among them are quoted.
const RESERVED = new Set(("ADD AGGREGATE ALLOW ALTER AND APPLY ASC AUTHORIZE BATCH BEGIN BY COLUMNFAMILY "
  + "CREATE DELETE DESC DESCRIBE DROP ENTRIES EXECUTE FROM FULL GRANT IF IN INDEX INFINITY INSERT INTO IS "
  + "KEYSPACE LIMIT MATERIALIZED MBEAN MBEANS MODIFY NAN NORECURSIVE NOT NULL OF ON OR ORDER PRIMARY "
  + "RENAME REPLACE REVOKE SCHEMA SELECT SET TABLE TO TOKEN TRUNCATE UNLOGGED UNSET UPDATE USE USING "
  + "VIEW WHERE WITH").split(" "));

/** A name as CQL spells it: bare when it can be, quoted otherwise (case, symbols, keywords). */
function ident(name) {
  return /^[a-z][a-z0-9_]*$/.test(name) && !RESERVED.has(name.toUpperCase())
    ? name : `"${name.replace(/"/g, '""')}"`;
}

/** A target of `CREATE INDEX` as stored (`keys(m)`, `"Name"`) → `{ column, target }`. */
function parseIndexTarget(text) {
  const m = /^(keys|values|entries|full)\((.*)\)$/i.exec(text.trim());
  const raw = m ? m[2].trim() : text.trim();
  const column = raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1).replace(/""/g, '"') : raw;
  return { column, target: m ? m[1].toLowerCase() : "values" };
}

/** Whether an index class (a custom index's) is SASI or storage-attached: LIKE and ranges. */
function isSasiOrSai(className) {
  const c = String(className || "").toLowerCase();
  return c.includes("sasi") || c.includes("storageattached") || c === "sai";
}

// ---------------------------------------------------------------------------------------
// Tables

/** What the mapper needs of a table or view: its keys, columns and indexes. */
class TableInfo {
  constructor(keyspace, name, isView, partitionKeys, clustering, columns, indexes) {
    this.keyspace = keyspace;
    this.name = name;
    this.isView = isView;
    /** Partition key column names, in order. */
    this.partitionKeys = partitionKeys;
    /** Clustering columns in order: `{ name, desc }`. */
    this.clustering = clustering;
    /** Column name → `{ name, type, kind }` (kind: partition_key, clustering, static, regular). */
    this.columns = columns;
    /** `{ column, target: values|keys|entries|full, sasi }`. */
    this.indexes = indexes;
    this.qualified = `${ident(keyspace)}.${ident(name)}`;
    this.keyNames = [...partitionKeys, ...clustering.map((c) => c.name)];
    // Column order for statement text: the primary key, then the others as declared.
    this.position = new Map([...columns.keys()].map((n, i) => [n, i]));
    for (const [i, n] of this.keyNames.entries()) this.position.set(n, i - this.keyNames.length);
  }

  /** From `client.metadata.table()` / `view()`. */
  static fromMetadata(t, isView) {
    const columns = new Map(t.columns.map((c) => [c.name, { name: c.name, type: c.type, kind: c.kind }]));
    const indexes = (t.indexes || []).map((i) => {
      const target = i.target ?? i.options?.target;
      if (!target) return null;
      return { ...parseIndexTarget(target), sasi: i.kind === "CUSTOM" && isSasiOrSai(i.options?.class_name) };
    }).filter(Boolean);
    return new TableInfo(t.keyspace, t.name, isView, t.partitionKeys.map((c) => c.name),
      t.clusteringKeys.map((c) => ({ name: c.name, desc: c.order === "DESC" })), columns, indexes);
  }

  /** From a schema the model declares (`{ table, keyspace, partitionKey, clustering, columns, indexes }`). */
  static declared(model, s, keyspace) {
    const where = `model ${model}: declared table ${s.table ?? s.name}`;
    const list = (v) => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
    const partitionKeys = list(s.partitionKey ?? s.partitionKeys);
    if (partitionKeys.length === 0 || !partitionKeys.every((n) => typeof n === "string")) {
      throw new ArgumentError(`${where}: \`partitionKey\` names its partition key column(s)`);
    }
    const clustering = list(s.clustering).map((c) => {
      const name = typeof c === "string" ? c : c?.name;
      const order = typeof c === "string" ? "ASC" : String(c?.order ?? "ASC").toUpperCase();
      if (typeof name !== "string" || (order !== "ASC" && order !== "DESC")) {
        throw new ArgumentError(`${where}: each \`clustering\` entry is a name or { name, order: "ASC" | "DESC" }`);
      }
      return { name, desc: order === "DESC" };
    });
    if (s.columns === null || typeof s.columns !== "object") {
      throw new ArgumentError(`${where}: \`columns\` maps every column name to its CQL type`);
    }
    const kinds = new Map([...partitionKeys.map((n) => [n, "partition_key"]),
      ...clustering.map((c) => [c.name, "clustering"]), ...list(s.static).map((n) => [n, "static"])]);
    const columns = new Map();
    for (const n of [...partitionKeys, ...clustering.map((c) => c.name)]) {
      if (!(n in s.columns)) throw new ArgumentError(`${where}: key column ${n} is missing from \`columns\``);
    }
    for (const [name, type] of Object.entries(s.columns)) {
      const t = String(type).trim();
      const isStatic = /\s+static$/i.test(t);
      columns.set(name, { name, type: t.replace(/\s+static$/i, ""), kind: kinds.get(name) ?? (isStatic ? "static" : "regular") });
    }
    const indexes = list(s.indexes).map((i) => {
      const target = typeof i === "string" ? i : i?.target;
      if (typeof target !== "string") throw new ArgumentError(`${where}: each index is a target ("v", "keys(m)") or { target, className }`);
      const parsed = parseIndexTarget(target);
      if (!columns.has(parsed.column)) throw new ArgumentError(`${where}: index on unknown column ${parsed.column}`);
      return { ...parsed, sasi: typeof i === "object" && isSasiOrSai(i.className ?? i.class_name) };
    });
    return new TableInfo(keyspace, s.table ?? s.name, !!s.isView, partitionKeys, clustering, columns, indexes);
  }
}

/** The base of a collection type: "list", "set", "map", or null. */
function collectionKind(type) {
  const m = /^(?:frozen<\s*)?(list|set|map)\s*</i.exec(type);
  if (!m) return null;
  return /^frozen</i.test(type) ? "frozen" : m[1].toLowerCase();
}

// ---------------------------------------------------------------------------------------
// Models

const MODEL_OPTIONS = ["tables", "keyspace", "mappings", "columns"];

/** A model's options parsed: its tables, naming convention and per-column mappings. */
class ModelInfo {
  constructor(name, options) {
    this.name = name;
    const o = options ?? {};
    if (typeof o !== "object") throw new ArgumentError(`model ${name}: its options are an object`);
    for (const k of Object.keys(o)) {
      if (!MODEL_OPTIONS.includes(k)) {
        throw new ArgumentError(`model ${name}: unknown option \`${k}\` (options: ${MODEL_OPTIONS.join(", ")})`);
      }
    }
    if (o.keyspace !== undefined && typeof o.keyspace !== "string") {
      throw new ArgumentError(`model ${name}: \`keyspace\` is a keyspace name`);
    }
    this.keyspace = o.keyspace ?? null;
    const m = o.mappings ?? new DefaultTableMappings();
    if (typeof m.getColumnName !== "function" || typeof m.getPropertyName !== "function") {
      throw new ArgumentError(`model ${name}: \`mappings\` is a TableMappings (getColumnName, getPropertyName)`);
    }
    this.mappings = m;
    const tables = o.tables === undefined ? [name] : o.tables;
    if (!Array.isArray(tables) || tables.length === 0) {
      throw new ArgumentError(`model ${name}: \`tables\` is a non-empty array of table names`);
    }
    this.tables = tables.map((t) => {
      if (typeof t === "string") return { name: t, isView: false, declared: null };
      if (t === null || typeof t !== "object" || typeof (t.name ?? t.table) !== "string") {
        throw new ArgumentError(`model ${name}: each table is a name, { name, isView }, or a declared schema { table, partitionKey, clustering, columns }`);
      }
      return { name: t.name ?? t.table, isView: !!t.isView, declared: t.columns !== undefined ? t : null };
    });
    /** Column name → { prop, toModel, fromModel }, and property name → the same. */
    this.byColumn = new Map();
    this.byProperty = new Map();
    for (const [column, v] of Object.entries(o.columns ?? {})) {
      const c = typeof v === "string" ? { prop: v } : { prop: v?.name ?? column, toModel: v?.toModel, fromModel: v?.fromModel };
      for (const fn of ["toModel", "fromModel"]) {
        if (c[fn] !== undefined && typeof c[fn] !== "function") {
          throw new ArgumentError(`model ${name}: \`${fn}\` of column ${column} is a function`);
        }
      }
      c.column = column;
      this.byColumn.set(column, c);
      this.byProperty.set(c.prop, c);
    }
  }

  columnOf(prop) {
    const c = this.byProperty.get(prop);
    return c ? c.column : this.mappings.getColumnName(prop);
  }

  propertyOf(column) {
    const c = this.byColumn.get(column);
    return c ? c.prop : this.mappings.getPropertyName(column);
  }

  /** A value as the column takes it (`fromModel`). */
  toColumn(prop, value) {
    const fn = this.byProperty.get(prop)?.fromModel;
    return fn ? fn(value) : value;
  }

  /** How errors name a property: `videoId (column videoid)`. */
  describe(prop, column = this.columnOf(prop)) {
    return prop === column ? prop : `${prop} (column ${column})`;
  }

  /** A document of this model from a row (`toModel` applied; `[applied]` left out). */
  toDocument(row) {
    const doc = typeof this.mappings.newObjectInstance === "function" ? this.mappings.newObjectInstance() : {};
    for (const column of Object.keys(row)) {
      if (column === "[applied]") continue;
      const fn = this.byColumn.get(column)?.toModel;
      const v = row[column];
      doc[this.propertyOf(column)] = fn ? fn(v) : v;
    }
    return doc;
  }
}

// ---------------------------------------------------------------------------------------
// Results

/**
 * The documents of one page of a result: `first()`, `toArray()`, `for...of` (this page),
 * `for await...of` (this page, then the following ones, each fetched when reached),
 * `pageState` (pass as the `pageState` execution option to resume), `wasApplied()`.
 */
export class Result {
  constructor(rs, model, fetchPage) {
    const rows = rs ? rs.rows : [];
    // A conditional write's answer alone (`[applied]`) holds no document.
    const onlyApplied = rows.length > 0 && rows.every((r) => Object.keys(r).length === 1 && "[applied]" in r);
    this._rows = onlyApplied ? [] : rows;
    this._model = model;
    this._fetchPage = fetchPage ?? null;
    this._applied = rs ? rs.applied : null;
    /** Documents in this page. */
    this.length = this._rows.length;
    /** Where the next page starts (`null` on the last page). */
    this.pageState = rs ? rs.pageState ?? null : null;
  }

  _doc(row) {
    return this._model ? this._model.toDocument(row) : { ...row };
  }

  /** Whether a conditional write was applied (`true` for every other statement). */
  wasApplied() {
    return this._applied !== false;
  }

  /** The first document, or `null` when there is none. */
  first() {
    return this._rows.length > 0 ? this._doc(this._rows[0]) : null;
  }

  /** This page's documents. */
  toArray() {
    return this._rows.map((r) => this._doc(r));
  }

  /** Calls `callback(doc, index)` for each document of this page. */
  forEach(callback, thisArg) {
    this._rows.forEach((r, i) => callback.call(thisArg, this._doc(r), i));
  }

  *[Symbol.iterator]() {
    for (const r of this._rows) yield this._doc(r);
  }

  /** Every document from this page on: the next pages are fetched as the loop reaches them. */
  async *[Symbol.asyncIterator]() {
    let page = this;
    for (;;) {
      // (Not `yield* page`: in an async generator that would call this method again.)
      for (const row of page._rows) yield page._doc(row);
      if (page.pageState === null || page._fetchPage === null) return;
      page = await page._fetchPage(page.pageState);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Execution options

const RENAMED_OPTIONS = { fetchSize: "pageSize", isIdempotent: "idempotent", readTimeout: "timeout" };

/** Execution options for the client: a profile name, or options (the DataStax driver's names too). */
function clientOptions(eo, where) {
  if (eo === undefined || eo === null) return {};
  if (typeof eo === "string") return { executionProfile: eo };
  if (typeof eo !== "object") {
    throw new ArgumentError(`${where}: execution options are an execution profile's name or an options object`);
  }
  const out = {};
  for (const [k, v] of Object.entries(eo)) {
    if (v !== undefined) out[RENAMED_OPTIONS[k] ?? k] = v;
  }
  return out;
}

/** `(docInfo, executionOptions)` with a profile name allowed in docInfo's place. */
function infoAndOptions(docInfo, eo) {
  if (typeof docInfo === "string" && eo === undefined) return [{}, docInfo];
  return [docInfo ?? {}, eo];
}

/** Refuses a docInfo that is not an object or has options other than `allowed`. */
function checkInfo(info, allowed, where) {
  if (typeof info !== "object" || info === null) throw new ArgumentError(`${where}: docInfo is an object`);
  for (const k of Object.keys(info)) {
    if (info[k] !== undefined && !allowed.includes(k)) {
      throw new ArgumentError(`${where}: unknown docInfo option \`${k}\` (options: ${allowed.join(", ")})`);
    }
  }
}

/** Refuses a document that is not a plain object of properties. */
function checkDoc(doc, where) {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new ArgumentError(`${where}: the document is an object of properties`);
  }
}

/** How messages name an operator: `q.gt`... */
function opName(op) {
  const names = { IN: "q.in_", ">": "q.gt", ">=": "q.gte", "<": "q.lt", "<=": "q.lte", "!=": "q.notEq",
    CONTAINS: "q.contains", "CONTAINS KEY": "q.containsKey", LIKE: "q.like", AND: "q.and" };
  return names[op] ?? `q.${op}`;
}

/** The NotAppliedError of a conditional statement's answer when it was not applied, else null. */
function notApplied(plan, rs, model, kind, site) {
  if (rs.applied !== false) return null;
  const rows = rs.rows.filter((r) => Object.keys(r).some((k) => k !== "[applied]"));
  const docs = rows.map((r) => (model ? model.toDocument(r) : { ...r }));
  const why = plan.why ?? "its condition is false";
  const err = new NotAppliedError(`${kind} not applied: ${why}${docs.length ? " (the current row is in .row)" : ""}`, {
    row: docs[0] ?? null, rows: docs, model: model?.name,
    ...(Array.isArray(plan.query) ? { queries: plan.query } : { query: plan.query }),
  });
  return finishError(err, site);
}

// ---------------------------------------------------------------------------------------
// Statement planning

/**
 * Restrictions of a filter or condition document: `[{ prop, column, op, value }]`, values
 * converted with `fromModel`, `q.and` flattened.
 */
function restrictions(model, doc, where, allowed) {
  const out = [];
  for (const prop of Object.keys(doc)) {
    const v = doc[prop];
    if (v === undefined) continue;
    const column = model.columnOf(prop);
    const add = (value) => {
      if (!(value instanceof QueryOperator)) {
        out.push({ prop, column, op: "=", value: model.toColumn(prop, value) });
        return;
      }
      if (value.op === "AND") {
        for (const c of value.value) add(c);
        return;
      }
      if (!allowed.has(value.op)) {
        const hint = ASSIGN_OPS[value.op] ? " (an update operator: use it in update())"
          : value.op === "!=" ? " (a condition operator: use it in `when` of update() or remove(); CQL has no != in WHERE)"
            : "";
        throw new ArgumentError(`${where}: ${opName(value.op)}() on ${model.describe(prop, column)} is not allowed here${hint}`);
      }
      // fromModel converts whole property values: IN's elements and relations' values, not
      // elements, keys, patterns or assignments' parts.
      const whole = value.op !== "CONTAINS" && value.op !== "CONTAINS KEY" && value.op !== "LIKE" && !ASSIGN_OPS[value.op];
      const converted = value.op === "IN"
        ? value.value.map((x) => model.toColumn(prop, x))
        : whole ? model.toColumn(prop, value.value) : value.value;
      out.push({ prop, column, op: value.op, value: converted });
    };
    add(v);
  }
  return out;
}

/** Why `table` cannot serve restrictions `rs` without ALLOW FILTERING, or null when it can. */
function filteringReason(table, model, rs) {
  const name = (column) => model.describe(model.propertyOf(column), column);
  const pk = table.partitionKeys;
  const ck = table.clustering.map((c) => c.name);
  const on = (column) => rs.filter((r) => r.column === column);
  const pkSlice = rs.find((r) => pk.includes(r.column) && r.op !== "=" && r.op !== "IN");
  if (pkSlice) {
    return `${opName(pkSlice.op)}() on partition key column ${name(pkSlice.column)}: partitions are selected by = or q.in_() only`;
  }
  const pkGiven = pk.filter((c) => on(c).length > 0);
  const pkAll = pkGiven.length === pk.length;
  if (pkGiven.length > 0 && !pkAll) {
    return `the partition key is incomplete: ${pk.filter((c) => !pkGiven.includes(c)).map(name).join(", ")} missing`;
  }
  const ckGiven = ck.filter((c) => on(c).length > 0);
  if (ckGiven.length > 0 && !pkAll) {
    return `clustering column ${name(ckGiven[0])} is restricted without the partition key (${pk.map(name).join(", ")})`;
  }
  let prev = null;
  let open = true;
  let slice = false;
  for (const c of ck) {
    const ops = on(c).map((r) => r.op);
    if (ops.length === 0) {
      open = false;
      prev = c;
      continue;
    }
    if (!open) return `clustering column ${name(c)} is restricted but ${name(prev)} before it is not`;
    if (slice) return `clustering column ${name(c)} is restricted after a range on ${name(prev)}`;
    if (ops.every((o) => SLICE_OPS.has(o))) slice = true;
    else if (!(ops.length === 1 && (ops[0] === "=" || ops[0] === "IN"))) {
      return `clustering column ${name(c)} takes one =/q.in_() or a range (${ops.map(opName).join(", ")} given)`;
    }
    prev = c;
  }
  const others = rs.filter((r) => !pk.includes(r.column) && !ck.includes(r.column));
  const cols = [...new Set(others.map((r) => r.column))];
  if (cols.length === 0) return null;
  if (cols.length > 1 || others.length > 1) {
    return `more than one restriction on columns outside the primary key (${cols.map(name).join(", ")}): an index serves one, the others are filtered`;
  }
  const r = others[0];
  const indexes = table.indexes.filter((i) => i.column === r.column);
  if (indexes.length === 0) {
    return `${name(r.column)} is neither in the primary key nor indexed`;
  }
  const serves = indexes.some((i) => {
    switch (r.op) {
      case "=": return i.target === "values" || i.target === "full";
      case "CONTAINS": return i.target === "values";
      case "CONTAINS KEY": return i.target === "keys";
      case "LIKE": return i.sasi;
      default: return i.sasi && SLICE_OPS.has(r.op);
    }
  });
  return serves ? null : `the index on ${name(r.column)} does not serve ${r.op === "=" ? "=" : `${opName(r.op)}()`}`;
}

function relation(r) {
  const col = ident(r.column);
  return r.op === "IN" ? `${col} IN ?` : `${col} ${r.op} ?`;
}

/** Orders restrictions by the table's column order (one statement text per shape). */
function ordered(table, rs) {
  return [...rs].sort((a, b) => (table.position.get(a.column) ?? 0) - (table.position.get(b.column) ?? 0));
}

/** Key values of a write document: `{ present: Map<column, value>, missing: [columns] }` for `keys`. */
function keyValues(model, table, rs, keys, where) {
  const present = new Map();
  for (const r of rs) {
    if (!keys.includes(r.column)) continue;
    if (r.op !== "=") {
      throw new ArgumentError(`${where}: primary key ${model.describe(r.prop, r.column)} takes a value, not ${opName(r.op)}()`);
    }
    if (r.value === null) {
      throw new ArgumentError(`${where}: primary key ${model.describe(r.prop, r.column)} is null`);
    }
    present.set(r.column, r.value);
  }
  return { present, missing: keys.filter((k) => !present.has(k)) };
}

/** The properties of `doc` to use: those in `fields` (keys always), or all. */
function pick(model, doc, fields, where, keep = () => false) {
  if (fields === undefined) return doc;
  if (!Array.isArray(fields) || !fields.every((f) => typeof f === "string")) {
    throw new ArgumentError(`${where}: \`fields\` is an array of property names`);
  }
  const out = {};
  for (const p of Object.keys(doc)) {
    if (fields.includes(p) || keep(model.columnOf(p))) out[p] = doc[p];
  }
  return out;
}

function numberOption(v, what, where) {
  if (v === undefined || v === null) return undefined;
  if ((typeof v !== "number" || !Number.isInteger(v)) && typeof v !== "bigint") {
    throw new ArgumentError(`${where}: \`${what}\` is an integer`);
  }
  return v;
}

/** `USING TTL ? AND TIMESTAMP ?` with its values. */
function using(ttl, timestamp, params) {
  const parts = [];
  if (ttl !== undefined) {
    parts.push("TTL ?");
    params.push(ttl);
  }
  if (timestamp !== undefined) {
    parts.push("TIMESTAMP ?");
    params.push(timestamp);
  }
  return parts.length ? ` USING ${parts.join(" AND ")}` : "";
}

/** ` IF EXISTS` / ` IF a = ? AND ...` with its values. */
function conditionClause(model, table, info, params, where) {
  if (info.ifExists && info.when) throw new ArgumentError(`${where}: ifExists and when together: give one`);
  if (info.ifExists) return " IF EXISTS";
  if (info.when === undefined) return "";
  checkDoc(info.when, `${where} (when)`);
  const rs = ordered(table, restrictions(model, info.when, `${where} (when)`, CONDITION_OPS));
  if (rs.length === 0) return "";
  for (const r of rs) {
    if (!table.columns.has(r.column)) {
      throw new ArgumentError(`${where}: condition on ${model.describe(r.prop, r.column)}, not a column of ${table.qualified}`);
    }
    if (table.keyNames.includes(r.column)) {
      throw new ArgumentError(`${where}: condition on primary key column ${model.describe(r.prop, r.column)}`);
    }
    params.push(r.value);
  }
  return ` IF ${rs.map(relation).join(" AND ")}`;
}

/** Checks the properties of `doc` are columns of some table of the model. */
function checkProperties(model, tables, doc, where) {
  for (const prop of Object.keys(doc)) {
    if (doc[prop] === undefined) continue;
    const column = model.columnOf(prop);
    if (!tables.some((t) => t.columns.has(column))) {
      throw new ArgumentError(`${where}: ${model.describe(prop, column)} is not a column of ${tables.map((t) => t.qualified).join(" or ")}`);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Model mappers

/** Makes batch items of a model: `mapper.batch([users.batching.insert(doc), ...])`. */
export class ModelBatchMapper {
  constructor(modelMapper) {
    this._modelMapper = modelMapper;
  }
  /** An INSERT (docInfo: fields, ttl, timestamp, ifNotExists). */
  insert(doc, docInfo) { return new ModelBatchItem(this._modelMapper, "insert", doc, docInfo); }
  /** An UPDATE (docInfo: fields, ttl, timestamp, ifExists, when). */
  update(doc, docInfo) { return new ModelBatchItem(this._modelMapper, "update", doc, docInfo); }
  /** A DELETE (docInfo: fields, timestamp, ifExists, when, deleteOnlyColumns). */
  remove(doc, docInfo) { return new ModelBatchItem(this._modelMapper, "remove", doc, docInfo); }
}

/** One write of a batch (made by `modelMapper.batching`); its statements are made when the batch runs. */
export class ModelBatchItem {
  constructor(modelMapper, kind, doc, docInfo) {
    this._modelMapper = modelMapper;
    this._kind = kind;
    this._doc = doc;
    this._docInfo = docInfo ?? {};
  }
  _plans() {
    return this._modelMapper._writePlans(this._kind, this._doc, this._docInfo);
  }
}

/**
 * The mapper of one model: `get`, `find`, `findAll`, `insert`, `update`, `remove`,
 * `mapWithQuery`, and `batching` for `mapper.batch()`.
 */
export class ModelMapper {
  constructor(name, mapper, info) {
    /** The model's name. */
    this.name = name;
    this._mapper = mapper;
    this._info = info;
    /** Batch items of this model: `batching.insert(doc)`, `update`, `remove`. */
    this.batching = new ModelBatchMapper(this);
  }

  /** The model's tables, from the cache (or `fresh` from client.metadata). */
  _tables(fresh) {
    return this._info.tables.map((t) => this._mapper._table(this._info, t, fresh));
  }

  /**
   * `build(tables)`; when it refuses the statement, retried once with the tables read from
   * client.metadata again: a refusal may come from a cached table older than the schema
   * (a column added, an index created, `refreshSchema()` called since).
   */
  _plan(build) {
    try {
      return build(this._tables(false));
    } catch (e) {
      if (!(e instanceof ArgumentError) || this._info.tables.every((t) => t.declared)) throw e;
      return build(this._tables(true));
    }
  }

  /**
   * The first document matching `doc` with every primary key column given, or `null`.
   * docInfo: `fields`.
   */
  async get(doc, docInfo, executionOptions) {
    const [info, eo] = infoAndOptions(docInfo, executionOptions);
    checkInfo(info, ["fields"], `get on model ${this.name}`);
    const result = await this._select(doc, info, eo, "get", callSite());
    return result.first();
  }

  /**
   * The documents matching `doc` (property values, or operators of `q`). docInfo: `fields`,
   * `orderBy` (`{ prop: "asc" | "desc" }`), `limit`, `allowFiltering`.
   */
  find(doc, docInfo, executionOptions) {
    const [info, eo] = infoAndOptions(docInfo, executionOptions);
    return this._select(doc, info, eo, "find", callSite());
  }

  /**
   * Every document of the table (the model's first), one page at a time: the result is the
   * first page; `for await` goes on through the others (`fetchSize` rows each).
   */
  findAll(docInfo, executionOptions) {
    const [info, eo] = infoAndOptions(docInfo, executionOptions);
    return this._select({}, info, eo, "findAll", callSite());
  }

  async _select(doc, info, eo, kind, site) {
    const where = `${kind} on model ${this.name}`;
    checkDoc(doc, where);
    checkInfo(info, kind === "get" ? ["fields"] : ["fields", "orderBy", "limit", "allowFiltering"], where);
    const options = clientOptions(eo, where);
    const rs = restrictions(this._info, doc, where, FILTER_OPS);
    const fields = info.fields === undefined ? [] : info.fields;
    if (!Array.isArray(fields) || !fields.every((f) => typeof f === "string")) {
      throw new ArgumentError(`${where}: \`fields\` is an array of property names`);
    }
    const orderBy = Object.entries(info.orderBy ?? {}).map(([prop, dir]) => {
      const d = String(dir).toLowerCase();
      if (d !== "asc" && d !== "desc") throw new ArgumentError(`${where}: orderBy of ${prop} is "asc" or "desc"`);
      return { prop, column: this._info.columnOf(prop), desc: d === "desc" };
    });
    const limit = numberOption(info.limit, "limit", where);
    const plan = this._plan((tables) => {
      const reasons = [];
      const candidates = kind === "findAll" ? tables.slice(0, 1) : tables;
      for (const table of candidates) {
        const why = this._selectReason(table, rs, fields, orderBy, kind, !!info.allowFiltering);
        if (why === null) return this._selectStatement(table, rs, fields, orderBy, limit, !!info.allowFiltering);
        reasons.push(candidates.length > 1 ? `${table.qualified}: ${why}` : why);
      }
      throw new ArgumentError(`${where}: ${reasons.join("; ")}`);
    });
    return this._mapper._execute(plan, options, this._info, kind, site, true);
  }

  /** Why `table` cannot serve a select, or null when it can. */
  _selectReason(table, rs, fields, orderBy, kind, allowFiltering) {
    const m = this._info;
    for (const [what, list] of [["filter", rs], ["orderBy", orderBy]]) {
      for (const r of list) {
        if (!table.columns.has(r.column)) {
          return `${what} on ${m.describe(r.prop, r.column)}, not a column of ${table.qualified}`;
        }
      }
    }
    for (const f of fields) {
      const c = m.columnOf(f);
      if (!table.columns.has(c)) return `field ${m.describe(f, c)} is not a column of ${table.qualified}`;
    }
    if (kind === "get") {
      const missing = table.keyNames.filter((k) => !rs.some((r) => r.column === k && r.op === "="));
      if (missing.length) {
        return `get needs every primary key column with a value: ${missing.map((c) => m.describe(m.propertyOf(c), c)).join(", ")} missing`;
      }
    }
    if (!allowFiltering) {
      const why = filteringReason(table, m, rs);
      if (why !== null) return `${why} — give the partition key, query an indexed column, or pass { allowFiltering: true }`;
    }
    if (orderBy.length) {
      const ck = table.clustering;
      const pkAll = table.partitionKeys.every((c) => rs.some((r) => r.column === c && (r.op === "=" || r.op === "IN")));
      if (!pkAll) return "orderBy needs the whole partition key restricted by = or q.in_()";
      const names = ck.map((c) => `${c.name} ${c.desc ? "DESC" : "ASC"}`).join(", ");
      const flips = orderBy.map((o, i) => (ck[i] && ck[i].name === o.column ? o.desc !== ck[i].desc : null));
      if (flips.includes(null) || new Set(flips).size > 1) {
        return `orderBy follows the clustering columns in order (${names || "none"}), all as declared or all reversed`;
      }
    }
    return null;
  }

  _selectStatement(table, rs, fields, orderBy, limit, allowFiltering) {
    const params = [];
    const cols = fields.map((f) => ident(this._info.columnOf(f)));
    let cql = `SELECT ${cols.length ? cols.join(", ") : "*"} FROM ${table.qualified}`;
    const sorted = ordered(table, rs);
    if (sorted.length) {
      cql += ` WHERE ${sorted.map(relation).join(" AND ")}`;
      for (const r of sorted) params.push(r.value);
    }
    if (orderBy.length) cql += ` ORDER BY ${orderBy.map((o) => `${ident(o.column)} ${o.desc ? "DESC" : "ASC"}`).join(", ")}`;
    if (limit !== undefined) {
      cql += " LIMIT ?";
      params.push(limit);
    }
    if (allowFiltering) cql += " ALLOW FILTERING";
    return { query: cql, params, table };
  }

  /** Inserts `doc` (docInfo: `fields`, `ttl`, `timestamp`, `ifNotExists`) in each of the model's tables. */
  insert(doc, docInfo, executionOptions) {
    return this._write("insert", doc, docInfo, executionOptions, callSite());
  }

  /**
   * Updates the row `doc`'s primary key names with its other properties (values, or
   * `q.incr`/`q.decr`/`q.append`/`q.prepend`/`q.remove`). docInfo: `fields`, `ttl`,
   * `timestamp`, `ifExists`, `when`.
   */
  update(doc, docInfo, executionOptions) {
    return this._write("update", doc, docInfo, executionOptions, callSite());
  }

  /**
   * Deletes the row `doc`'s primary key names, or only some of its columns
   * (`deleteOnlyColumns`: the other properties given). docInfo: `fields`, `timestamp`,
   * `ifExists`, `when`, `deleteOnlyColumns`.
   */
  remove(doc, docInfo, executionOptions) {
    return this._write("remove", doc, docInfo, executionOptions, callSite());
  }

  async _write(kind, doc, docInfo, eo, site) {
    const [info, e] = infoAndOptions(docInfo, eo);
    const plans = this._writePlans(kind, doc, info);
    const options = clientOptions(e, `${kind} on model ${this.name}`);
    if (plans.length === 1) return this._mapper._execute(plans[0], options, this._info, kind, site, false);
    return this._mapper._batch(plans, options, this._info, kind, site);
  }

  static _allowed = {
    insert: ["fields", "ttl", "timestamp", "ifNotExists"],
    update: ["fields", "ttl", "timestamp", "ifExists", "when"],
    remove: ["fields", "timestamp", "ifExists", "when", "deleteOnlyColumns"],
  };

  /** The statements of a write: one per table of the model the document's keys fit. */
  _writePlans(kind, doc, info) {
    const where = `${kind} on model ${this.name}`;
    checkDoc(doc, where);
    checkInfo(info, ModelMapper._allowed[kind], where);
    const ttl = numberOption(info.ttl, "ttl", where);
    const timestamp = numberOption(info.timestamp, "timestamp", where);
    const conditional = !!(info.ifNotExists || info.ifExists || info.when);
    if (timestamp !== undefined && conditional) {
      throw new ArgumentError(`${where}: a conditional write (ifNotExists, ifExists, when) takes no timestamp: the node sets it`);
    }
    return this._plan((all) => {
      const tables = all.filter((t) => !t.isView);
      if (tables.length === 0) throw new ArgumentError(`${where}: the model maps only to views, which take no writes`);
      const anyKey = (c) => tables.some((t) => t.keyNames.includes(c));
      checkProperties(this._info, tables, pick(this._info, doc, info.fields, where, anyKey), where);
      const plans = [];
      const reasons = [];
      for (const table of tables) {
        const used = pick(this._info, doc, info.fields, where, (c) => table.keyNames.includes(c));
        const rs = restrictions(this._info, used, where, ANY_OP).filter((r) => table.columns.has(r.column));
        const keys = keyValues(this._info, table, rs, table.keyNames, where);
        const pkMissing = table.partitionKeys.filter((k) => keys.missing.includes(k));
        const ckMissing = table.clustering.map((c) => c.name).filter((k) => keys.missing.includes(k));
        const others = rs.filter((r) => !table.keyNames.includes(r.column));
        for (const r of others) {
          if (r.op !== "=" && !(kind === "update" && ASSIGN_OPS[r.op])) {
            throw new ArgumentError(`${where}: ${opName(r.op)}() on ${this._info.describe(r.prop, r.column)} is not allowed here (${kind === "update"
              ? "update takes values, q.incr(), q.decr(), q.append(), q.prepend() and q.remove()" : `${kind} takes values`})`);
          }
        }
        const onlyStatic = others.length > 0 && others.every((r) => table.columns.get(r.column).kind === "static");
        const partitionWrite = kind !== "remove" && ckMissing.length === table.clustering.length && onlyStatic;
        if (pkMissing.length || (ckMissing.length && !partitionWrite)) {
          const missing = [...pkMissing, ...ckMissing];
          reasons.push(`missing key field${missing.length > 1 ? "s" : ""} ${missing.map((c) => this._info.describe(this._info.propertyOf(c), c)).join(", ")} of ${table.qualified}`);
          continue;
        }
        const plan = this[`_${kind}Statement`](table, keys.present, others, info, ttl, timestamp, where);
        if (plan === null) {
          reasons.push(`no column to set in ${table.qualified}`);
          continue;
        }
        plan.conditional = conditional;
        plans.push(plan);
      }
      if (plans.length === 0) throw new ArgumentError(`${where}: ${reasons.join("; ")}`);
      if (conditional && plans.length > 1) {
        throw new ArgumentError(`${where}: a conditional write spans tables ${plans.map((p) => p.table.qualified).join(", ")}: Cassandra applies conditions within one table`);
      }
      return plans;
    });
  }

  _where(table, keys, params) {
    const parts = [];
    for (const k of table.keyNames) {
      if (!keys.has(k)) continue;
      parts.push(`${ident(k)} = ?`);
      params.push(keys.get(k));
    }
    return ` WHERE ${parts.join(" AND ")}`;
  }

  _insertStatement(table, keys, others, info, ttl, timestamp, where) {
    for (const r of others) {
      if (table.columns.get(r.column).type === "counter") {
        throw new ArgumentError(`${where}: ${this._info.describe(r.prop, r.column)} is a counter: counters change through update() with q.incr()/q.decr()`);
      }
    }
    const cols = [...keys.keys(), ...others.map((r) => r.column)];
    const params = [...keys.values(), ...others.map((r) => r.value)];
    let cql = `INSERT INTO ${table.qualified} (${cols.map(ident).join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`;
    if (info.ifNotExists) cql += " IF NOT EXISTS";
    cql += using(ttl, timestamp, params);
    return { query: cql, params, table, counter: false, why: "a row with this primary key exists" };
  }

  _updateStatement(table, keys, others, info, ttl, timestamp, where) {
    if (others.length === 0) return null;
    const params = [];
    const head = `UPDATE ${table.qualified}${using(ttl, timestamp, params)}`;
    const sets = [];
    let counter = false;
    for (const r of others) {
      const col = table.columns.get(r.column);
      const isCounter = col.type === "counter";
      const name = this._info.describe(r.prop, r.column);
      const coll = collectionKind(col.type);
      if (r.op === "=") {
        if (isCounter) throw new ArgumentError(`${where}: ${name} is a counter: set it with q.incr() or q.decr()`);
        sets.push(`${ident(r.column)} = ?`);
      } else {
        if ((r.op === "incr" || r.op === "decr") !== isCounter) {
          throw new ArgumentError(isCounter
            ? `${where}: ${name} is a counter: ${opName(r.op)}() does not apply, q.incr() and q.decr() do`
            : `${where}: ${opName(r.op)}() needs a counter column; ${name} is ${col.type}`);
        }
        if (!isCounter && (coll === null || coll === "frozen" || (r.op === "prepend" && coll !== "list"))) {
          throw new ArgumentError(`${where}: ${opName(r.op)}() needs a ${r.op === "prepend" ? "list" : "non-frozen list, set or map"}; ${name} is ${col.type}`);
        }
        sets.push(ASSIGN_OPS[r.op].replaceAll("$", ident(r.column)));
      }
      if (isCounter) counter = true;
      params.push(r.value);
    }
    if (counter && ttl !== undefined) throw new ArgumentError(`${where}: counters take no ttl`);
    let cql = `${head} SET ${sets.join(", ")}${this._where(table, keys, params)}`;
    cql += conditionClause(this._info, table, info, params, where);
    return {
      query: cql, params, table, counter,
      why: info.ifExists ? "no row with this primary key" : "its condition is false",
    };
  }

  _removeStatement(table, keys, others, info, ttl, timestamp, where) {
    const params = [];
    const targets = info.deleteOnlyColumns ? others.map((r) => ident(r.column)) : [];
    let cql = `DELETE ${targets.length ? `${targets.join(", ")} ` : ""}FROM ${table.qualified}${using(undefined, timestamp, params)}`;
    cql += this._where(table, keys, params);
    cql += conditionClause(this._info, table, info, params, where);
    return {
      query: cql, params, table, counter: false,
      why: info.ifExists ? "no row with this primary key" : "its condition is false",
    };
  }

  /**
   * A method running `query` (CQL with bind markers) with the parameters
   * `paramsHandler(doc)` gives, its rows read as documents of the model:
   * `users.byEmail = users.mapWithQuery("SELECT ...", (d) => [d.email])`.
   */
  mapWithQuery(query, paramsHandler, executionOptions) {
    if (typeof query !== "string") throw new ArgumentError(`mapWithQuery on model ${this.name}: the query is CQL text`);
    if (typeof paramsHandler !== "function") {
      throw new ArgumentError(`mapWithQuery on model ${this.name}: paramsHandler is a function of the document giving the parameters`);
    }
    const where = `query of model ${this.name}`;
    const base = clientOptions(executionOptions, where);
    return async (doc, eo) => {
      const site = callSite();
      const options = { ...base, ...clientOptions(eo, where) };
      const plan = { query, params: paramsHandler(doc), conditional: true, why: "its condition is false" };
      return this._mapper._execute(plan, options, this._info, "query", site, true);
    };
  }
}

// ---------------------------------------------------------------------------------------
// The mapper

/** A weak reference to `target` (a strong one where there is no WeakRef). */
function weakly(target) {
  return typeof WeakRef === "function" ? new WeakRef(target) : { deref: () => target };
}

/**
 * Drops cached tables of a keyspace when the client reports a change in it. The listener
 * holds the cache weakly, through `ref`, and nothing else of the mapper (it is made out
 * here, where no closure holds the cache itself); it leaves the client at its first event
 * after the mapper is gone: a client outlives any number of mappers made and dropped.
 */
function followSchema(client, ref) {
  const listener = (e) => {
    const tables = ref.deref();
    if (tables === undefined) {
      if (typeof client.off === "function") client.off("schemaChange", listener);
      return;
    }
    for (const [k, t] of tables) {
      if (t.keyspace === e.keyspace) tables.delete(k);
    }
  };
  client.on("schemaChange", listener);
}

/**
 * Maps documents to rows for the models in `options.models`:
 * `new Mapper(client, { models: { User: { tables: ["users"], keyspace: "shop" } } })`.
 */
export class Mapper {
  constructor(client, options) {
    if (client === null || typeof client !== "object" || typeof client.execute !== "function") {
      throw new ArgumentError("new Mapper(client, options): client is a connected Client");
    }
    const o = options ?? {};
    if (typeof o !== "object") throw new ArgumentError("new Mapper(client, options): options is an object");
    for (const k of Object.keys(o)) {
      if (k !== "models") throw new ArgumentError(`new Mapper(client, options): unknown option \`${k}\` (options: models)`);
    }
    /** The client the mapper runs statements on. */
    this.client = client;
    this._models = new Map();
    for (const [name, mo] of Object.entries(o.models ?? {})) this._models.set(name, new ModelInfo(name, mo));
    this._mappers = new Map();
    /** Tables read from client.metadata, by keyspace, name and kind; dropped on schema events. */
    this._cache = new Map();
    if (typeof client.on === "function") followSchema(client, weakly(this._cache));
  }

  /** The mapper of model `name` (one of `options.models`). */
  forModel(name) {
    let m = this._mappers.get(name);
    if (m) return m;
    const info = this._models.get(name);
    if (!info) {
      const known = [...this._models.keys()];
      throw new ArgumentError(`no model ${JSON.stringify(name)} in the Mapper's options (models: ${known.length ? known.join(", ") : "none"})`);
    }
    m = new ModelMapper(name, this, info);
    this._mappers.set(name, m);
    return m;
  }

  /** The table `t` of model `info`: declared, cached, or read from client.metadata. */
  _table(info, t, fresh) {
    const keyspace = t.declared?.keyspace ?? info.keyspace ?? this.client.keyspace ?? null;
    if (!keyspace) {
      throw new ArgumentError(`model ${info.name} has no keyspace: set \`keyspace\` in its options, or connect with \`keyspace\``);
    }
    if (t.declared) {
      t.resolved ??= new Map();
      let d = t.resolved.get(keyspace);
      if (!d) {
        d = TableInfo.declared(info.name, t.declared, keyspace);
        t.resolved.set(keyspace, d);
      }
      return d;
    }
    const key = `${keyspace}\u0000${t.name}\u0000${t.isView}`;
    if (!fresh) {
      const hit = this._cache.get(key);
      if (hit) return hit;
    }
    const metadata = this.client.metadata;
    let found;
    try {
      found = t.isView ? metadata.view(keyspace, t.name) : metadata.table(keyspace, t.name);
    } finally {
      if (typeof metadata?.free === "function") metadata.free();
    }
    if (!found) {
      throw new ArgumentError(`model ${info.name}: ${t.isView ? "view" : "table"} ${keyspace}.${t.name} is not in client.metadata `
        + "(just created? `await client.refreshSchema()`; schema metadata off for it? declare the table's schema in the model's `tables`)");
    }
    const table = TableInfo.fromMetadata(found, t.isView);
    this._cache.set(key, table);
    return table;
  }

  /** Runs one planned statement; `paged`: the result's `for await` fetches the next pages. */
  async _execute(plan, options, model, kind, site, paged) {
    const opts = { ...options, prepare: true };
    delete opts.logged;
    delete opts.counter;
    const rs = await this.client.execute(plan.query, plan.params, opts);
    const err = notApplied(plan, rs, model, `${kind} on model ${model.name}`, site);
    if (err) throw err;
    const fetchPage = paged
      ? async (pageState) => new Result(await this.client.execute(plan.query, plan.params, { ...opts, pageState }), model, fetchPage)
      : null;
    return new Result(rs, model, fetchPage);
  }

  /** Runs planned statements as one batch. */
  async _batch(plans, options, model, kind, site) {
    const counters = plans.filter((p) => p.counter).length;
    if (counters > 0 && counters < plans.length) {
      throw new ArgumentError(`${kind}: a batch holds counter updates only or none (Cassandra's counter batches)`);
    }
    const opts = { logged: true, ...options, prepare: true, counter: counters > 0 };
    if (opts.counter) delete opts.logged;
    const rs = await this.client.batch(plans.map((p) => ({ query: p.query, params: p.params })), opts);
    const conditional = plans.find((p) => p.conditional);
    const err = notApplied({ query: plans.map((p) => p.query), why: conditional?.why }, rs, model, kind, site);
    if (err) throw err;
    return new Result(rs, model, null);
  }

  /**
   * Runs the items (`modelMapper.batching.insert(doc)`, `update`, `remove`) as one batch:
   * logged unless `logged: false`; a counter batch when they update counters.
   */
  async batch(items, executionOptions) {
    const site = callSite();
    if (!Array.isArray(items) || items.length === 0 || !items.every((i) => i instanceof ModelBatchItem)) {
      throw new ArgumentError("mapper.batch(items): items is a non-empty array of modelMapper.batching.insert/update/remove(...)");
    }
    const plans = items.flatMap((i) => i._plans());
    const options = clientOptions(executionOptions, "batch");
    const first = items.find((i) => {
      const d = i._docInfo;
      return d.ifNotExists || d.ifExists || d.when;
    }) ?? items[0];
    return this._batch(plans, options, first._modelMapper._info, "batch", site);
  }
}
