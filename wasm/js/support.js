// Error classes and small helpers of the cql-wasm package (imported by the wasm glue).

/** Base class of every error the driver throws or rejects with. */
export class CqlError extends Error {
  constructor(message, fields) {
    super(message);
    this.name = "CqlError";
    if (fields) Object.assign(this, fields);
  }
}

/** The node answered with an ERROR: `code`, `codeName` and the code's details. */
export class ServerError extends CqlError {
  constructor(message, fields) { super(message, fields); this.name = "ServerError"; }
}

/** No response within the client-side request timeout (the request may have been applied). */
export class TimeoutError extends CqlError {
  constructor(message, fields) { super(message, fields); this.name = "TimeoutError"; }
}

/** A connection (or its WebSocket tunnel) could not be opened, or failed. */
export class ConnectionError extends CqlError {
  constructor(message, fields) { super(message, fields); this.name = "ConnectionError"; }
}

/** The node refused the credentials. */
export class AuthenticationError extends CqlError {
  constructor(message, fields) { super(message, fields); this.name = "AuthenticationError"; }
}

/** Every host was tried; `errors` holds `{ host, error }` for each. */
export class NoHostAvailableError extends CqlError {
  constructor(message, fields) { super(message, fields); this.name = "NoHostAvailableError"; }
}

/** A bad option, query or bound value, found before anything was sent. */
export class ArgumentError extends CqlError {
  constructor(message, fields) { super(message, fields); this.name = "ArgumentError"; }
}

/** The node broke the protocol, or a result could not be read. */
export class DriverProtocolError extends CqlError {
  constructor(message, fields) { super(message, fields); this.name = "DriverProtocolError"; }
}

/** The client is closed. */
export class ClosedError extends CqlError {
  constructor(message, fields) { super(message, fields); this.name = "ClosedError"; }
}

const classes = {
  CqlError, ServerError, TimeoutError, ConnectionError, AuthenticationError,
  NoHostAvailableError, ArgumentError, DriverProtocolError, ClosedError,
};

/** Builds the error of class `kind` (a key of `classes`). */
export function makeError(kind, message, fields) {
  const C = classes[kind] || CqlError;
  return new C(message, fields);
}

/** The error classes, for `instanceof` checks in user code. */
export function errorClasses() {
  return classes;
}

/**
 * Where the user called the driver: an Error made synchronously inside the API call, so
 * its stack holds the caller's frames (a rejection built later, inside the driver's
 * tasks, has only the driver's).
 */
export function callSite() {
  // V8 keeps Error.stackTraceLimit frames (10 by default): leave room for the driver's own
  // frames (dropped later) so the caller's still fit.
  const limit = Error.stackTraceLimit;
  if (typeof limit !== "number") return new Error("call site");
  Error.stackTraceLimit = limit + 32;
  try {
    return new Error("call site");
  } finally {
    Error.stackTraceLimit = limit;
  }
}

// Frames of the driver's inside: the wasm module, the glue's imports (`__wbg_...`) and
// this file. The glue's API method (`Client.execute`) stays: it names the call.
const INTERNAL = /wasm:\/\/|wasm-function|\.wasm:|\/support\.js:|__wbg_/;

/**
 * Gives a rejection the caller's stack (the frames of `site` outside the driver) and, for
 * errors about a statement, its CQL text as `query` (`queries` for a batch).
 */
export function finishError(err, site, query) {
  if (!(err instanceof Error)) return err;
  if (query !== undefined && (err instanceof ServerError || err instanceof ArgumentError)) {
    if (Array.isArray(query)) {
      if (err.queries === undefined) err.queries = query;
    } else if (err.query === undefined) {
      err.query = query;
    }
  }
  const stack = site && typeof site.stack === "string" ? site.stack : "";
  const frames = stack.split("\n").filter((l) => /^\s+at |@/.test(l) && !INTERNAL.test(l));
  if (frames.length > 0) {
    err.stack = `${err.name}: ${err.message}\n${frames.join("\n")}`;
  }
  return err;
}

const pad = (n, w) => String(n).padStart(w, "0");

