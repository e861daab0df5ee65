// Real editing traces (../shared/data/editing-traces, CC BY 4.0, the public
// editing-traces collection: recordings of people writing) replayed through
// the client core, as tests/traces/ replays them through the C++ engine: a
// fast typist whose edits pile up in pending while one op is in flight, the
// test sequencer, and a subscriber folding the records. Both must end with
// the trace's endContent. A missing traces folder is a failure, not a skip.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { DocClient, OpBuilder, type Submit, type TextOp } from "../../src/core";
import { Sequencer } from "../support/sequencer";

const TRACES = resolve(process.env.KENES_TRACES_DIR ?? resolve(__dirname, "../../../../shared/data/editing-traces"));

interface Trace {
  startContent: string;
  endContent: string;
  txns: { patches: [number, number, string][] }[];
}

function opOf([pos, del, ins]: [number, number, string]): TextOp {
  return new OpBuilder().retain(pos).insert(ins).delete(del).done();
}

const files = existsSync(TRACES) ? readdirSync(TRACES).filter((f) => f.endsWith(".json.gz")).sort() : [];

describe("editing traces", () => {
  it(`are there to replay (${TRACES})`, () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
  });

  for (const file of files) {
    it(`${file}: a fast typist and a subscriber both end with endContent`, () => {
      const trace = JSON.parse(gunzipSync(readFileSync(join(TRACES, file))).toString("utf8")) as Trace;
      const server = new Sequencer();
      const typist = new DocClient("indicator/T.1", "typist");
      const subscriber = new DocClient("indicator/T.1", "subscriber");
      if (trace.startContent) {
        const { record } = server.submit(0, "seed", 1, [trace.startContent]);
        typist.receive(record);
        subscriber.receive(record);
      }
      let clientSeq = 0;
      let onTheWire: Submit | null = null;
      let keystrokesLeft = 0;
      let latency = 12345;
      let maxUnsent = 0;
      let patches = 0;
      const deliver = () => {
        const s = onTheWire!;
        const { record } = server.submit(s.baseVersion, "typist", s.clientSeq, s.op);
        subscriber.receive(record);
        // As kenes-server does: the author gets an Ack, not the record.
        expect(typist.ack(s.clientSeq, record.version)).toBe(true);
        onTheWire = null;
      };
      const sendIfIdle = () => {
        if (onTheWire) return;
        onTheWire = typist.take(() => ++clientSeq);
        // The round trip takes a few keystrokes (0..15, varying).
        latency = (Math.imul(latency, 1103515245) + 12345) >>> 0;
        keystrokesLeft = (latency >>> 16) % 16;
      };
      for (const txn of trace.txns) {
        for (const patch of txn.patches) {
          typist.applyLocal(opOf(patch));
          patches++;
          maxUnsent = Math.max(maxUnsent, typist.unsentEdits);
          if (onTheWire && keystrokesLeft-- === 0) deliver();
          sendIfIdle();
        }
      }
      while (onTheWire || typist.unsentCount > 0) {
        if (onTheWire) deliver();
        sendIfIdle();
      }
      expect(maxUnsent, "the typist had several edits unsent at once").toBeGreaterThan(2);
      expect(typist.text === trace.endContent, "the typist's text is endContent").toBe(true);
      expect(subscriber.text === trace.endContent, "the subscriber's text is endContent").toBe(true);
      expect(server.text === trace.endContent).toBe(true);
      expect(patches).toBeGreaterThan(0);
    }, 120_000);
  }
});
