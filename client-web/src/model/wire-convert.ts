// The one file that converts between the wire (generated protobuf types) and
// the core's plain types. uint64 arrives as bigint; document lengths and
// versions stay far below 2^53, and a value that does not is refused here
// rather than silently rounded.

import { create } from "@bufbuild/protobuf";
import { type TextOp, OpBuilder } from "../core";
import {
  type TextOp as WireTextOp,
  type TextRange as WireTextRange,
  TextOpComponentSchema,
  TextOpSchema,
  TextRangeSchema,
} from "../gen/kenes/v1/text_pb";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8");

export function toNumber(v: bigint): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`value ${v} exceeds 2^53`);
  return Number(v);
}

/** A wire op as a core op in normal form. */
export function textOpFromWire(op: WireTextOp | undefined): TextOp {
  const b = new OpBuilder();
  for (const c of op?.components ?? []) {
    switch (c.kind.case) {
      case "retain":
        b.retain(toNumber(c.kind.value));
        break;
      case "insert":
        b.insert(decoder.decode(c.kind.value));
        break;
      case "delete":
        b.delete(toNumber(c.kind.value));
        break;
      default:
        break;
    }
  }
  return b.done();
}

export function textOpToWire(op: TextOp): WireTextOp {
  return create(TextOpSchema, {
    components: op.map((c) =>
      create(TextOpComponentSchema, {
        kind:
          typeof c === "number"
            ? { case: "retain", value: BigInt(c) }
            : typeof c === "string"
              ? { case: "insert", value: encoder.encode(c) }
              : { case: "delete", value: BigInt(c.d) },
      }),
    ),
  });
}

/** A selection in code points: anchor == head is a caret. */
export interface Range {
  readonly anchor: number;
  readonly head: number;
}

export function rangeToWire(r: Range): WireTextRange {
  return create(TextRangeSchema, { anchor: BigInt(r.anchor), head: BigInt(r.head) });
}

export function rangeFromWire(r: WireTextRange): Range {
  return { anchor: toNumber(r.anchor), head: toNumber(r.head) };
}