/** A `decimal`: `unscaled × 10^-scale`, exactly. */
export class CqlDecimal {
  constructor(unscaled, scale) { this.unscaled = BigInt(unscaled); this.scale = scale; }
  /**
   * The exact decimal text, e.g. "-123.4500": plain notation unless that needs more than
   * 64 padding zeros, then "<unscaled>E<exponent>" (as Java's BigDecimal and cql-rs write).
   */
  toString() {
    const neg = this.unscaled < 0n;
    const sign = neg ? "-" : "";
    const digits = (neg ? -this.unscaled : this.unscaled).toString();
    const scale = this.scale, len = digits.length;
    if (scale <= 0 && -scale <= 64) return sign + digits + "0".repeat(-scale);
    if (scale > 0 && scale - len <= 64) {
      if (scale >= len) return `${sign}0.${"0".repeat(scale - len)}${digits}`;
      return `${sign}${digits.slice(0, len - scale)}.${digits.slice(len - scale)}`;
    }
    return `${sign}${digits}E${-scale >= 0 ? "+" : ""}${-scale}`;
  }
  toJSON() { return this.toString(); }
}

/** A `date`: a calendar day (proleptic Gregorian). */
export class CqlDate {
  constructor(year, month, day) { this.year = year; this.month = month; this.day = day; }
  /** "YYYY-MM-DD" (years beyond 9999 or before 0 with their sign). */
  toString() {
    const y = this.year < 0 || this.year > 9999
      ? `${this.year < 0 ? "-" : "+"}${pad(Math.abs(this.year), 6)}` : pad(this.year, 4);
    return `${y}-${pad(this.month, 2)}-${pad(this.day, 2)}`;
  }
  toJSON() { return this.toString(); }
}

/** A `time`: time of day to the nanosecond. */
export class CqlTime {
  constructor(hour, minute, second, nanosecond) {
    this.hour = hour; this.minute = minute; this.second = second; this.nanosecond = nanosecond;
  }
  /** "HH:MM:SS.nnnnnnnnn". */
  toString() {
    return `${pad(this.hour, 2)}:${pad(this.minute, 2)}:${pad(this.second, 2)}.${pad(this.nanosecond, 9)}`;
  }
  toJSON() { return this.toString(); }
}

/** A `duration`: months, days and nanoseconds, each signed, never normalised. */
export class CqlDuration {
  constructor(months, days, nanoseconds) {
    this.months = months; this.days = days; this.nanoseconds = BigInt(nanoseconds);
  }
  /** CQL's duration text, e.g. "1y2mo3d4h5m6s7ms8us9ns" ("-" first when negative, "0s" for zero). */
  toString() {
    const neg = this.months < 0 || this.days < 0 || this.nanoseconds < 0n;
    const pos = this.months > 0 || this.days > 0 || this.nanoseconds > 0n;
    // Mixed signs (Cassandra refuses them) have no CQL text: the components as they are.
    if (neg && pos) return `${this.months}mo${this.days}d${this.nanoseconds}ns`;
    const months = Math.abs(this.months), days = Math.abs(this.days);
    let ns = this.nanoseconds < 0n ? -this.nanoseconds : this.nanoseconds;
    let out = "";
    const part = (n, unit) => { if (n) out += `${n}${unit}`; };
    part(Math.floor(months / 12), "y"); part(months % 12, "mo"); part(days, "d");
    for (const [size, unit] of [[3600000000000n, "h"], [60000000000n, "m"], [1000000000n, "s"],
      [1000000n, "ms"], [1000n, "us"], [1n, "ns"]]) {
      part(ns / size, unit);
      ns %= size;
    }
    return (neg ? "-" : "") + (out || "0s");
  }
  toJSON() { return this.toString(); }
}

/** A coordinate as WKT writes it (Python's float repr: "1.0", "-0.0", "1e-07", "1.5e+300"). */
function wktNumber(v) {
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (Object.is(v, -0)) return "-0.0";
  const [mantissa, e] = v.toExponential().split("e");
  const exp = Number(e);
  if (exp < -4 || exp >= 16) return `${mantissa}e${exp < 0 ? "-" : "+"}${pad(Math.abs(exp), 2)}`;
  const fixed = String(v);
  return fixed.includes(".") ? fixed : `${fixed}.0`;
}
const wktPoints = (points) => points.map((p) => `${wktNumber(p.x)} ${wktNumber(p.y)}`).join(", ");
const toPoint = (p) => (p instanceof Point ? p : Array.isArray(p) ? new Point(p[0], p[1]) : new Point(p.x, p.y));

