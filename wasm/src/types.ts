
/** Options of `Client.connect`. Durations are in milliseconds. */
export interface ConnectOptions {
  /** The cql-bridge URL with its path, e.g. `"wss://bridge.example.com/cql"`. */
  bridge: string;
  /** Bearer token for the bridge (sent as the `cql.bearer.<token>` subprotocol). */
  token?: string;
  /**
   * Nodes as the bridge reaches them: `"host[:port]"` (IPv6 as `"[addr]:port"`). One is
   * enough: the client discovers the others (`system.peers`) and reaches each through the
   * bridge (see `hosts()`); the bridge's allow-list must cover them.
   */
  contactPoints: string[] | string;
  /**
   * Rewrites the addresses the cluster reports for its nodes (NAT, private addresses) to
   * addresses the bridge can reach: `{ "10.0.0.5:9042": "172.16.0.5:9042" }` (one
   * address) or `{ "10.0.0.5": "172.16.0.5" }` (a host, any port). Contact points are not
   * rewritten.
   */
  addressTranslation?: Record<string, string>;
  /**
   * Other bridges for nodes in IP networks, e.g. one per datacenter:
   * `{ "10.2.0.0/16": "wss://bridge-dc2.example.com/cql" }` (the longest matching network
   * wins; other nodes use `bridge`).
   */
  networkBridges?: Record<string, string>;
  /** Default port for contact points without one (9042). */
  port?: number;
  /** Keyspace to `USE` on every connection. */
  keyspace?: string;
  /** PasswordAuthenticator credentials. */
  credentials?: { username: string; password: string };
  localDatacenter?: string;
  /** Default consistency (`"LOCAL_ONE"` unless set). */
  consistency?: Consistency;
  serialConsistency?: Consistency;
  /** Rows per page (5000 by default; 0 turns paging off). */
  pageSize?: number;
  /** Protocol version to use (negotiated down from 5 by default). */
  protocolVersion?: 3 | 4 | 5;
  compression?: "none" | "lz4";
  connectTimeout?: number;
  /** Client-side request timeout (0: none). */
  requestTimeout?: number;
  /** Heartbeat interval (0: none). */
  heartbeatInterval?: number;
  connectionsPerHost?: number;
  /** Whether statements are idempotent by default (retried on timeouts). */
  idempotent?: boolean;
  applicationName?: string;
  applicationVersion?: string;
  /** How `timestamp` values come out: `Date` (default) or a number of milliseconds. */
  timestamps?: "date" | "number";
  /** JSON-safe results by default (see `QueryOptions.json`). */
  json?: boolean;
  /**
   * Which keyspaces' schema `client.metadata` keeps (read at connect, then kept current
   * from the cluster's schema events): `true` every keyspace (the default), `false` none
   * (saves the startup queries and their memory), or the names of the keyspaces to keep.
   */
  schemaMetadata?: boolean | string[];
}

export type Consistency =
  | "ANY" | "ONE" | "TWO" | "THREE" | "QUORUM" | "ALL" | "LOCAL_QUORUM"
  | "EACH_QUORUM" | "SERIAL" | "LOCAL_SERIAL" | "LOCAL_ONE";

/** Options of `execute`, `stream` and `batch`. */
export interface QueryOptions {
  /**
   * Prepare the statement (once, cached) and convert parameters to its exact types.
   * Default: `true` when there are parameters or the query is a `Prepared`.
   */
  prepare?: boolean;
  /** CQL types of positional parameters of an unprepared statement, e.g. `["int", "list<text>"]`. */
  hints?: (string | null)[];
  consistency?: Consistency;
  serialConsistency?: Consistency;
  pageSize?: number;
  /**
   * Resume after the page a previous result ended with: its `pageState`, as bytes or as a
   * hex or base64 string (e.g. a REST cursor).
   */
  pageState?: Uint8Array | string;
  /** Write timestamp in microseconds since the epoch. */
  timestamp?: bigint | number;
  /** Client-side timeout for this request. */
  timeout?: number;
  idempotent?: boolean;
  tracing?: boolean;
  /** Keyspace for this statement (protocol v5). */
  keyspace?: string;
  executionProfile?: string;
  timestamps?: "date" | "number";
  /**
   * JSON-safe values, which `JSON.stringify` keeps whole: strings for bigint, counter,
   * varint, decimal, date (`YYYY-MM-DD`), time (`HH:MM:SS.nnnnnnnnn`), duration (CQL's
   * `1mo2d3ns` form) and timestamp (ISO 8601, or a number with `timestamps: "number"`);
   * blobs as base64; sets as arrays; maps as objects (non-text keys as their JSON text);
   * NaN and infinities as strings; `pageState` as a hex string.
   */
  json?: boolean;
}

