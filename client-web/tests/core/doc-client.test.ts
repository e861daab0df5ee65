import { describe, expect, it } from "vitest";
import { DocClient, VersionGapError, apply } from "../../src/core";
import { Sequencer } from "../support/sequencer";

function counter(start = 1): () => number {
  let n = start;
  return () => n++;
}

describe("DocClient", () => {
  it("sends one op at a time and composes later edits into pending", () => {
    const c = new DocClient("indicator/R.1.1", "me");
    const seq = counter();
    c.applyLocal(["Сәлем"]);
    const first = c.take(seq)!;
    expect(first).toEqual({ docId: "indicator/R.1.1", baseVersion: 0, clientSeq: 1, op: ["Сәлем"] });
    c.applyLocal([5, ","]);
    c.applyLocal([6, " 👋"]);
    expect(c.take(seq)).toBeNull(); // one in flight at a time
    expect(c.pending).toEqual([5, ", 👋"]);
    expect(c.text).toBe("Сәлем, 👋");
    expect(c.unsentCount).toBe(2);
  });

  it("recognises its own record by (client_id, client_seq) and leaves the text alone", () => {
    const c = new DocClient("d", "me");
    c.applyLocal(["abc"]);
    c.take(counter(41));
    expect(c.receive({ version: 1, op: ["abc"], clientId: "me", clientSeq: 41 })).toEqual({ kind: "own" });
    expect(c.inFlight).toBeNull();
    expect(c.version).toBe(1);
    expect(c.confirmedText).toBe("abc");
  });

  it("does not mistake another client's record with the same client_seq for its own", () => {
    const c = new DocClient("d", "me");
    c.applyLocal(["mine"]);
    c.take(counter(1));
    const r = c.receive({ version: 1, op: ["theirs"], clientId: "other", clientSeq: 1 });
    expect(r.kind).toBe("remote");
    expect(c.inFlight?.clientSeq).toBe(1);
  });

  it("transforms in-flight and pending past a remote edit; the remote insert goes first at a tie", () => {
    const c = new DocClient("d", "me");
    const seq = counter();
    c.applyLocal(["A"]);
    c.take(seq);
    c.applyLocal([1, "B"]);
    const r = c.receive({ version: 1, op: ["X"], clientId: "other", clientSeq: 9 });
    expect(r).toEqual({ kind: "remote", op: ["X"] });
    expect(c.text).toBe("XAB");
    expect(c.inFlight!.op).toEqual([1, "A"]);
    expect(c.pending).toEqual([2, "B"]);
    expect(c.inFlightSubmit()!.baseVersion).toBe(1);
  });

  it("folds an Ack for the next version at once and ignores the record that follows", () => {
    const c = new DocClient("d", "me");
    c.applyLocal(["hi"]);
    c.take(counter());
    expect(c.ack(1, 1)).toBe(true);
    expect(c.version).toBe(1);
    expect(c.receive({ version: 1, op: ["hi"], clientId: "me", clientSeq: 1 })).toEqual({ kind: "stale" });
  });

  it("waits for the record when an Ack skips versions it has not seen", () => {
    const c = new DocClient("d", "me");
    c.applyLocal(["hi"]);
    c.take(counter());
    expect(c.ack(1, 2)).toBe(false);
    expect(c.inFlight).not.toBeNull();
  });

  it("rolls back to the server's text when its op is refused", () => {
    const c = new DocClient("d", "me");
    c.receive({ version: 1, op: ["base"], clientId: "o", clientSeq: 1 });
    c.applyLocal([4, "!"]);
    c.take(counter());
    c.applyLocal([5, "?"]);
    const undo = c.reject(1)!;
    expect(apply("base!?", undo)).toBe("base");
    expect(c.text).toBe("base");
    expect(c.unsentCount).toBe(0);
  });

  it("reports a gap in the log instead of applying a record to the wrong version", () => {
    const c = new DocClient("d", "me");
    expect(() => c.receive({ version: 2, op: ["x"], clientId: "o", clientSeq: 1 })).toThrow(VersionGapError);
  });

  it("restores unsent work after a reload once the log reaches its version", () => {
    // Before the reload: version 1, "hello" in flight as seq 7, " world" pending.
    const server = new Sequencer();
    server.submit(0, "o", 1, ["Hi"]);
    const before = new DocClient("d", "me");
    before.receive(server.log[0]!);
    before.applyLocal([2, " there"]);
    before.take(() => 7);
    before.applyLocal([8, "!"]);
    const saved = before.snapshot()!;
    // The in-flight op reached the server just before the page went away.
    server.submit(1, "me", 7, before.inFlight!.op);
    server.submit(2, "o", 2, [{ d: 2 }, "Hello"]);

    const after = new DocClient("d", "me");
    expect(after.restore(saved)).toBe(true); // waits for version 1
    expect(after.restoring).toBe(true);
    for (const r of server.log) after.receive(r);
    expect(after.inFlight).toBeNull(); // recognised its seq-7 record
    expect(after.text).toBe("Hello there!");
    const again = after.take(() => 8)!;
    server.submit(again.baseVersion, "me", again.clientSeq, again.op);
    expect(server.text).toBe("Hello there!");
  });

  it("gives up restored work made on a version the log never reaches", () => {
    const c = new DocClient("d", "me");
    c.restore({ docId: "d", version: 5, inFlight: null, pending: ["lost"], pendingEdits: 1 });
    c.receive({ version: 1, op: ["x"], clientId: "o", clientSeq: 1 });
    expect(c.restoring).toBe(true);
    expect(c.abandonRestore()).toMatchObject({ version: 5, pending: ["lost"] });
    expect(c.unsentEdits).toBe(0);
    expect(c.text).toBe("x");
  });

  it("keeps what was typed while restored work waited for its version, after that work", () => {
    const server = new Sequencer();
    server.submit(0, "o", 1, ["Hello"]);
    const c = new DocClient("d", "me");
    expect(c.restore({ docId: "d", version: 1, inFlight: null, pending: [5, " world"], pendingEdits: 6, baseText: "Hello" })).toBe(true);
    c.applyLocal(["typed: "]); // on the empty text shown before the catch-up
    expect(c.unsentEdits).toBe(7);
    for (const r of server.log) c.receive(r);
    expect(c.restoring).toBe(false);
    expect(c.text).toBe("Hello worldtyped: ");
    const s = c.take(() => 1)!;
    server.submit(s.baseVersion, "me", s.clientSeq, s.op);
    expect(server.text).toBe(c.text);
  });

  it("places restored work by text when the version it waited for is of another history", () => {
    const server = new Sequencer();
    server.submit(0, "o", 1, [">> Hello"]); // version 1, but not the text the work was made on
    const c = new DocClient("d", "me");
    c.restore({ docId: "d", version: 1, inFlight: null, pending: [5, "!"], pendingEdits: 1, baseText: "Hello" });
    for (const r of server.log) c.receive(r);
    expect(c.restoring).toBe(false);
    expect(c.text).toBe(">> Hello!");
  });
});

