// Turns wasm-pack's --target web output (wasm/pkg) into one ESM package for every host:
//   index.js   browsers and bundlers (await init() at import)
//   node.js    Node.js (reads the .wasm from disk; WebSockets from the `ws` package, a dependency)
//   worker.js  workerd / Cloudflare Workers (the .wasm imported as a module, initSync)
// and index.d.ts (the generated types plus the error classes). The object mapper (plain
// JavaScript, js/mapper.js with js/mapper.d.ts) is copied in as mapper.js, importing the
// error classes from the same support.js module as the glue, and exported by every entry.
import { readFileSync, writeFileSync, readdirSync, copyFileSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const pkg = process.argv[2] || "pkg";
const here = dirname(fileURLToPath(import.meta.url));
const snippetDir = readdirSync(join(pkg, "snippets")).find((d) => d.startsWith("cql-wasm-"));
if (!snippetDir) throw new Error(`no cql-wasm snippet directory in ${pkg}/snippets`);
const support = `./snippets/${snippetDir}/js/support.js`;
const errors = ["CqlError", "ServerError", "TimeoutError", "ConnectionError", "AuthenticationError",
  "NoHostAvailableError", "ArgumentError", "DriverProtocolError", "ClosedError"];
const values = ["CqlDecimal", "CqlDate", "CqlTime", "CqlDuration",
  // DSE values (js/dse.d.ts declares them): geometry, date ranges, graph elements.
  "Point", "LineString", "Polygon", "DateRange", "DateRangeBound", "OPEN_BOUND", "DATE_RANGE_PRECISIONS",
  "Vertex", "Edge", "VertexProperty", "Property", "Path"];
const mapperExports = ["Mapper", "ModelMapper", "ModelBatchMapper", "ModelBatchItem", "Result", "QueryOperator",
  "TableMappings", "DefaultTableMappings", "UnderscoreCqlToCamelCaseMappings", "NotAppliedError", "q"];
const reexports = `export * from "./cql_wasm.js";
export { ${[...errors, ...values].join(", ")} } from "${support}";
export { ${mapperExports.join(", ")} } from "./mapper.js";
export * from "./graph.js";
`;

// The mapper: the same module instance of support.js as the glue's (one CqlError class).
const mapperSource = readFileSync(join(here, "..", "js", "mapper.js"), "utf8");
const supportImport = /from "\.\/support\.js";/;
if (!supportImport.test(mapperSource)) throw new Error("js/mapper.js: no import from ./support.js to rewrite");
writeFileSync(join(pkg, "mapper.js"), mapperSource.replace(supportImport, `from "${support}";`));
copyFileSync(join(here, "..", "js", "mapper.d.ts"), join(pkg, "mapper.d.ts"));
// Graph traversals (plain JavaScript, no imports): recorded steps the core turns into bytecode.
copyFileSync(join(here, "..", "js", "graph.js"), join(pkg, "graph.js"));
copyFileSync(join(here, "..", "js", "graph.d.ts"), join(pkg, "graph.d.ts"));
const dseTypes = readFileSync(join(here, "..", "js", "dse.d.ts"), "utf8");

writeFileSync(join(pkg, "index.js"), `// Browsers and bundlers: fetches and instantiates the .wasm next to this file.
import init from "./cql_wasm.js";
await init({ module_or_path: new URL("./cql_wasm_bg.wasm", import.meta.url) });
${reexports}`);

writeFileSync(join(pkg, "node.js"), `// Node.js: reads the .wasm from disk; WebSockets come from the \`ws\` package (a dependency):
// it needs no flag on Node 20, and its sockets can be unreferenced, so a client that is
// idle — or never closed — does not keep the process running. Without it (a bundle that
// left it out) the global WebSocket is used (Node 22+, or 20 with --experimental-websocket).
// No top-level await: the module loads synchronously, so require("cql-wasm") works too
// (Node 20.19+ / 22.12+ load ES modules from require).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { initSync, setWebSocketImplementation } from "./cql_wasm.js";
initSync({ module: readFileSync(new URL("./cql_wasm_bg.wasm", import.meta.url)) });
let ws = null;
try {
  ws = createRequire(import.meta.url)("ws");
} catch {
  // The global WebSocket, if any; Client.connect says what to do when there is none.
}
if (ws) setWebSocketImplementation(ws.WebSocket || ws);
${reexports}`);

writeFileSync(join(pkg, "worker.js"), `// workerd / Cloudflare Workers: the .wasm is imported as a compiled module.
import wasm from "./cql_wasm_bg.wasm";
import { initSync } from "./cql_wasm.js";
initSync({ module: wasm });
${reexports}`);

// wasm-bindgen declares `[Symbol.dispose](): void` on its classes, which type-checks only
// with the esnext.disposable lib: TypeScript 7's default lib has not got it, nor has any
// target's below esnext. A lib reference at the top of each .d.ts adds it to the user's
// program (Symbol.dispose, Disposable, DisposableStack; TypeScript 5.2+). Declaring
// Symbol.dispose here instead would clash with that lib where users have it; dropping the
// member would hide `using` support from them.
const disposable = '/// <reference lib="esnext.disposable" />\n';
const glueTypes = join(pkg, "cql_wasm.d.ts");
const glue = readFileSync(glueTypes, "utf8");
if (!glue.startsWith(disposable)) writeFileSync(glueTypes, disposable + glue);

const classDecls = errors.map((e) => e === "CqlError"
  ? `/** Base class of every error the driver rejects with. */
export declare class CqlError extends Error {
  /** The node concerned, as "host:port", when there is one. */
  host?: string;
  [field: string]: unknown;
}`
  : `export declare class ${e} extends CqlError {}`).join("\n");
writeFileSync(join(pkg, "index.d.ts"), `${disposable}import type { Consistency } from "./cql_wasm.js";
export * from "./cql_wasm.js";
export * from "./mapper.js";
export * from "./graph.js";
${classDecls}
${dseTypes}
/** A ServerError's fields: the node's ERROR, with the details its code carries. */
export declare interface ServerError {
  /** The protocol's error code (e.g. 0x1000 for Unavailable). */
  code: number;
  /** The code's name: "Unavailable", "WriteTimeout", "SyntaxError", "AlreadyExists"... */
  codeName: string;
  /** The message the node sent. */
  serverMessage: string;
  /** The node that answered, as "host:port". */
  host: string;
  /** Unavailable, timeouts, failures, CasWriteUnknown: the request's consistency. */
  consistency?: Consistency;
  /** Unavailable: replicas needed and alive. */
  required?: number;
  alive?: number;
  /** Timeouts, failures, CasWriteUnknown: replicas that answered, and how many were needed. */
  received?: number;
  blockFor?: number;
  /**
   * WriteTimeout, WriteFailure: "SIMPLE", "BATCH", "UNLOGGED_BATCH", "COUNTER", "BATCH_LOG",
   * "CAS", "VIEW", "CDC", or a newer name the node sent.
   */
  writeType?: string;
  /** WriteTimeout of a CAS write (protocol v5): contentions seen. */
  contentions?: number;
  /** ReadTimeout, ReadFailure: whether the replica asked for data answered. */
  dataPresent?: boolean;
  /** ReadFailure, WriteFailure: replicas that failed... */
  failures?: number;
  /** ... and, in protocol v5, each one's failure code by its IP address. */
  reasonByReplica?: Record<string, number>;
  /** AlreadyExists, FunctionFailure: the keyspace. */
  keyspace?: string;
  /** AlreadyExists: the table (empty when the keyspace exists). */
  table?: string;
  /** FunctionFailure: the function and its argument types. */
  functionName?: string;
  argTypes?: string[];
  /** Unprepared: the statement id the node does not know. */
  queryId?: Uint8Array;
  /** The CQL text of the statement that failed (execute, prepare, stream). */
  query?: string;
  /** The CQL texts of a failed batch's statements. */
  queries?: string[];
}
export declare interface ArgumentError {
  /** The CQL text of the statement whose parameters or options were refused. */
  query?: string;
  /** The CQL texts of a refused batch's statements. */
  queries?: string[];
}
export declare interface NoHostAvailableError {
  errors: { host: string; error: CqlError }[];
}
/** Every host refused the credentials: each host's error, as NoHostAvailableError has. */
export declare interface AuthenticationError {
  errors?: { host: string; error: CqlError }[];
}
/** A \`decimal\` as results give it: \`unscaled × 10^-scale\`, exactly. */
export declare class CqlDecimal {
  constructor(unscaled: bigint | number | string, scale: number);
  unscaled: bigint;
  scale: number;
  /** The exact decimal text ("-123.4500"; "<unscaled>E<exponent>" beyond 64 padding zeros). */
  toString(): string;
  toJSON(): string;
}
/** A \`date\` as results give it: a calendar day (proleptic Gregorian). */
export declare class CqlDate {
  constructor(year: number, month: number, day: number);
  year: number;
  month: number;
  day: number;
  /** "YYYY-MM-DD". */
  toString(): string;
  toJSON(): string;
}
/** A \`time\` as results give it: time of day to the nanosecond. */
export declare class CqlTime {
  constructor(hour: number, minute: number, second: number, nanosecond: number);
  hour: number;
  minute: number;
  second: number;
  nanosecond: number;
  /** "HH:MM:SS.nnnnnnnnn". */
  toString(): string;
  toJSON(): string;
}
/** A \`duration\` as results give it: months, days and nanoseconds, each signed. */
export declare class CqlDuration {
  constructor(months: number, days: number, nanoseconds: bigint | number);
  months: number;
  days: number;
  nanoseconds: bigint;
  /** CQL's form, e.g. "1y2mo3d4h5m6s7ms8us9ns". */
  toString(): string;
  toJSON(): string;
}
export declare interface TimeoutError {
  /** The node that did not answer in time, as "host:port". */
  host: string;
  timeoutMs: number;
}
`);
for (const entry of ["node", "worker"]) copyFileSync(join(pkg, "index.d.ts"), join(pkg, `${entry}.d.ts`));

const meta = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"));
meta.type = "module";
meta.main = "./node.js";
meta.module = "./index.js";
meta.types = "./index.d.ts";
meta.exports = {
  ".": {
    types: "./index.d.ts",
    workerd: "./worker.js",
    node: "./node.js",
    browser: "./index.js",
    default: "./index.js",
  },
  "./raw": { types: "./cql_wasm.d.ts", default: "./cql_wasm.js" },
  "./cql_wasm_bg.wasm": "./cql_wasm_bg.wasm",
  "./package.json": "./package.json",
};
meta.files = ["cql_wasm_bg.wasm", "cql_wasm.js", "cql_wasm.d.ts", "cql_wasm_bg.wasm.d.ts", "index.js",
  "index.d.ts", "node.js", "node.d.ts", "worker.js", "worker.d.ts", "mapper.js", "mapper.d.ts", "graph.js", "graph.d.ts",
  "snippets",
  "README.md"];
meta.engines = { node: ">=20" };
// Node.js only (browsers and workers use their own WebSocket); small, with no dependencies.
meta.dependencies = { ws: "^8.18.0" };
meta.sideEffects = ["./index.js", "./node.js", "./worker.js", "./snippets/*"];
writeFileSync(join(pkg, "package.json"), JSON.stringify(meta, null, 2) + "\n");
const readme = join(here, "..", "README.md");
if (existsSync(readme)) copyFileSync(readme, join(pkg, "README.md"));
console.log(`finished ${pkg}: index.js, node.js, worker.js, mapper.js, index.d.ts (snippets in ${snippetDir})`);
