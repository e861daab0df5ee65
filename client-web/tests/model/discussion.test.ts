// Threads, comments, suggestions, read markers and visits folded from the log
// (issue 6), anchors moving with the document's edits in log order, the local
// (unacknowledged) mapping for display, and @mention parsing.
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { Reaction } from "../../src/gen/kenes/v1/discussion_pb";
import { FrameworkSchema, Scope } from "../../src/gen/kenes/v1/framework_pb";
import { type LogRecord, LogRecordSchema } from "../../src/gen/kenes/v1/log_pb";
import { Role } from "../../src/gen/kenes/v1/protocol_pb";
import { type TextOp, apply, sliceCodePoints } from "../../src/core";
import {
  ConsultationState,
  findMentions,
  foldForMatching,
  indicatorDocId,
  localRange,
  parseMentions,
  textOpToWire,
} from "../../src/model";

let seq = 0;
function rec(init: Parameters<typeof create<typeof LogRecordSchema>>[1]): LogRecord {
  return create(LogRecordSchema, { seq: BigInt(++seq), timeUnixMs: 1000n, ...init });
}

const framework = create(FrameworkSchema, {
  edition: "test",
  categories: [{ id: "R", title: "Rights", themes: [{ id: "R.A", title: "T", questions: [{ id: "R.1", title: "Q", indicators: [{ id: "R.1.1", title: "Law", core: true }, { id: "R.1.2", title: "Applied", core: false }] }] }] }],
});
const DOC = indicatorDocId("R.1.1");

function fresh(me = "m1"): ConsultationState {
  seq = 0;
  const s = new ConsultationState("client-a");
  s.myId = me;
  s.fold(rec({ event: { case: "consultationCreated", value: { consultationId: "c", title: "C", framework, scope: Scope.ALL } } }));
  for (const [id, name, role] of [["chair", "Chair Person", Role.CHAIR], ["r1", "Rita", Role.RESEARCHER], ["m1", "Ann", Role.MEMBER], ["m2", "Ann Lee", Role.MEMBER]] as const)
    s.fold(rec({ event: { case: "participantInvited", value: { participantId: id, displayName: name, role } } }));
  return s;
}

let version = 0;
function edit(s: ConsultationState, op: TextOp, author = "r1", extra: { accepts?: string } = {}): void {
  version = s.doc(DOC).version + 1;
  s.fold(
    rec({
      author,
      clientId: extra.accepts ? "" : "other",
      clientSeq: extra.accepts ? 0n : BigInt(version),
      event: { case: "textEdit", value: { docId: DOC, version: BigInt(version), op: textOpToWire(op), acceptsSuggestionOfThread: extra.accepts ?? "", coAuthors: extra.accepts ? ["m1"] : [] } },
    }),
  );
}

function thread(s: ConsultationState, id: string, from: number, to: number, author = "m1", suggestion?: string): void {
  const text = s.doc(DOC).confirmedText;
  s.fold(
    rec({
      author,
      event: {
        case: "threadCreated",
        value: {
          threadId: id,
          firstCommentId: `c-${id}`,
          target: { indicatorId: "R.1.1", docId: DOC, range: { anchor: BigInt(from), head: BigInt(to) }, version: BigInt(s.doc(DOC).version) },
          quote: sliceCodePoints(text, from, to),
          body: suggestion === undefined ? "why this?" : "",
          suggestion: suggestion === undefined ? undefined : { text: suggestion },
        },
      },
    }),
  );
}

function shown(s: ConsultationState, id: string): string {
  const a = s.discussion.threads.get(id)!.anchor!;
  return sliceCodePoints(s.doc(DOC).confirmedText, a.from, a.to);
}