describe("DocClient: placing unsent work by text (a start over)", () => {
  it("merges in-flight and pending work made on an old text into the server's text three ways", () => {
    const c = new DocClient("d", "me");
    c.receive({ version: 1, op: ["The server lost this. Keep me."], clientId: "o", clientSeq: 1 });
    const snap = {
      docId: "d",
      version: 1,
      inFlight: { op: [30, " Mine."], clientSeq: 4, edits: 1 },
      pending: [0, "(", 36, ")"] as never,
      pendingEdits: 2,
      baseText: "The server lost this. Keep me.",
    };
    // The new text: the first sentence gone, a word added by someone else.
    const fresh = DocClient.notLoaded("d", "me", 7, 13);
    fresh.load(7, "Keep me. Yes.");
    expect(fresh.placeByText(snap)).toBe(true);
    expect(fresh.text).toBe("(Keep me. Yes. Mine.)"); // at one place: the server's first
    expect(fresh.inFlight?.clientSeq).toBe(4); // the server may know it: same number
    expect(fresh.unsentEdits).toBe(3);
    expect(fresh.placeByText(snap)).toBe(false); // something is in flight now
  });

  it("takes a placed in-flight op back out when the server says it had it already", () => {
    const c = DocClient.notLoaded("d", "me", 2, 5);
    c.load(2, "abcd!"); // "d" was mine, sequenced before the page lost track
    expect(c.placeByText({ docId: "d", version: 1, inFlight: { op: [3, "d"], clientSeq: 2, edits: 1 }, pending: [4, "e"], pendingEdits: 1, baseText: "abc" })).toBe(true);
    expect(c.text).toBe("abcd!de"); // merged blindly: "d" twice
    c.applyLocal([c.length, "f"]);
    const undo = c.settleDuplicate(2, 2)!;
    expect(c.inFlight).toBeNull();
    expect(c.text).toBe("abcd!ef");
    expect(undo.length).toBeGreaterThan(0);
    expect(c.settleDuplicate(2, 2)).toBeNull();
  });

  it("refuses work without its base text, or that does not fit it", () => {
    const c = DocClient.notLoaded("d", "me", 1, 3);
    c.load(1, "abc");
    expect(c.placeByText({ docId: "d", version: 9, inFlight: null, pending: ["x"], pendingEdits: 1 })).toBe(false);
    expect(c.placeByText({ docId: "d", version: 9, inFlight: null, pending: [9, "x"], pendingEdits: 1, baseText: "ab" })).toBe(false);
    expect(c.text).toBe("abc");
  });
});

describe("DocClient: a draft known by version and length only (joined by state)", () => {
  it("follows remote edits by version and length, and refuses local edits until its text arrives", () => {
    const c = DocClient.notLoaded("d", "me", 3, 5);
    expect(c).toMatchObject({ loaded: false, version: 3, length: 5, confirmedLength: 5, text: "" });
    expect(c.receive({ version: 4, op: [5, "👍🏽"], clientId: "other", clientSeq: 1 })).toEqual({ kind: "remote", op: [5, "👍🏽"] });
    expect(c.receive({ version: 5, op: [1, { d: 2 }], clientId: "other", clientSeq: 2 }).kind).toBe("remote");
    expect(c).toMatchObject({ loaded: false, version: 5, length: 5 });
    expect(() => c.applyLocal(["x"])).toThrow(/not loaded/);
    expect(() => c.receive({ version: 6, op: [9, "x"], clientId: "other", clientSeq: 3 })).toThrow();
  });

  it("takes its text only at the version it has reached, and is then an ordinary document", () => {
    const c = DocClient.notLoaded("d", "me", 2, 3);
    expect(c.load(1, "abc")).toBe(false);
    expect(c.loaded).toBe(false);
    expect(c.load(2, "abc")).toBe(true);
    expect(c).toMatchObject({ loaded: true, version: 2, text: "abc", confirmedText: "abc" });
    expect(c.load(2, "abc")).toBe(false);
    c.applyLocal([3, "d"]);
    expect(c.take(counter())).toEqual({ docId: "d", baseVersion: 2, clientSeq: 1, op: [3, "d"] });
  });

  it("needs no text when it was never edited", () => {
    expect(DocClient.notLoaded("d", "me", 0, 0).loaded).toBe(true);
  });
});