/** Options of `batch`. */
export interface BatchOptions extends QueryOptions {
  /** A logged batch (default `true`). */
  logged?: boolean;
  /** A counter batch. */
  counter?: boolean;
}

/** One statement of a batch. */
export type BatchStatement = string | { query: string | Prepared; params?: Params };

/** Parameters: an array for positional markers, an object for named ones (or column names). */
export type Params = ParamValue[] | { [name: string]: ParamValue } | undefined | null;

/**
 * A `date`: a calendar day (proleptic Gregorian); `toString()`/`toJSON()` give
 * `"YYYY-MM-DD"`. As a parameter: any `{ year, month, day }`, `"YYYY-MM-DD"`, a `Date` (its
 * UTC day).
 */
export interface CqlDate { year: number; month: number; day: number; toString(): string; toJSON(): string }
/**
 * A `time`: time of day to the nanosecond; `toString()`/`toJSON()` give
 * `"HH:MM:SS.nnnnnnnnn"`. As a parameter: any `{ hour, minute, second, nanosecond }`,
 * `"HH:MM:SS[.fffffffff]"`, a bigint of nanoseconds.
 */
export interface CqlTime {
  hour: number; minute: number; second: number; nanosecond: number;
  toString(): string; toJSON(): string;
}
/**
 * A `duration`: months, days and nanoseconds, each signed, never normalised;
 * `toString()`/`toJSON()` give CQL's form (`"1y2mo3d4h5m6s7ms8us9ns"`). As a parameter:
 * any `{ months, days, nanoseconds }`.
 */
export interface CqlDuration { months: number; days: number; nanoseconds: bigint; toString(): string; toJSON(): string }
/**
 * A `decimal`: `unscaled × 10^-scale`; `toString()`/`toJSON()` give the exact decimal
 * text. As a parameter: any `{ unscaled, scale }`, a decimal string, a number, a bigint.
 */
export interface CqlDecimal { unscaled: bigint; scale: number; toString(): string; toJSON(): string }

/**
 * A CQL value as JavaScript sees it:
 * text/ascii → string; int/smallint/tinyint/float/double → number; bigint/counter/varint → bigint;
 * boolean → boolean; blob → Uint8Array; uuid/timeuuid/inet → string; timestamp → Date
 * (a bigint of ms outside Date's range; a number with `timestamps: "number"`);
 * date/time/duration/decimal → the objects above; list/vector/tuple → array; set → Set;
 * map → Map; UDT → plain object; null → null. Parameters: `undefined` leaves a column unset.
 */
export type CqlValue =
  | null | undefined | string | number | bigint | boolean | Uint8Array | Date
  | CqlDate | CqlTime | CqlDuration | CqlDecimal
  | import("./index.js").Point | import("./index.js").LineString | import("./index.js").Polygon
  | import("./index.js").DateRange
  | CqlValue[] | Set<CqlValue> | Map<CqlValue, CqlValue> | { [field: string]: CqlValue };

/**
 * A value as a parameter: any `CqlValue`, and blob bytes as an `ArrayBuffer` or any view of
 * one (`Int8Array`, `DataView`, Node's `Buffer`...), also inside collections and UDTs.
 * Results never hold these: a blob comes back as a `Uint8Array`.
 */
export type ParamValue =
  | CqlValue | ArrayBuffer | ArrayBufferView
  | ParamValue[] | Set<ParamValue> | Map<ParamValue, ParamValue> | { [field: string]: ParamValue };

/** A row: column name → value. */
export type Row = { [column: string]: CqlValue };

/** Column metadata. */
export interface ColumnInfo { name: string; type: string; keyspace: string; table: string }