describe("threads fold", () => {
  it("an anchor stays on its words through edits around and inside it, in log order", () => {
    const s = fresh();
    edit(s, ["Қазақстан has a law on access 👍 to information."]);
    thread(s, "thread-1", 16, 22); // "law on"
    expect(shown(s, "thread-1")).toBe("law on");
    edit(s, [16, "new "]); // at the start edge: outside
    edit(s, [26, " broad"]); // at the end edge: outside
    expect(shown(s, "thread-1")).toBe("law on");
    edit(s, [23, "ü"]); // strictly inside: inside
    expect(shown(s, "thread-1")).toBe("lawü on");
    expect(s.discussion.threads.get("thread-1")!.anchor!.changed).toBe(true);
  });

  it("deleting the passage detaches the thread with its quote; re-attach attaches it", () => {
    const s = fresh();
    edit(s, ["one two three"]);
    thread(s, "thread-1", 4, 7);
    edit(s, [3, { d: 4 }]);
    const t = s.discussion.threads.get("thread-1")!;
    expect(t.anchor!.attached).toBe(false);
    expect(t.anchor!.quote).toEqual({ text: "two", before: "one ", after: " three" });
    s.fold(rec({ author: "m1", event: { case: "threadReattached", value: { threadId: "thread-1", range: { anchor: 0n, head: 3n }, version: BigInt(s.doc(DOC).version), quote: "one" } } }));
    expect(t.anchor!.attached).toBe(true);
    expect(shown(s, "thread-1")).toBe("one");
    expect(t.quote).toBe("one");
  });

  it("replies, edits, deletes, hides, reactions, resolve and reopen", () => {
    const s = fresh("m2");
    edit(s, ["text"]);
    thread(s, "thread-1", 0, 4, "m1");
    s.fold(rec({ author: "r1", event: { case: "commentAdded", value: { threadId: "thread-1", commentId: "comment-2", body: "because", mentions: ["m1"] } } }));
    s.fold(rec({ author: "m1", event: { case: "commentEdited", value: { threadId: "thread-1", commentId: "c-thread-1", body: "why this, really?" } } }));
    s.fold(rec({ author: "r1", event: { case: "commentDeleted", value: { threadId: "thread-1", commentId: "comment-2" } } }));
    s.fold(rec({ author: "m2", event: { case: "reactionSet", value: { threadId: "thread-1", commentId: "c-thread-1", reaction: Reaction.PLUS_ONE, on: true } } }));
    s.fold(rec({ author: "chair", event: { case: "reactionSet", value: { threadId: "thread-1", commentId: "c-thread-1", reaction: Reaction.PLUS_ONE, on: true } } }));
    s.fold(rec({ author: "m2", event: { case: "reactionSet", value: { threadId: "thread-1", commentId: "c-thread-1", reaction: Reaction.PLUS_ONE, on: false } } }));
    s.fold(rec({ author: "chair", event: { case: "commentAdded", value: { threadId: "thread-1", commentId: "comment-3", body: "rude" } } }));
    s.fold(rec({ author: "chair", event: { case: "commentHidden", value: { threadId: "thread-1", commentId: "comment-3", reason: "off topic" } } }));
    const eff = s.fold(rec({ author: "r1", event: { case: "threadResolved", value: { threadId: "thread-1", resolved: true } } }));
    expect(eff).toEqual({ kind: "discussion", change: { kind: "thread", threadId: "thread-1" } });
    const t = s.discussion.threads.get("thread-1")!;
    expect(t.comments.map((c) => [c.id, c.author, c.body, c.edits, c.deleted, c.hiddenReason])).toEqual([
      ["c-thread-1", "m1", "why this, really?", 1, false, null],
      ["comment-2", "r1", "", 0, true, null],
      ["comment-3", "chair", "", 0, false, "off topic"],
    ]);
    expect([...t.comments[0]!.plusOnes]).toEqual(["chair"]);
    expect(t.resolved).toBe(true);
    s.fold(rec({ author: "m1", event: { case: "threadResolved", value: { threadId: "thread-1", resolved: false } } }));
    expect(t.resolved).toBe(false);
    expect(s.indicatorSummary(s.findIndicator("R.1.1")!).openThreads).toBe(1);
  });

  it("a suggestion is accepted by the TextEdit that carries it, or rejected with a reason", () => {
    const s = fresh("r1");
    edit(s, ["the old wording stays"]);
    thread(s, "thread-1", 4, 15, "m1", "new phrasing");
    thread(s, "thread-2", 16, 21, "m1", "goes");
    const t1 = s.discussion.threads.get("thread-1")!;
    expect(t1.suggestion).toMatchObject({ text: "new phrasing", status: "open" });
    expect(t1.anchor!.changed).toBe(false);
    edit(s, [8, "X"], "chair"); // inside "old wording": the flag the UI warns about
    expect(t1.anchor!.changed).toBe(true);
    const effects: unknown[] = [];
    edit(s, [4, "new phrasing", { d: 12 }], "r1", { accepts: "thread-1" });
    effects.push(...s.pendingEffects.splice(0));
    expect(effects).toEqual([{ kind: "discussion", change: { kind: "thread", threadId: "thread-1" } }]);
    expect(t1.suggestion).toMatchObject({ status: "accepted", decidedBy: "r1" });
    expect(s.doc(DOC).confirmedText).toBe("the new phrasing stays");
    // As on the server: the thread now covers the accepted text; still "changed".
    expect(t1.anchor!.attached).toBe(true);
    expect(shown(s, "thread-1")).toBe("new phrasing");
    expect(t1.anchor!.changed).toBe(true);
    s.fold(rec({ author: "chair", event: { case: "suggestionRejected", value: { threadId: "thread-2", reason: "keep it" } } }));
    expect(s.discussion.threads.get("thread-2")!.suggestion).toMatchObject({ status: "rejected", reason: "keep it", decidedBy: "chair" });
    expect(shown(s, "thread-2")).toBe("stays");
  });

  it("a repeated TextEdit (resume) does not move anchors twice", () => {
    const s = fresh();
    edit(s, ["abcdef"]);
    thread(s, "thread-1", 2, 4);
    const r = rec({ author: "r1", clientId: "x", clientSeq: 9n, event: { case: "textEdit", value: { docId: DOC, version: 2n, op: textOpToWire(["zz"]) } } });
    s.fold(r);
    s.lastSeq = 0; // force the fold to look at it again
    s.fold(r);
    expect(shown(s, "thread-1")).toBe("cd");
  });
});

