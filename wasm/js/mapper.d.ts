// The object mapper's types (js/mapper.js), part of the package's index.d.ts.
import type { Client, BatchOptions, Params } from "./cql_wasm.js";
import { CqlError } from "./index.js";

/**
 * An operator of `q` as a property value: `Kind` "filter" for relations (find, get,
 * `when` conditions), "update" for assignments (update). `V` is the property's type.
 */
export declare class QueryOperator<V = unknown, Kind extends "filter" | "update" = "filter" | "update"> {
  private constructor();
  private readonly _value?: V;
  private readonly _kind?: Kind;
  /** The CQL operator (`">"`, `"IN"`, `"AND"`...) or the assignment (`"incr"`, `"append"`...). */
  readonly op: string;
  readonly value: unknown;
}
/** A relation on a property of type `V`: `q.gt(v)`, `q.in_([...])`, `q.and(...)`... */
export type FilterOperator<V> = QueryOperator<V, "filter">;
/** An assignment of update(): `q.incr(n)`, `q.append([...])`... */
export type UpdateOperator = QueryOperator<unknown, "update">;

/** The operators of filter, condition and update documents. */
export declare const q: {
  /** `IN`: the property's value is one of `values`. */
  in_<V>(values: readonly V[]): FilterOperator<V>;
  /** `>` */
  gt<V>(value: V): FilterOperator<V>;
  /** `>=` */
  gte<V>(value: V): FilterOperator<V>;
  /** `<` */
  lt<V>(value: V): FilterOperator<V>;
  /** `<=` */
  lte<V>(value: V): FilterOperator<V>;
  /** `!=`: conditions (`when`) only. */
  notEq<V>(value: V): FilterOperator<V>;
  /** `CONTAINS`: a list, set or map (its values) holds `value`. */
  contains(value: unknown): FilterOperator<any>;
  /** `CONTAINS KEY`: a map has the key `key`. */
  containsKey(key: unknown): FilterOperator<any>;
  /** `LIKE` (SASI and storage-attached indexes): text matching `pattern` (`%` wildcards). */
  like(pattern: string): FilterOperator<string>;
  /** Several restrictions on one property: `q.and(q.gte(a), q.lt(b))`. */
  and<V>(...conditions: (V | FilterOperator<V>)[]): FilterOperator<V>;
  /** `c = c + value` on a counter. */
  incr(value: number | bigint): UpdateOperator;
  /** `c = c - value` on a counter. */
  decr(value: number | bigint): UpdateOperator;
  /** `c = c + value`: elements appended to a list, added to a set, entries put in a map. */
  append(value: unknown): UpdateOperator;
  /** `c = value + c`: elements prepended to a list. */
  prepend(value: unknown): UpdateOperator;
  /** `c = c - value`: elements removed from a list or set, keys (a set) from a map. */
  remove(value: unknown): UpdateOperator;
};

/** How property names become column names and back. */
export declare class TableMappings {
  getColumnName(propName: string): string;
  getPropertyName(columnName: string): string;
  /** A new, empty document for a row read. */
  newObjectInstance(): any;
}
/** Properties named as their columns (the default). */
export declare class DefaultTableMappings extends TableMappings {}
/** snake_case columns as camelCase properties: `video_count` ↔ `videoCount`. */
export declare class UnderscoreCqlToCamelCaseMappings extends TableMappings {}

/** A column whose property is not named by the convention, or whose values are converted. */
export interface ModelColumnOptions {
  /** The property's name. */
  name?: string;
  /** Column value → property value, on reads. */
  toModel?: (columnValue: any) => any;
  /** Property value → column value, on writes and in filters. */
  fromModel?: (propertyValue: any) => any;
}

/** A table (or, `isView`, a materialized view) read from `client.metadata`. */
export interface ModelTable {
  name: string;
  isView?: boolean;
}

/**
 * A table described by the model itself, for clients whose `client.metadata` lacks it
 * (`schemaMetadata: false`, or other keyspaces).
 */
export interface DeclaredTable {
  table: string;
  /** Its keyspace (else the model's, else the client's). */
  keyspace?: string;
  /** The partition key column(s), in order. */
  partitionKey: string | string[];
  /** The clustering columns, in order (ascending unless `order: "DESC"`). */
  clustering?: (string | { name: string; order?: "ASC" | "DESC" | "asc" | "desc" })[];
  /** Every column with its CQL type (`"text"`, `"set<text>"`, `"counter"`, `"int static"`). */
  columns: { [column: string]: string };
  /** Static columns (or their type written `"... static"`). */
  static?: string[];
  /** Secondary indexes: targets as CQL writes them (`"v"`, `"keys(m)"`), with the class of a custom index. */
  indexes?: (string | { target: string; className?: string })[];
  isView?: boolean;
}

/** A model: its tables, keyspace, naming convention and column exceptions. */
export interface ModelOptions {
  /** Its tables and views (the model's name when absent); writes go to every table the keys fit. */
  tables?: (string | ModelTable | DeclaredTable)[];
  /** Its keyspace (the client's when absent). */
  keyspace?: string;
  mappings?: TableMappings;
  /** Column name → property name, or conversions. */
  columns?: { [column: string]: string | ModelColumnOptions };
}

export interface MappingOptions {
  models?: { [name: string]: ModelOptions };
}

/** Options of a statement (or batch): the client's, and the DataStax driver's names for some. */
export interface MappingExecutionOptions extends BatchOptions {
  /** Rows per page (as `pageSize`). */
  fetchSize?: number;
  /** As `idempotent`. */
  isIdempotent?: boolean;
}