/** One page of a result. */
export interface ResultSet {
  rows: Row[];
  columns: ColumnInfo[];
  /**
   * Pass as `pageState` to fetch the next page; `null` on the last page. Bytes, or a hex
   * string with `json: true`.
   */
  pageState: Uint8Array | string | null;
  warnings: string[];
  tracingId: string | null;
  /** For lightweight transactions: whether it was applied. */
  applied: boolean | null;
  /** The keyspace a `USE` switched to. */
  keyspace: string | null;
  schemaChange: { change: string; target: string } | null;
  /** The node that answered (`host:port`). */
  host: string;
}

/** The error classes; every error the driver rejects with is a `CqlError`. */
export interface ErrorClasses {
  CqlError: ErrorConstructor;
  /** `code`, `codeName`, `serverMessage`, `host` and the code's details (see `ServerError` in index.d.ts). */
  ServerError: ErrorConstructor;
  /** `host`, `timeoutMs`. */
  TimeoutError: ErrorConstructor;
  ConnectionError: ErrorConstructor;
  AuthenticationError: ErrorConstructor;
  /** `errors: { host, error }[]`. */
  NoHostAvailableError: ErrorConstructor;
  ArgumentError: ErrorConstructor;
  DriverProtocolError: ErrorConstructor;
  ClosedError: ErrorConstructor;
}

/** `for await (const row of client.stream(...))`. */
export interface RowStream {
  [Symbol.asyncIterator](): RowStream;
}

/** One node as `client.hosts()` reports it. */
export interface HostInfo {
  /** `host:port` the client connects to (through the bridge). */
  address: string;
  /** The node's `host_id` (a uuid string). */
  hostId: string;
  datacenter: string | null;
  rack: string | null;
  /** Whether the client considers it up. */
  up: boolean;
  /** Connections open to it now. */
  connections: number;
  /**
   * Why the last attempt to connect to it failed (a `CqlError`: unreachable, refused by
   * the bridge — its close code is in the message —, bad credentials...); `null` once a
   * connection opens.
   */
  lastError: Error | null;
}

/**
 * The host events `client.on` follows. `"log"` receives every other host event as it
 * happens. (`"schemaChange"` has listeners of its own: see `SchemaChangeEvent`.)
 */
export type ClientEventName =
  | "hostUp" | "hostDown" | "hostAdd" | "hostRemove" | "connectionError" | "log";

/** What an event listener receives. */
export interface ClientEvent {
  /** The event: `"hostUp"`, `"hostDown"`, `"hostAdd"`, `"hostRemove"` or `"connectionError"`. */
  type: Exclude<ClientEventName, "log">;
  /** The node, as `host:port`. */
  address: string;
  /** The node's `host_id`. */
  hostId: string;
  /** `"warning"` for `hostDown` and `connectionError`, `"info"` otherwise. */
  level: "info" | "warning";
  /** A line to log, e.g. `"host 10.0.0.5:9042 down: ..."`. */
  message: string;
  /** For `hostDown` and `connectionError`: the connection error (a `CqlError`), when known. */
  error: Error | null;
}

/**
 * What a `"schemaChange"` listener receives: a change the cluster announced, once
 * `client.metadata` shows it.
 */
export interface SchemaChangeEvent {
  type: "schemaChange";
  change: "CREATED" | "UPDATED" | "DROPPED";
  target: "KEYSPACE" | "TABLE" | "TYPE" | "FUNCTION" | "AGGREGATE";
  /** The keyspace (the element itself for `"KEYSPACE"`). */
  keyspace: string;
  /** The table (or view), type, function or aggregate; `null` for a keyspace. */
  name: string | null;
  /** A function's or aggregate's argument types (CQL); `null` for other targets. */
  argumentTypes: string[] | null;
  level: "info";
  /** A line to log, e.g. `"schema change: TABLE UPDATED shop.users"`. */
  message: string;
}

/**
 * A keyspace in `client.metadata`. Names are as stored: case-sensitive, without quotes.
 */
export interface KeyspaceMetadata {
  name: string;
  durableWrites: boolean;
  /** The replication map as stored, with the strategy's full `class`. */
  replication: Record<string, string>;
  /** The strategy's class without Cassandra's package: `"SimpleStrategy"`, `"NetworkTopologyStrategy"`. */
  strategy: string | null;
  /** A virtual keyspace (`system_views`, ...). */
  virtual: boolean;
  /** DSE 6.8's graph engine (`"Core"`, `"Classic"`) of a graph keyspace. */
  graphEngine: string | null;
  /** The names of its tables, views, user types, functions and aggregates (each once). */
  tables: string[];
  views: string[];
  userTypes: string[];
  functions: string[];
  aggregates: string[];
  /** Why the keyspace's own row could not be read, if it could not. */
  parseError: string | null;
}

