// Starting the model from a JoinState (issue 16) instead of the log: what the
// overview and the folds read comes from the server's state, a draft is known
// by version and length until its DocumentText arrives, and the records after
// the state fold on top as usual. The shared fold vectors check the loader
// against the C++ fold (fold-vectors.test.ts); these cases cover what the
// vectors do not reach: records between the state and a draft's text, and
// the state's fields that only matter later (times, seqs, runs).
import { type MessageInitShape, create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { IndicatorStatus, PollKind } from "../../src/gen/kenes/v1/assessment_pb";
import { DigestPeriod } from "../../src/gen/kenes/v1/discussion_pb";
import { FrameworkSchema, Scope } from "../../src/gen/kenes/v1/framework_pb";
import { type LogRecord, LogRecordSchema, StakeholderGroup } from "../../src/gen/kenes/v1/log_pb";
import { DocumentTextSchema, PollUpdateSchema, Role } from "../../src/gen/kenes/v1/protocol_pb";
import { type ClientState, ClientStateSchema, type JoinState, JoinStateSchema } from "../../src/gen/kenes/v1/state_pb";
import { sliceCodePoints } from "../../src/core";
import { ConsultationState, indicatorDocId, textOpToWire } from "../../src/model";

const DOC = indicatorDocId("R.1.1");
const framework = create(FrameworkSchema, {
  edition: "test",
  categories: [{ id: "R", title: "Rights", themes: [{ id: "R.A", title: "T", questions: [{ id: "R.1", title: "Q", indicators: [{ id: "R.1.1", title: "Law", core: true }, { id: "R.1.2", title: "Applied" }] }] }] }],
});

type JoinInit = MessageInitShape<typeof JoinStateSchema>;
type StateInit = Exclude<MessageInitShape<typeof ClientStateSchema>, ClientState>;

/** A JoinState at seq 20: a draft of "Kazakhstan has a law." (22 code points) at version 3, and what `extra` adds. */
function joinState(extra: Partial<StateInit> = {}, own: JoinInit["own"] = {}): JoinState {
  return create(JoinStateSchema, {
    state: {
      seq: 20n,
      created: { consultationId: "kz", title: "Қазақстан", framework, scope: Scope.ALL },
      participants: [
        { participantId: "chair", displayName: "Chair", role: Role.CHAIR },
        { participantId: "m1", displayName: "Ann", role: Role.MEMBER, stakeholderGroup: StakeholderGroup.MEDIA, profiled: true },
        { participantId: "r1", displayName: "Rita", role: Role.RESEARCHER },
      ],
      documents: [{ docId: DOC, version: 3n, length: 22n, runs: [{ author: "r1", firstSeq: 5n, lastSeq: 9n, edits: 3n }] }],
      ...extra,
    },
    own,
  });
}

const TEXT = "Kazakhstan has a law.";
const TEXT_AT_3 = `${TEXT} `; // 22 code points

function joined(extra: Partial<StateInit> = {}, own: JoinInit["own"] = {}, me = "m1"): ConsultationState {
  const s = new ConsultationState("browser");
  s.myId = me;
  s.loadJoinState(joinState(extra, own));
  return s;
}

let seq = 20;
function rec(init: MessageInitShape<typeof LogRecordSchema>): LogRecord {
  return create(LogRecordSchema, { seq: BigInt(++seq), timeUnixMs: 1000n, ...init });
}

function edit(s: ConsultationState, op: Parameters<typeof textOpToWire>[0], author = "r1", accepts = ""): void {
  const version = s.doc(DOC).version + 1;
  s.fold(rec({ author, clientId: "other", clientSeq: BigInt(seq), event: { case: "textEdit", value: { docId: DOC, version: BigInt(version), op: textOpToWire(op), acceptsSuggestionOfThread: accepts } } }));
  s.pendingEffects.length = 0;
}

/** "law" in TEXT, suggested to become "statute", with a reply. */
const lawThread = {
  threadId: "thread-2",
  target: { indicatorId: "R.1.1", docId: DOC, range: { anchor: 17n, head: 20n }, version: 3n },
  author: "m1",
  createdSeq: 12n,
  quote: "law",
  anchor: { threadId: "thread-2", from: 17n, to: 20n },
  suggestion: { text: "statute", status: "open" },
  lastSeq: 14n,
  comments: [
    { commentId: "comment-2", author: "m1", seq: 12n, body: "" },
    { commentId: "comment-3", author: "r1", seq: 14n, body: "agreed", mentions: ["m1"], plusOnes: ["chair", "m1"] },
  ],
};

describe("ConsultationState.loadJoinState", () => {
  it("holds what the overview shows: title, roster, drafts by version, status, threads and unread", () => {
    const s = joined(
      {
        scopeOverride: Scope.CORE,
        indicators: [{ indicatorId: "R.1.1", status: IndicatorStatus.IN_REVIEW, statusSeq: 11n, statusAtUnixMs: 7000n, assignees: ["r1"], sources: ["law"], hasScore: true, score: 2, dueDate: "2027-03-12" }],
        observersMayComment: true,
        threads: [
          lawThread,
          {
            threadId: "thread-1",
            target: { indicatorId: "R.1.1" },
            author: "r1",
            createdSeq: 10n,
            lastSeq: 16n,
            resolved: true,
            comments: [
              { commentId: "comment-1", author: "r1", seq: 10n, body: "overall?", edits: 1 },
              { commentId: "comment-4", author: "chair", seq: 15n, hidden: true, hiddenReason: "off topic" },
              { commentId: "comment-5", author: "r1", seq: 16n, deleted: true },
            ],
          },
        ],
      },
      { reads: [{ threadId: "thread-2", upToSeq: 13n }], visits: [7n, 18n], email: "ann@example.org", period: DigestPeriod.DAILY, lastDigestUnixMs: 5000n, lastDigestItems: 4 },
    );
    expect(s).toMatchObject({ lastSeq: 20, id: "kz", title: "Қазақстан", scope: Scope.CORE });
    expect(s.participants.get("m1")).toMatchObject({ displayName: "Ann", role: Role.MEMBER, stakeholderGroup: StakeholderGroup.MEDIA, profiled: true, revoked: false });
    expect(s.participants.get("r1")!.profiled).toBe(false);
    expect(s.doc(DOC)).toMatchObject({ loaded: false, version: 3, length: 22 });
    expect(s.indicatorSummary(s.findIndicator("R.1.1")!)).toMatchObject({
      draftStarted: true,
      draftVersion: 3,
      status: IndicatorStatus.IN_REVIEW,
      assignees: ["Rita"],
      openThreads: 1,
      // thread-2's reply after Ann's read marker, and thread-1's first comment (never read).
      unreadComments: 2,
    });
    expect(s.assessment.indicators.get("R.1.1")).toMatchObject({ statusSeq: 11, statusMs: 7000, sources: ["law"], score: 2, dueDate: "2027-03-12" });
    // In creation order, as folding adds them, whatever order the server lists them in.
    expect([...s.discussion.threads.keys()]).toEqual(["thread-1", "thread-2"]);
    const overall = s.discussion.threads.get("thread-1")!;
    expect(overall).toMatchObject({ anchor: null, resolved: true, lastSeq: 16, docId: "" });
    expect(overall.comments.map((c) => [c.id, c.body, c.edits, c.deleted, c.hiddenReason])).toEqual([
      ["comment-1", "overall?", 1, false, null],
      ["comment-4", "", 0, false, "off topic"],
      ["comment-5", "", 0, true, null],
    ]);
    const law = s.discussion.threads.get("thread-2")!;
    expect([law.anchor!.from, law.anchor!.to, law.anchor!.attached, law.quote]).toEqual([17, 20, true, "law"]);
    expect(law.suggestion).toEqual({ text: "statute", status: "open", decidedBy: "", decidedSeq: 0, reason: "" });
    expect([...s.discussion.comment("comment-3")!.plusOnes]).toEqual(["chair", "m1"]);
    expect(s.discussion.observerCommenting).toBe(true);
    expect(s.discussion.lastVisit()).toBe(18);
    expect(s.notifications).toEqual({ email: "ann@example.org", period: DigestPeriod.DAILY, lastDigestUnixMs: 5000, lastDigestItems: 4 });
  });

  it("holds polls in their phase with one's own counted ballot, and the running meeting", () => {
    const def = (question: string) => ({ kind: PollKind.SINGLE_CHOICE, question, options: ["a", "b"], eligibleRoles: [Role.MEMBER] });
    const s = joined(
      {
        polls: [
          { pollId: "poll-10", definition: def("later"), createdSeq: 15n },
          { pollId: "poll-2", definition: def("open"), createdSeq: 6n, opened: true, closesAtUnixMs: 9000n },
          { pollId: "poll-1", definition: def("done"), createdSeq: 4n, opened: true, closedSeq: 8n, closedAtClosingTime: true, createdAtUnixMs: 1000n, closedAtUnixMs: 4000n },
        ],
        meetings: [
          { meetingId: "meeting-2", title: "Now", agenda: ["R.1.1"], startedSeq: 17n, running: true, spotlight: "R.1.1", attendees: ["chair", "m1"] },
          { meetingId: "meeting-1", title: "Before", startedSeq: 3n, startedAtUnixMs: 500n, endedSeq: 9n, endedAtUnixMs: 4500n },
        ],
      },
      { ballots: [{ pollId: "poll-1", choices: [1] }] },
    );
    const polls = s.assessment.polls;
    expect([...polls.keys()]).toEqual(["poll-1", "poll-2", "poll-10"]);
    expect(polls.get("poll-1")).toMatchObject({ phase: "closed", closedSeq: 8, closedAtClosingTime: true, myChoices: [1], createdMs: 1000, closedMs: 4000 });
    // A meeting that ended before the join still says when (issue 20's history).
    expect(s.assessment.meetings.get("meeting-1")).toMatchObject({ running: false, startedMs: 500, endedSeq: 9, endedMs: 4500 });
    expect(polls.get("poll-2")).toMatchObject({ phase: "open", opened: true, closesAtUnixMs: 9000, myChoices: undefined });
    expect(polls.get("poll-10")).toMatchObject({ phase: "draft", opened: false });
    expect(s.assessment.openPoll()?.id).toBe("poll-2");
    expect(s.assessment.currentMeeting).toMatchObject({ id: "meeting-2", spotlight: "R.1.1" });
    expect([...s.assessment.currentMeeting!.attendees]).toEqual(["chair", "m1"]);
    expect([...s.assessment.meetings.keys()]).toEqual(["meeting-1", "meeting-2"]);
  });

  it("judges a later ballot of one's own by the server's latest record time, not only the ballot's", () => {
    const poll = { pollId: "poll-1", definition: { kind: PollKind.SINGLE_CHOICE, question: "?", options: ["a", "b"], eligibleRoles: [Role.MEMBER] }, createdSeq: 4n, opened: true, closesAtUnixMs: 4000n };
    const vote = () => rec({ author: "m1", timeUnixMs: 3000n, event: { case: "voteCast", value: { pollId: "poll-1", choices: [1] } } });
    // The server folded a record stamped 5000: past the closing time, the ballot does not count.
    const late = joined({ assessmentTimeUnixMs: 5000n, polls: [poll] }, { ballots: [{ pollId: "poll-1", choices: [0] }] });
    late.fold(vote());
    expect(late.assessment.polls.get("poll-1")!.myChoices).toEqual([0]);
    const inTime = joined({ assessmentTimeUnixMs: 2000n, polls: [poll] }, { ballots: [{ pollId: "poll-1", choices: [0] }] });
    inTime.fold(vote());
    expect(inTime.assessment.polls.get("poll-1")!.myChoices).toEqual([1]);
  });

  it("keeps a status set by hand after a validation poll closed, when the poll's final figures arrive", () => {
    const poll = {
      pollId: "poll-1",
      definition: { kind: PollKind.AGREEMENT, question: "valid?", eligibleRoles: [Role.MEMBER], targetIndicatorId: "R.1.1", targetVersion: 3n },
      createdSeq: 4n,
      opened: true,
      closedSeq: 8n,
    };
    const passed = create(PollUpdateSchema, { pollId: "poll-1", seq: 8n, closed: true, results: { closed: true, passed: true } });
    const byHand = joined({ polls: [poll], indicators: [{ indicatorId: "R.1.1", status: IndicatorStatus.NEEDS_REVISION, statusSeq: 12n }] });
    byHand.assessment.applyPollUpdate(passed);
    expect(byHand.assessment.indicators.get("R.1.1")!.status).toBe(IndicatorStatus.NEEDS_REVISION);
    const before = joined({ polls: [poll], indicators: [{ indicatorId: "R.1.1", status: IndicatorStatus.IN_REVIEW, statusSeq: 6n }] });
    before.assessment.applyPollUpdate(passed);
    expect(before.assessment.indicators.get("R.1.1")).toMatchObject({ status: IndicatorStatus.VALIDATED, validatedVersion: 3, validatedByPoll: "poll-1" });
  });
});

describe("a draft not loaded", () => {
  it("moves by version and length with others' edits; its anchors stand still; an accepted suggestion is settled", () => {
    const s = joined({ threads: [lawThread] });
    edit(s, ["In 2024, "]);
    expect(s.doc(DOC)).toMatchObject({ loaded: false, version: 4, length: 31 });
    const law = s.discussion.threads.get("thread-2")!;
    expect([law.anchor!.from, law.anchor!.to]).toEqual([17, 20]);
    // The researcher accepts: "law" (now at 26..29) becomes "statute".
    edit(s, [26, "statute", { d: 3 }], "r1", "thread-2");
    expect(law.suggestion).toMatchObject({ status: "accepted", decidedBy: "r1", decidedSeq: seq });
    expect(law.lastSeq).toBe(seq);
    expect(s.doc(DOC)).toMatchObject({ version: 5, length: 35 });
    expect([law.anchor!.from, law.anchor!.to]).toEqual([17, 20]);
  });

  it("gets its text at the version reached, with the server's anchors there, and then moves them itself", () => {
    const s = joined({ threads: [lawThread] });
    edit(s, ["In 2024, "]);
    const dt = (version: bigint) =>
      create(DocumentTextSchema, { docId: DOC, version, text: `In 2024, ${TEXT_AT_3}`, anchors: [{ threadId: "thread-2", from: 26n, to: 29n, changed: false }] });
    expect(s.loadDocument(dt(3n))).toBe(false);
    expect(s.doc(DOC).loaded).toBe(false);
    expect(s.loadDocument(dt(4n))).toBe(true);
    expect(s.doc(DOC)).toMatchObject({ loaded: true, version: 4, text: `In 2024, ${TEXT_AT_3}` });
    const law = s.discussion.threads.get("thread-2")!;
    expect(sliceCodePoints(s.doc(DOC).text, law.anchor!.from, law.anchor!.to)).toBe("law");
    edit(s, [0, { d: 9 }]);
    expect([law.anchor!.from, law.anchor!.to]).toEqual([17, 20]);
    edit(s, [17, { d: 3 }]);
    expect(law.anchor!.attached).toBe(false);
    expect(law.anchor!.quote).toEqual({ text: "law", before: "Kazakhstan has a ", after: ". " });
  });
});

describe("what changed since a visit, from a joined state", () => {
  it("counts the state's edit runs after the visit (one straddling it whole), then each later edit; never one's own", () => {
    const s = joined({
      documents: [
        {
          docId: DOC,
          version: 9n,
          length: 22n,
          runs: [
            { author: "r1", firstSeq: 2n, lastSeq: 4n, edits: 3n },
            { author: "m1", firstSeq: 5n, lastSeq: 6n, edits: 2n },
            { author: "chair", firstSeq: 8n, lastSeq: 9n, edits: 2n },
          ],
        },
      ],
    });
    s.fold(
      rec({ author: "r1", clientId: "o", clientSeq: 1n, event: { case: "textEdit", value: { docId: DOC, version: 10n, op: textOpToWire(["x"]) } } }),
    );
    const since = (n: number) => s.discussion.changesSince(n).map((c) => ({ key: c.key, edits: c.edits, editors: [...c.editors].sort() }));
    expect(since(3)).toEqual([{ key: "R.1.1", edits: 6, editors: ["chair", "r1"] }]);
    expect(since(4)).toEqual([{ key: "R.1.1", edits: 3, editors: ["chair", "r1"] }]);
    expect(since(9)).toEqual([{ key: "R.1.1", edits: 1, editors: ["r1"] }]);
    expect(since(seq)).toEqual([]);
  });
});

describe("a second JoinState (a return from far behind)", () => {
  it("replaces everything, keeps the text of a draft it holds at the state's version, and keeps this visit's baseline", () => {
    const s = joined();
    s.loadDocument(create(DocumentTextSchema, { docId: DOC, version: 3n, text: TEXT_AT_3 }));
    s.discussion.previousVisit = 7;
    const other = indicatorDocId("R.1.2");
    const next = joinState({
      seq: 40n,
      documents: [
        { docId: DOC, version: 3n, length: 22n },
        { docId: other, version: 2n, length: 4n },
      ],
      participants: [{ participantId: "m1", displayName: "Ann B.", role: Role.MEMBER }],
    });
    s.loadJoinState(next);
    expect(s.lastSeq).toBe(40);
    expect(s.doc(DOC)).toMatchObject({ loaded: true, text: TEXT_AT_3 });
    expect(s.doc(other)).toMatchObject({ loaded: false, version: 2, length: 4 });
    expect([...s.participants.keys()]).toEqual(["m1"]);
    expect(s.discussion.previousVisit).toBe(7);

    s.loadJoinState(joinState({ seq: 50n, documents: [{ docId: DOC, version: 4n, length: 23n }] }));
    expect(s.doc(DOC)).toMatchObject({ loaded: false, version: 4, text: "" });
  });
});
