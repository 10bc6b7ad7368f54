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

/** Makes `obj` usable with `for await`: its async iterator is itself. */
export function asyncIterable(obj) {
  obj[Symbol.asyncIterator] = function () { return this; };
  return obj;
}