/** A DSE `PointType` value: x and y. */
export class Point {
  constructor(x, y) { this.x = Number(x); this.y = Number(y); }
  /** WKT, e.g. "POINT (1.0 2.0)". */
  toString() { return `POINT (${wktNumber(this.x)} ${wktNumber(this.y)})`; }
  toJSON() { return this.toString(); }
}

/** A DSE `LineStringType` value: its points in order. */
export class LineString {
  constructor(points = []) { this.points = points.map(toPoint); }
  /** WKT, e.g. "LINESTRING (0.0 0.0, 1.0 1.0)" or "LINESTRING EMPTY". */
  toString() { return this.points.length ? `LINESTRING (${wktPoints(this.points)})` : "LINESTRING EMPTY"; }
  toJSON() { return this.toString(); }
}

/** A DSE `PolygonType` value: the exterior ring and the holes (interior rings). */
export class Polygon {
  constructor(exterior = [], interiors = []) {
    this.exterior = exterior.map(toPoint);
    this.interiors = interiors.map((ring) => ring.map(toPoint));
  }
  /** WKT, e.g. "POLYGON ((0.0 0.0, 1.0 0.0, 0.0 1.0, 0.0 0.0))" or "POLYGON EMPTY". */
  toString() {
    if (!this.exterior.length) return "POLYGON EMPTY";
    return `POLYGON (${[this.exterior, ...this.interiors].map((r) => `(${wktPoints(r)})`).join(", ")})`;
  }
  toJSON() { return this.toString(); }
}

/** The precisions of a DateRange bound, coarsest first (their wire codes are the indexes). */
export const DATE_RANGE_PRECISIONS = ["YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND", "MILLISECOND"];

/** One bound of a DSE `DateRange`: a time (`Date`) and the precision it is meant at. */
export class DateRangeBound {
  constructor(date, precision) {
    this.date = date instanceof Date ? date : new Date(Number(date));
    if (!DATE_RANGE_PRECISIONS.includes(precision)) {
      throw new TypeError(`unknown DateRange precision ${precision} (one of ${DATE_RANGE_PRECISIONS.join(", ")})`);
    }
    this.precision = precision;
  }
  /** DSE's text of the bound at its precision, e.g. "2019-06-20T13Z". */
  toString() {
    const d = this.date, level = DATE_RANGE_PRECISIONS.indexOf(this.precision);
    let out = String(d.getUTCFullYear());
    if (level >= 1) out += `-${pad(d.getUTCMonth() + 1, 2)}`;
    if (level >= 2) out += `-${pad(d.getUTCDate(), 2)}`;
    if (level >= 3) out += `T${pad(d.getUTCHours(), 2)}`;
    if (level >= 4) out += `:${pad(d.getUTCMinutes(), 2)}`;
    if (level >= 5) out += `:${pad(d.getUTCSeconds(), 2)}`;
    if (level >= 6) out += `.${pad(d.getUTCMilliseconds(), 3)}`;
    return level >= 3 ? `${out}Z` : out;
  }
  toJSON() { return this.toString(); }
}

/** The open bound of a DateRange ("*"). */
export const OPEN_BOUND = Object.freeze({ open: true, toString: () => "*", toJSON: () => "*" });

/**
 * A DSE `DateRangeType` value: a single value (`value`, possibly `OPEN_BOUND`), or a range
 * from `lowerBound` to `upperBound` (either may be `OPEN_BOUND`).
 */
export class DateRange {
  constructor({ value = null, lowerBound = null, upperBound = null } = {}) {
    this.value = value; this.lowerBound = lowerBound; this.upperBound = upperBound;
  }
  /** DSE's text, e.g. "2019", "[2017-01 TO *]", "*". */
  toString() {
    if (this.lowerBound !== null || this.upperBound !== null) {
      return `[${this.lowerBound ?? OPEN_BOUND} TO ${this.upperBound ?? OPEN_BOUND}]`;
    }
    return String(this.value ?? OPEN_BOUND);
  }
  toJSON() { return this.toString(); }
}

/** A graph vertex: id, label and properties (name → array of VertexProperty). */
export class Vertex {
  constructor(id, label, properties) { this.id = id; this.label = label; this.properties = properties; }
  toString() { return `v[${typeof this.id === "object" ? JSON.stringify(this.id) : this.id}]`; }
}