/** A column of a table or view. */
export interface ColumnMetadata {
  name: string;
  /** Its CQL type as stored, e.g. `"frozen<address>"`, `"map<text, int>"`. */
  type: string;
  kind: "partition_key" | "clustering" | "static" | "regular";
  /** Its position in the partition or clustering key (-1 for other columns). */
  position: number;
  isStatic: boolean;
  /** A clustering column in descending order. */
  isReversed: boolean;
  /** A clustering column's order; `null` for other columns. */
  order: "ASC" | "DESC" | null;
}

/** A clustering column. */
export interface ClusteringColumnMetadata extends ColumnMetadata {
  kind: "clustering";
  order: "ASC" | "DESC";
}

/** A table or view option as stored: text, a number, a boolean, a map or a list. */
export type SchemaOptionValue = string | number | boolean | Record<string, string> | string[];

/** A secondary index. */
export interface IndexMetadata {
  name: string;
  /** `"COMPOSITES"`, `"KEYS"` or `"CUSTOM"`. */
  kind: string;
  /** What it indexes: `"v"`, `"keys(m)"`, `"full(f)"`... */
  target: string | null;
  /** Its options (`target`, `class_name` of a custom index, ...). */
  options: Record<string, string>;
}

/** A trigger. */
export interface TriggerMetadata { name: string; options: Record<string, string> }

/** What tables and views share (the Node.js driver's `DataCollection`). */
export interface DataCollection {
  keyspace: string;
  name: string;
  /** Its id (a uuid string); `null` for virtual tables. */
  id: string | null;
  /** The partition key columns, in order. */
  partitionKeys: ColumnMetadata[];
  /** The clustering columns, in order. */
  clusteringKeys: ClusteringColumnMetadata[];
  /** Every column: the partition key, the clustering columns, then the others by name. */
  columns: ColumnMetadata[];
  /** Its options by name (`comment`, `compaction`, `gc_grace_seconds`, ...). */
  options: Record<string, SchemaOptionValue>;
  /** Why some of its schema rows could not be read (the rest is there). */
  parseError: string | null;
}

/** A table in `client.metadata`. */
export interface TableMetadata extends DataCollection {
  indexes: IndexMetadata[];
  triggers: TriggerMetadata[];
  /** The names of the materialized views built from it. */
  views: string[];
  virtual: boolean;
  /** Legacy `COMPACT STORAGE`. */
  compactStorage: boolean;
}

/** A materialized view in `client.metadata`. */
export interface ViewMetadata extends DataCollection {
  baseTable: string;
  /** `SELECT *` rather than a column list. */
  includeAllColumns: boolean;
  whereClause: string;
}

/** A user-defined type. */
export interface UserTypeMetadata {
  keyspace: string;
  name: string;
  /** Its fields in order, each with its CQL type as stored. */
  fields: { name: string; type: string }[];
}

/** One overload of a user-defined function. */
export interface FunctionMetadata {
  keyspace: string;
  name: string;
  argumentNames: string[];
  /** Argument CQL types: with the name, what tells overloads apart. */
  argumentTypes: string[];
  returnType: string;
  language: string;
  body: string;
  /** `CALLED ON NULL INPUT` (rather than `RETURNS NULL ON NULL INPUT`). */
  calledOnNullInput: boolean;
  deterministic: boolean;
  monotonic: boolean;
  monotonicOn: string[];
}

/** One overload of a user-defined aggregate. */
export interface AggregateMetadata {
  keyspace: string;
  name: string;
  argumentTypes: string[];
  stateFunction: string;
  stateType: string;
  finalFunction: string | null;
  /** The initial condition as a CQL literal. */
  initCondition: string | null;
  returnType: string;
  deterministic: boolean;
}

/** A replica `Metadata.getReplicas` names. */
export interface ReplicaInfo {
  /** `host:port` the client connects to (as `hosts()` names it). */
  address: string;
  hostId: string;
  datacenter: string | null;
  rack: string | null;
}

/**
 * The values of a partition key for `Metadata.getReplicas`: an array in key order or an
 * object by column name, converted as statement parameters are.
 */