type Field<T> = keyof T & string;

/** A filter (or condition) document: property values, or relations of `q`. */
export type FilterDoc<T> = { [K in keyof T]?: T[K] | FilterOperator<T[K]> };
/** An update document: values, or assignments of `q`. */
export type UpdateDoc<T> = { [K in keyof T]?: T[K] | UpdateOperator };
/** A document to insert or remove: the primary key, and columns. */
export type WriteDoc<T> = { [K in keyof T]?: T[K] };

export interface FindDocInfo<T> {
  /** The properties read (every column when absent). */
  fields?: Field<T>[];
  /** Clustering columns in their order: `{ addedDate: "desc" }`. */
  orderBy?: { [K in Field<T>]?: "asc" | "desc" | "ASC" | "DESC" };
  limit?: number;
  /** Run a query that filters rows server-side (`ALLOW FILTERING`). */
  allowFiltering?: boolean;
}
export interface InsertDocInfo<T> {
  /** The properties written (the primary key's always). */
  fields?: Field<T>[];
  /** Seconds the values live. */
  ttl?: number;
  /** The write's timestamp, in microseconds. */
  timestamp?: number | bigint;
  ifNotExists?: boolean;
}
export interface UpdateDocInfo<T> {
  fields?: Field<T>[];
  ttl?: number;
  timestamp?: number | bigint;
  ifExists?: boolean;
  /** `IF` conditions on the row's current values. */
  when?: FilterDoc<T>;
}
export interface RemoveDocInfo<T> {
  fields?: Field<T>[];
  timestamp?: number | bigint;
  ifExists?: boolean;
  when?: FilterDoc<T>;
  /** Delete only the columns of the other properties given, not the row. */
  deleteOnlyColumns?: boolean;
}

type ExecutionOptions = string | MappingExecutionOptions;

/**
 * One page of documents: `first()`, `toArray()`, `for...of` (this page), `for await...of`
 * (every page from this one on, fetched as reached), `pageState`.
 */
export declare class Result<T = any> implements Iterable<T>, AsyncIterable<T> {
  private constructor();
  /** Documents in this page. */
  readonly length: number;
  /** Where the next page starts (`null` on the last page): the `pageState` execution option. */
  readonly pageState: Uint8Array | string | null;
  /** Whether a conditional write was applied (`true` for other statements). */
  wasApplied(): boolean;
  first(): T | null;
  toArray(): T[];
  forEach(callback: (doc: T, index: number) => void, thisArg?: unknown): void;
  [Symbol.iterator](): Iterator<T>;
  [Symbol.asyncIterator](): AsyncIterator<T>;
}

/** One write of a batch (`modelMapper.batching.insert(doc)`, ...). */
export declare class ModelBatchItem {
  private constructor();
}

export declare class ModelBatchMapper<T = any> {
  private constructor();
  insert(doc: WriteDoc<T>, docInfo?: InsertDocInfo<T>): ModelBatchItem;
  update(doc: UpdateDoc<T>, docInfo?: UpdateDocInfo<T>): ModelBatchItem;
  remove(doc: WriteDoc<T>, docInfo?: RemoveDocInfo<T>): ModelBatchItem;
}

/** The mapper of one model, whose documents are `T`. */
export declare class ModelMapper<T = any> {
  private constructor();
  readonly name: string;
  readonly batching: ModelBatchMapper<T>;
  /** The document whose whole primary key `doc` gives, or `null`. */
  get(doc: FilterDoc<T>, docInfo?: { fields?: Field<T>[] } | string, executionOptions?: ExecutionOptions): Promise<T | null>;
  find(doc: FilterDoc<T>, docInfo?: FindDocInfo<T> | string, executionOptions?: ExecutionOptions): Promise<Result<T>>;
  findAll(docInfo?: FindDocInfo<T> | string, executionOptions?: ExecutionOptions): Promise<Result<T>>;
  insert(doc: WriteDoc<T>, docInfo?: InsertDocInfo<T> | string, executionOptions?: ExecutionOptions): Promise<Result<T>>;
  update(doc: UpdateDoc<T>, docInfo?: UpdateDocInfo<T> | string, executionOptions?: ExecutionOptions): Promise<Result<T>>;
  remove(doc: WriteDoc<T>, docInfo?: RemoveDocInfo<T> | string, executionOptions?: ExecutionOptions): Promise<Result<T>>;
  /** A method running `query` with `paramsHandler(doc)` as its parameters, rows read as documents. */
  mapWithQuery<D = FilterDoc<T>>(
    query: string,
    paramsHandler: (doc: D) => Params,
    executionOptions?: ExecutionOptions,
  ): (doc: D, executionOptions?: ExecutionOptions) => Promise<Result<T>>;
}

/** Maps documents to rows for the models in `options.models`. */
export declare class Mapper {
  constructor(client: Client, options?: MappingOptions);
  readonly client: Client;
  /** The mapper of model `name`; `T` types its documents. */
  forModel<T = any>(name: string): ModelMapper<T>;
  /** The items as one batch (logged unless `logged: false`; a counter batch for counter updates). */
  batch(items: ModelBatchItem[], executionOptions?: ExecutionOptions): Promise<Result>;
}

/** A conditional write the node did not apply: the current row, if there is one. */
export declare class NotAppliedError extends CqlError {
  /** The current row as a document of the model, or `null` when there is none. */
  row: Record<string, any> | null;
  /** Every row the node answered with (a batch may answer several). */
  rows: Record<string, any>[];
  /** The model. */
  model?: string;
  /** The statement's CQL text (`queries` for a batch). */
  query?: string;
  queries?: string[];
}