describe("own edits", () => {
  it("an Ack of this client's edit moves anchors as its record would (the author never gets the record)", () => {
    const s = fresh("r1");
    edit(s, ["hello brave world"]);
    thread(s, "thread-1", 6, 11);
    const doc = s.doc(DOC);
    doc.applyLocal(["oh, "]);
    const sub = doc.take(() => 7)!;
    doc.applyLocal([10, "very "]);
    // Still unacknowledged: the anchor is in server coordinates, the display maps it.
    expect(shown(s, "thread-1")).toBe("brave");
    expect(s.ackEdit(DOC, sub.clientSeq, doc.version + 1, ++seq)).toBe(true);
    s.lastSeq = seq;
    expect(shown(s, "thread-1")).toBe("brave");
    const a = s.discussion.threads.get("thread-1")!.anchor!;
    const r = localRange({ from: a.from, to: a.to }, [doc.inFlight?.op ?? null, doc.pending]);
    expect(sliceCodePoints(doc.text, r.from, r.to)).toBe("very brave".slice(5));
    // A repeated or stale ack changes nothing.
    expect(s.ackEdit(DOC, sub.clientSeq, doc.version + 1, ++seq)).toBe(false);
    expect(shown(s, "thread-1")).toBe("brave");
  });
});

describe("unread, visits, what changed", () => {
  it("counts others' comments after my read marker; own ThreadsRead only", () => {
    const s = fresh("m2");
    edit(s, ["text"]);
    thread(s, "thread-1", 0, 4, "m1");
    s.fold(rec({ author: "m2", event: { case: "commentAdded", value: { threadId: "thread-1", commentId: "comment-2", body: "mine" } } }));
    s.fold(rec({ author: "r1", event: { case: "commentAdded", value: { threadId: "thread-1", commentId: "comment-3", body: "theirs" } } }));
    expect(s.discussion.unread("thread-1")).toBe(2);
    expect(s.indicatorSummary(s.findIndicator("R.1.1")!).unreadComments).toBe(2);
    s.fold(rec({ author: "m1", event: { case: "threadsRead", value: { threadIds: ["thread-1"], upToSeq: BigInt(seq) } } }));
    expect(s.discussion.unread("thread-1")).toBe(2);
    const upTo = seq;
    s.fold(rec({ author: "m2", event: { case: "threadsRead", value: { threadIds: ["thread-1"], upToSeq: BigInt(upTo) } } }));
    expect(s.discussion.unread("thread-1")).toBe(0);
    s.fold(rec({ author: "chair", event: { case: "commentAdded", value: { threadId: "thread-1", commentId: "comment-4", body: "later" } } }));
    expect(s.discussion.unread("thread-1")).toBe(1);
    expect(s.discussion.summary("R.1.1")).toEqual({ threads: 1, open: 1, unread: 1 });
    // Hidden and deleted comments are not unread (as the server counts).
    s.fold(rec({ author: "chair", event: { case: "commentHidden", value: { threadId: "thread-1", commentId: "comment-4", reason: "spam" } } }));
    expect(s.discussion.unread("thread-1")).toBe(0);
  });

  it("what changed since the previous visit: edits, new threads and replies per indicator, not mine", () => {
    const s = fresh("m2");
    edit(s, ["text"]);
    const seen = seq;
    s.fold(rec({ author: "m2", event: { case: "visited", value: { seenSeq: BigInt(seen) } } }));
    s.fold(rec({ author: "m1", event: { case: "visited", value: { seenSeq: 1n } } }));
    expect(s.discussion.lastVisit()).toBe(seen);
    const since = s.discussion.lastVisit()!;
    edit(s, [4, " more"], "r1");
    edit(s, [9, "!"], "r1");
    edit(s, [10, "?"], "m2");
    thread(s, "thread-1", 0, 4, "m1");
    s.fold(rec({ author: "r1", event: { case: "commentAdded", value: { threadId: "thread-1", commentId: "comment-2", body: "re" } } }));
    s.fold(rec({ author: "m2", event: { case: "commentAdded", value: { threadId: "thread-1", commentId: "comment-3", body: "me" } } }));
    const ch = s.discussion.changesSince(since);
    expect(ch.map((c) => ({ ...c, editors: [...c.editors] }))).toEqual([{ key: "R.1.1", edits: 2, editors: ["r1"], newThreads: 1, replies: 1 }]);
  });
});