export type PartitionKeyValues = ParamValue[] | { [column: string]: ParamValue };

export interface Metadata {
  /**
   * The schema as CQL: the keyspace and everything in it, or every non-system keyspace
   * without one (`undefined` or `null`); `null` for an unknown keyspace. `style`:
   * `"describe"` (the default; as Cassandra 4.1's `DESCRIBE` prints it) or `"python"` (as
   * the Python driver's `export_as_string()` does).
   */
  exportAsString(keyspace?: string | null, style?: "describe" | "python"): string | null;
}

export interface Client {
  /**
   * Runs `query` (CQL text or a `Prepared`) with `params` (an array for `?` markers, an
   * object for named ones) and resolves with one page of results. With parameters the
   * statement is prepared first (once; cached) so every value gets its column's exact type;
   * `{ prepare: false }` sends a simple statement with natural types (or `hints`).
   */
  execute(query: string | Prepared, params?: Params, options?: QueryOptions): Promise<ResultSet>;
  /**
   * Runs a graph statement (DSE Graph): a Gremlin-Groovy script with named `params`, a
   * traversal built with `g` (`g.V().has("name", "marko").out("knows")`), or a
   * `TraversalBatch`; resolves with one page of results decoded from GraphSON (vertices,
   * edges, paths as the package's classes).
   */
  executeGraph(
    query: string | import("./graph.js").GraphTraversal | import("./graph.js").TraversalBatch,
    params?: Record<string, unknown> | null,
    options?: GraphOptions,
  ): Promise<GraphResultSet>;
  /** Every row of `query`'s result across pages: `for await (const row of client.stream(...))`. */
  stream(query: string | Prepared, params?: Params, options?: QueryOptions): RowStream;
  /** Runs a batch of statements (`string` or `{ query, params }`). */
  batch(statements: BatchStatement[], options?: BatchOptions): Promise<ResultSet>;
  /** Follows host events (each listener called in a microtask of its own). */
  on(event: ClientEventName, listener: (event: ClientEvent) => void): void;
  /** Follows the schema changes the cluster announces, once `client.metadata` shows each. */
  on(event: "schemaChange", listener: (event: SchemaChangeEvent) => void): void;
  /** Stops a listener added with `on`. */
  off(event: ClientEventName, listener: (event: ClientEvent) => void): void;
  off(event: "schemaChange", listener: (event: SchemaChangeEvent) => void): void;
}

/** Options of `executeGraph` (graph options override the graph profile's). */
export interface GraphOptions {
  /** The graph (its keyspace). */
  graphName?: string;
  /** The traversal source: "g" (default), "a" (analytics), "default". */
  graphSource?: string;
  /** "gremlin-groovy" (scripts' default) or "bytecode-json" (traversals'). */
  graphLanguage?: string;
  /** The results' GraphSON version; default: 3.0 on a Core graph, else 1.0 for scripts and 2.0 for traversals. */
  graphProtocol?: "graphson-1.0" | "graphson-2.0" | "graphson-3.0";
  /** Consistency of the graph's reads and writes (sent in the payload). */
  readConsistency?: string;
  writeConsistency?: string;
  /** Run as this role (proxy execution). */
  executeAs?: string;
  /** The graph profile: "graph-default", "graph-analytics", "graph-system" or one of yours. */
  executionProfile?: string;
  /** The CQL consistency of the request. */
  consistency?: string;
  /** Timeout in ms, also sent to the node. */
  timeout?: number;
  /** Results per page, and where to resume (a previous result's `pageState`). */
  pageSize?: number;
  pageState?: string | Uint8Array;
  /** The write timestamp, µs since the epoch. */
  timestamp?: number;
}

/** One page of graph results. */
export interface GraphResultSet {
  /** The results, decoded from GraphSON. */
  results: unknown[];
  /** Where the next page starts (pass it as `pageState`), or null on the last. */
  pageState: string | null;
  /** The GraphSON version the results came in. */
  protocol: "graphson-1.0" | "graphson-2.0" | "graphson-3.0";
  /** The node that answered, "host:port". */
  host: string;
  warnings: string[];
}

/** A version 1 UUID (`timeuuid`) of `date` (a Date or ms; now when left out); `node` (48 bits) and `clockSeq` (14 bits) random unless given. */
export function timeUuid(date?: Date | number | null, node?: bigint | number | null, clockSeq?: number): string;
