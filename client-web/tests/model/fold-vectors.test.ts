// The shared fold vectors (../tests/vectors/folds/*.json), the same files the
// C++ folds run (tests/vectors/fold_vectors_test.cc): each is a consultation
// made through the server's own handlers, and for a few participants the view
// their client must reach after joining at the end. Here each viewer's client
// is played from scratch: it folds the records the server sends it (every
// record but its `withheld` ones, in log order), then the PollUpdates sent on
// going live, and its model must show exactly what the server's fold shows
// (tests/vectors/README.md, "Fold vectors"). The one thing no record carries
// is the head when the last records were withheld: the final CatchUp names
// it (head_seq, the log's last seq), and the view takes it from there.
//
// Each viewer is also played joining by state (issue 16) halfway through:
// the file's `join` has the ClientState at `atSeq` and every draft's
// DocumentText there, the viewer's `joinOwn` their own part. The client
// loads those, opens every draft, folds the records after `atSeq` it
// receives and the PollUpdates, and must reach the same view.
import { readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { type JsonValue, create, fromJson } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { LogRecordSchema } from "../../src/gen/kenes/v1/log_pb";
import { DocumentTextSchema, PollUpdateSchema } from "../../src/gen/kenes/v1/protocol_pb";
import { ClientOwnStateSchema, ClientStateSchema, JoinStateSchema } from "../../src/gen/kenes/v1/state_pb";
import { ConsultationState, toNumber } from "../../src/model";
import { type Json, firstDifference, foldView } from "../support/fold-view";

const FOLDS = resolve(__dirname, "../../../tests/vectors/folds");

interface Viewer {
  participant: string;
  withheld: number[];
  joinOwn: JsonValue;
  expected: Json;
}

interface FoldFile {
  kind: string;
  description: string;
  nowUnixMs: string;
  log: JsonValue[];
  pollUpdates: JsonValue[];
  join: { atSeq: number; state: JsonValue; documents: JsonValue[] };
  viewers: Viewer[];
}

function foldFiles(): string[] {
  return readdirSync(FOLDS)
    .filter((f) => f.endsWith(".json"))
    .sort();
}

/**
 * What a client that joined as `viewer` got: the records and PollUpdates
 * folded into a fresh model, and the head. With `byState`, the model starts
 * from the file's JoinState (every draft opened) and folds only what follows.
 */
function caughtUpClient(file: FoldFile, viewer: Viewer, byState = false): { state: ConsultationState; lastReceived: number; headSeq: number } {
  // A client id no record carries: none of the log's edits is this browser's.
  const state = new ConsultationState("fold-vectors-runner");
  state.myId = viewer.participant;
  const withheld = new Set(viewer.withheld);
  let lastReceived = 0;
  let headSeq = 0;
  if (byState) {
    state.loadJoinState(
      create(JoinStateSchema, { state: fromJson(ClientStateSchema, file.join.state), own: fromJson(ClientOwnStateSchema, viewer.joinOwn) }),
    );
    for (const json of file.join.documents) {
      const text = fromJson(DocumentTextSchema, json);
      if (!state.loadDocument(text) && !state.doc(text.docId).loaded) throw new Error(`${text.docId}: its text does not fit the state`);
    }
    lastReceived = file.join.atSeq;
  }
  for (const json of file.log) {
    const record = fromJson(LogRecordSchema, json);
    headSeq = toNumber(record.seq);
    if (withheld.has(headSeq) || (byState && headSeq <= file.join.atSeq)) continue;
    lastReceived = headSeq;
    state.fold(record);
    // The session drains these after every fold; nothing here needs them.
    state.pendingEffects.splice(0);
  }
  for (const json of file.pollUpdates) state.assessment.applyPollUpdate(fromJson(PollUpdateSchema, json));
  return { state, lastReceived, headSeq };
}

describe("the shared fold vectors", () => {
  it("are there to run", () => {
    expect(foldFiles().length).toBeGreaterThanOrEqual(3);
  });

  for (const name of foldFiles()) {
    const file = JSON.parse(readFileSync(join(FOLDS, name), "utf8")) as FoldFile;
    describe(`${name} (${file.description})`, () => {
      it("is a fold file", () => {
        expect(file.kind).toBe("fold");
      });
      for (const viewer of file.viewers) {
        it(`gives ${viewer.participant} the view the server's fold gives them`, () => {
          const { state, lastReceived, headSeq } = caughtUpClient(file, viewer);
          expect(state.lastSeq, `${name}, viewer ${viewer.participant}: the last seq folded`).toBe(lastReceived);
          const view = foldView(state, headSeq);
          const diff = firstDifference(view, viewer.expected);
          expect(view, `${name}, viewer ${viewer.participant}: first difference (model vs vector) at ${diff}`).toEqual(viewer.expected);
        });
        it(`gives ${viewer.participant} that view too when joining by state at seq ${file.join.atSeq}`, () => {
          const { state, lastReceived, headSeq } = caughtUpClient(file, viewer, true);
          expect([...state.allDocs()].filter((d) => !d.loaded).map((d) => d.docId), `${name}: drafts left without text`).toEqual([]);
          expect(state.lastSeq, `${name}, viewer ${viewer.participant}: the last seq folded`).toBe(lastReceived);
          const view = foldView(state, headSeq);
          const diff = firstDifference(view, viewer.expected);
          expect(view, `${name}, viewer ${viewer.participant} joining by state: first difference (model vs vector) at ${diff}`).toEqual(viewer.expected);
        });
      }
    });
  }
});