/** A graph edge: id, label, its vertices (ids and labels) and properties (name → value). */
export class Edge {
  constructor(id, label, outV, outVLabel, inV, inVLabel, properties) {
    this.id = id; this.label = label; this.outV = outV; this.outVLabel = outVLabel;
    this.inV = inV; this.inVLabel = inVLabel; this.properties = properties;
  }
  toString() { return `e[${typeof this.id === "object" ? JSON.stringify(this.id) : this.id}][${this.outV}-${this.label}->${this.inV}]`; }
}

/** A vertex property: label (its key), value and meta-properties (name → value). */
export class VertexProperty {
  constructor(id, label, value, properties) { this.id = id; this.label = label; this.value = value; this.properties = properties; }
  toString() { return `vp[${this.label}->${this.value}]`; }
}

/** An edge (or meta) property: key and value. */
export class Property {
  constructor(key, value) { this.key = key; this.value = value; }
  toString() { return `p[${this.key}->${this.value}]`; }
}

/** A traversal path: the objects walked and the labels of each step. */
export class Path {
  constructor(labels, objects) { this.labels = labels; this.objects = objects; }
  toString() { return `path[${this.objects.join(", ")}]`; }
}

/** `n` random bytes from the host's cryptographic source (time UUIDs' node and clock sequence). */
export function randomBytes(n) { return globalThis.crypto.getRandomValues(new Uint8Array(n)); }
export function makePoint(x, y) { return new Point(x, y); }
export function makeLineString(xy) { const p = []; for (let i = 0; i + 1 < xy.length; i += 2) p.push(new Point(xy[i], xy[i + 1])); return new LineString(p); }
export function makePolygon(rings) { const r = rings.map((xy) => makeLineString(xy).points); return new Polygon(r[0] || [], r.slice(1)); }
export function makeDateRangeBound(ms, precision) { return ms == null ? OPEN_BOUND : new DateRangeBound(new Date(ms), DATE_RANGE_PRECISIONS[precision]); }
export function makeDateRange(value, lowerBound, upperBound) { return new DateRange({ value, lowerBound, upperBound }); }
export function makeVertex(id, label, properties) { return new Vertex(id, label, properties); }
export function makeEdge(id, label, outV, outVLabel, inV, inVLabel, properties) { return new Edge(id, label, outV, outVLabel, inV, inVLabel, properties); }
export function makeVertexProperty(id, label, value, properties) { return new VertexProperty(id, label, value, properties); }
export function makeProperty(key, value) { return new Property(key, value); }
export function makePath(labels, objects) { return new Path(labels, objects); }

export function makeDecimal(unscaled, scale) { return new CqlDecimal(unscaled, scale); }
export function makeDate(year, month, day) { return new CqlDate(year, month, day); }
export function makeTime(hour, minute, second, nanosecond) { return new CqlTime(hour, minute, second, nanosecond); }
export function makeDuration(months, days, nanoseconds) { return new CqlDuration(months, days, nanoseconds); }

// Node.js keeps running while a timer or socket is referenced. The driver's own timers
// and sockets are unreferenced; while a call is in progress one referenced interval
// keeps the process alive, so a script ends once its last call settles, with or
// without close().
let inProgress = 0;
let keepAlive = null;

/** A call started: keep the process alive until `release`. */
export function hold() {
  if (inProgress++ === 0 && typeof setInterval === "function") {
    keepAlive = setInterval(() => {}, 0x7fffffff);
  }
}

/** A call settled. */
export function release() {
  if (inProgress > 0 && --inProgress === 0 && keepAlive !== null) {
    clearInterval(keepAlive);
    keepAlive = null;
  }
}

/**
 * Calls `listener(event)` in a microtask, so a listener runs outside the driver's code
 * and one that throws is reported without disturbing the driver.
 */
export function dispatch(listener, event) {
  queueMicrotask(() => {
    try {
      listener(event);
    } catch (e) {
      if (typeof reportError === "function") reportError(e);
      else console.error("cql-wasm: an event listener threw", e);
    }
  });
}

/** Makes `obj` usable with `for await`: its async iterator is itself. */
export function asyncIterable(obj) {
  obj[Symbol.asyncIterator] = function () { return this; };
  return obj;
}
