// The seeded convergence simulation: several clients, several pending edits
// each, random delivery through a small sequencer (tests/support/sequencer.ts),
// disconnects that lose messages in transit, resumes with catch-up and
// resubmission. Every client must end with the server's text.
import { describe, expect, it } from "vitest";
import { DocClient, type Submit } from "../../src/core";
import { type Random, seeds, withSeed } from "../support/random";
import { docLength, randomOp } from "../support/random-op";
import { type SequencedRecord, Sequencer } from "../support/sequencer";

type Down = { kind: "record"; record: SequencedRecord } | { kind: "ack"; clientSeq: number; version: number };

interface SimClient {
  id: string;
  doc: DocClient;
  nextSeq: number;
  connected: boolean;
  up: Submit[];
  down: Down[];
}

function simulate(r: Random, clientCount: number, steps: number): { server: Sequencer; clients: SimClient[] } {
  const server = new Sequencer();
  const clients: SimClient[] = Array.from({ length: clientCount }, (_, i) => ({
    id: `client-${i}`,
    doc: new DocClient("indicator/R.1.1", `client-${i}`),
    nextSeq: 1,
    connected: true,
    up: [],
    down: [],
  }));

  const flush = (c: SimClient) => {
    if (!c.connected) return;
    const s = c.doc.take(() => c.nextSeq++);
    if (s) c.up.push(s);
  };
  const deliverUp = (c: SimClient) => {
    const s = c.up.shift();
    if (!s) return;
    const { record, duplicate } = server.submit(s.baseVersion, c.id, s.clientSeq, s.op);
    if (!duplicate) {
      for (const o of clients) {
        if (!o.connected) continue;
        // The author's Ack may come before or after its broadcast.
        if (o === c && r.chance(0.5)) {
          o.down.push({ kind: "ack", clientSeq: s.clientSeq, version: record.version });
          o.down.push({ kind: "record", record });
        } else {
          o.down.push({ kind: "record", record });
          if (o === c) o.down.push({ kind: "ack", clientSeq: s.clientSeq, version: record.version });
        }
      }
    } else {
      c.down.push({ kind: "ack", clientSeq: s.clientSeq, version: record.version });
    }
  };
  const deliverDown = (c: SimClient) => {
    const m = c.down.shift();
    if (!m) return;
    if (m.kind === "record") c.doc.receive(m.record);
    else c.doc.ack(m.clientSeq, m.version);
  };
  const disconnect = (c: SimClient) => {
    c.connected = false;
    c.up = []; // lost in transit: never reached the server
    c.down = [];
  };
  const reconnect = (c: SimClient) => {
    c.connected = true;
    // Catch-up: everything after the last version seen, then resend in flight.
    for (const rec of server.log.slice(c.doc.version)) c.doc.receive(rec);
    const again = c.doc.inFlightSubmit();
    if (again) c.up.push(again);
    flush(c);
  };

  for (let step = 0; step < steps; step++) {
    const c = r.pick(clients);
    const k = r.int(100);
    if (k < 30) {
      c.doc.applyLocal(randomOp(r, docLength(c.doc.text)));
      if (r.chance(0.5)) flush(c);
    } else if (k < 55) {
      deliverUp(c);
    } else if (k < 85) {
      deliverDown(c);
      flush(c);
    } else if (k < 92) {
      flush(c);
    } else if (k < 96) {
      if (c.connected) disconnect(c);
    } else if (!c.connected) {
      reconnect(c);
    }
  }
  // Quiesce: reconnect everyone, deliver everything, until nothing moves.
  for (const c of clients) if (!c.connected) reconnect(c);
  for (let guard = 0; guard < 10_000; guard++) {
    let moved = false;
    for (const c of clients) {
      flush(c);
      if (c.up.length) {
        deliverUp(c);
        moved = true;
      }
      if (c.down.length) {
        deliverDown(c);
        moved = true;
      }
    }
    if (!moved) break;
  }
  return { server, clients };
}

describe("convergence simulation", () => {
  it("every client ends with the server's text (3-4 clients, lossy reconnects)", () => {
    let records = 0;
    for (const seed of seeds(100, 200)) {
      withSeed(seed, (r) => {
        const { server, clients } = simulate(r, 3 + r.int(2), 150);
        records += server.log.length;
        for (const c of clients) {
          expect(c.doc.unsentCount, `${c.id} still has unsent edits`).toBe(0);
          expect(c.doc.version).toBe(server.version);
          expect(c.doc.text, c.id).toBe(server.text);
          expect(c.doc.confirmedText).toBe(server.text);
        }
      });
    }
    // The simulation must actually have edited something.
    expect(records).toBeGreaterThan(2000);
  });

  it("a resubmitted op is sequenced once", () => {
    for (const seed of seeds(900, 100)) {
      withSeed(seed, (r) => {
        const { server } = simulate(r, 2, 200);
        const keys = server.log.map((rec) => `${rec.clientId}/${rec.clientSeq}`);
        expect(new Set(keys).size).toBe(keys.length);
      });
    }
  });
});