describe("display and mentions", () => {
  it("maps an anchor through unacknowledged local edits", () => {
    // Server text "hello brave world", thread on "brave" [6, 11); the person
    // typed "oh " at 0 (in flight) and "very " at 9 (pending).
    const inFlight: TextOp = ["oh "];
    const pending: TextOp = [9, "very "];
    const r = localRange({ from: 6, to: 11 }, [inFlight, pending]);
    const local = apply(apply("hello brave world", inFlight), pending);
    expect(sliceCodePoints(local, r.from, r.to)).toBe("brave");
    expect(localRange({ from: 6, to: 11 }, [[6, { d: 5 }]])).toEqual({ from: 6, to: 6 });
  });

  it("parses @Name and @id, longest name first, at word ends, each once", () => {
    const people = [
      { id: "m1", displayName: "Ann" },
      { id: "m2", displayName: "Ann Lee" },
      { id: "r1", displayName: "Рита" },
      { id: "gone", displayName: "Gone", revoked: true },
    ];
    expect(parseMentions("@ann lee and @Рита, also @Ann. @Annex @gone @r1", people)).toEqual(["m2", "r1", "m1"]);
    expect(parseMentions("no mention@", people)).toEqual([]);
  });

  it("matches what people type: a name's first letters, whatever the case and diacritics, and says what matched nobody", () => {
    const people = [
      { id: "r1", displayName: "Daniyar (researcher)" },
      { id: "c1", displayName: "Aigérim Bekova" },
      { id: "m1", displayName: "Dana Smagulova" },
      { id: "m2", displayName: "Ёлкин Асель" },
      { id: "gone", displayName: "Gone Person", revoked: true },
    ];
    const found = findMentions("@Daniyar and @aigerim, @BEKOVA; @елкин, @Dan @nobody @Gone — mail me at x@dana.kz", people);
    expect(found.ids).toEqual(["r1", "c1", "m2"]);
    expect(found.unmatched).toEqual(["@nobody", "@Gone"]);
    expect(found.ambiguous).toEqual([{ typed: "@Dan", names: ["Daniyar (researcher)", "Dana Smagulova"] }]);
    // A whole name still wins over a first word, and the id still works.
    expect(parseMentions("@Dana Smagulova and @r1", people)).toEqual(["m1", "r1"]);
    expect(foldForMatching("Aigérim ЁЛКА")).toBe("aigerim елка");
  });
});
