/** A point (x, y) of a DSE `PointType` column or a graph property. */
export declare class Point {
  constructor(x: number, y: number);
  x: number;
  y: number;
  /** WKT, e.g. "POINT (1.0 2.0)". */
  toString(): string;
  toJSON(): string;
}
/** A DSE `LineStringType` value: points in order. */
export declare class LineString {
  constructor(points?: (Point | { x: number; y: number } | [number, number])[]);
  points: Point[];
  /** WKT, e.g. "LINESTRING (0.0 0.0, 1.0 1.0)". */
  toString(): string;
  toJSON(): string;
}
/** A DSE `PolygonType` value: the exterior ring and the holes. */
export declare class Polygon {
  constructor(exterior?: (Point | { x: number; y: number } | [number, number])[],
    interiors?: (Point | { x: number; y: number } | [number, number])[][]);
  exterior: Point[];
  interiors: Point[][];
  /** WKT, e.g. "POLYGON ((0.0 0.0, 1.0 0.0, 0.0 1.0, 0.0 0.0))". */
  toString(): string;
  toJSON(): string;
}
/** The precisions of a DateRange bound, coarsest first. */
export declare const DATE_RANGE_PRECISIONS: readonly ["YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND", "MILLISECOND"];
/** A DateRange precision. */
export type DateRangePrecision = (typeof DATE_RANGE_PRECISIONS)[number];
/** One bound of a DateRange: a time and the precision it is meant at. */
export declare class DateRangeBound {
  constructor(date: Date | number, precision: DateRangePrecision);
  date: Date;
  precision: DateRangePrecision;
  /** DSE's text, e.g. "2019-06-20T13Z". */
  toString(): string;
  toJSON(): string;
}
/** The open bound "*". */
export declare const OPEN_BOUND: { readonly open: true; toString(): string; toJSON(): string };
/** A DSE `DateRangeType` value: a single `value`, or `lowerBound` to `upperBound`. */
export declare class DateRange {
  constructor(parts?: {
    value?: DateRangeBound | typeof OPEN_BOUND | null;
    lowerBound?: DateRangeBound | typeof OPEN_BOUND | null;
    upperBound?: DateRangeBound | typeof OPEN_BOUND | null;
  });
  value: DateRangeBound | typeof OPEN_BOUND | null;
  lowerBound: DateRangeBound | typeof OPEN_BOUND | null;
  upperBound: DateRangeBound | typeof OPEN_BOUND | null;
  /** DSE's text, e.g. "[2017-01 TO *]". */
  toString(): string;
  toJSON(): string;
}
/** A graph vertex. */
export declare class Vertex {
  id: unknown;
  label: string;
  /** Property name → its values (multi-properties), each with meta-properties. */
  properties: Record<string, VertexProperty[]>;
}
/** A graph edge. */
export declare class Edge {
  id: unknown;
  label: string;
  outV: unknown;
  outVLabel: string;
  inV: unknown;
  inVLabel: string;
  /** Property name → value. */
  properties: Record<string, unknown>;
}
/** A vertex property, with its meta-properties. */
export declare class VertexProperty {
  id: unknown;
  label: string;
  value: unknown;
  properties: Record<string, unknown>;
}
/** An edge property or a meta-property. */
export declare class Property {
  key: string;
  value: unknown;
}
/** A traversal's path: the objects walked and each step's labels. */
export declare class Path {
  labels: string[][];
  objects: unknown[];
}
