// A tiny authority for tests: what the server's room does for one document,
// written from the protocol (proto/README.md), not from the server's code.
// Late ops are transformed past the ops sequenced since their base version
// with side Right; resubmits are deduplicated by (client_id, client_seq).

import { CodePointText, type SequencedEdit, type TextOp, transform } from "../../src/core";

export interface SequencedRecord extends SequencedEdit {
  readonly seq: number;
}

export class Sequencer {
  private doc = CodePointText.empty;
  readonly log: SequencedRecord[] = [];
  private readonly seen = new Map<string, SequencedRecord>();

  get version(): number {
    return this.log.length;
  }

  get text(): string {
    return this.doc.toString();
  }

  /** Sequences a submit; returns the record and whether it was a duplicate. */
  submit(baseVersion: number, clientId: string, clientSeq: number, op: TextOp): { record: SequencedRecord; duplicate: boolean } {
    const key = `${clientId}/${clientSeq}`;
    const known = this.seen.get(key);
    if (known) return { record: known, duplicate: true };
    if (baseVersion > this.version) throw new Error(`version from the future: ${baseVersion} > ${this.version}`);
    let t = op;
    for (const r of this.log.slice(baseVersion)) t = transform(t, r.op, "right");
    this.doc = this.doc.apply(t);
    const record: SequencedRecord = { version: this.version + 1, seq: this.version + 1, op: t, clientId, clientSeq };
    this.log.push(record);
    this.seen.set(key, record);
    return { record, duplicate: false };
  }
}
