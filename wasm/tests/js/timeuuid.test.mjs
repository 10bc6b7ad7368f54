// Time-UUID helpers of the package (no servers needed): the values the Python driver gives
// for the same times (dse.json's timeuuid vectors, a few of them written here), random
// nodes and clock sequences, and the time read back.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as lib from "../../pkg/node.js";

const node = 0x0123456789abn;
const clockSeq = 0x1234;

test("timeUuid of a time with a node and clock sequence is the Python driver's", () => {
  assert.equal(lib.timeUuid(new Date(0), node, clockSeq), "13814000-1dd2-11b2-9234-0123456789ab");
  assert.equal(lib.timeUuid(1000, node, clockSeq), "1419d680-1dd2-11b2-9234-0123456789ab");
  assert.equal(lib.timeUuid(-1500, node, clockSeq), "129c5e40-1dd2-11b2-9234-0123456789ab");
  assert.equal(lib.timeUuid(1000000000000, Number(node), clockSeq), "83424000-a4c4-11d5-9234-0123456789ab");
});

test("minTimeUuid and maxTimeUuid bound a millisecond as Cassandra compares them", () => {
  assert.equal(lib.minTimeUuid(new Date(0)), "13814000-1dd2-11b2-8080-808080808080");
  // The last 100-ns interval of the millisecond.
  assert.equal(lib.maxTimeUuid(0), "1381670f-1dd2-11b2-bf7f-7f7f7f7f7f7f");
  assert.equal(lib.timeUuidDate(lib.maxTimeUuid(5)).getTime(), 5);
});

test("random nodes and clock sequences: distinct UUIDs of the same time, the time read back", () => {
  const at = new Date(Date.UTC(2024, 4, 1, 12, 0, 0, 123));
  const a = lib.timeUuid(at), b = lib.timeUuid(at);
  assert.notEqual(a, b);
  assert.equal(lib.timeUuidDate(a).toISOString(), "2024-05-01T12:00:00.123Z");
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.ok(Math.abs(lib.timeUuidDate(lib.timeUuid()).getTime() - Date.now()) < 5000, "now");
});

test("bad input is an ArgumentError", () => {
  assert.throws(() => lib.timeUuid(1.5), lib.ArgumentError);
  assert.throws(() => lib.timeUuid(0, 1n << 48n, 1), lib.ArgumentError);
  assert.throws(() => lib.timeUuidDate("not-a-uuid"), lib.ArgumentError);
  assert.throws(() => lib.timeUuidDate("00000000-0000-4000-8000-000000000000"), lib.ArgumentError);
});
