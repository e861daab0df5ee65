// The issue-7 records and server messages folded into the consultation:
// indicator status / assignees / sources / score, polls and their PollUpdate
// figures, validation polls, meetings (spotlight, attendance), the status
// steps a role may take.
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { IndicatorStatus, PollKind, type PollResults, PollResultsSchema } from "../../src/gen/kenes/v1/assessment_pb";
import { FrameworkSchema, Scope } from "../../src/gen/kenes/v1/framework_pb";
import { type LogRecord, LogRecordSchema } from "../../src/gen/kenes/v1/log_pb";
import { PollUpdateSchema, Role } from "../../src/gen/kenes/v1/protocol_pb";
import { ConsultationState, allowedStatusTargets, indicatorDocId, textOpToWire } from "../../src/model";

let seq = 0;
function rec(init: Parameters<typeof create<typeof LogRecordSchema>>[1]): LogRecord {
  return create(LogRecordSchema, { seq: BigInt(++seq), ...init });
}

const framework = create(FrameworkSchema, {
  edition: "test",
  categories: [{ id: "R", title: "Rights", themes: [{ id: "R.A", title: "T", questions: [{ id: "R.1", title: "Q", indicators: [{ id: "R.1.1", title: "Law", core: true }, { id: "R.1.2", title: "Applied", core: false }] }] }] }],
});

function fresh(me = "m1"): ConsultationState {
  seq = 0;
  const s = new ConsultationState("client-a");
  s.myId = me;
  s.fold(rec({ event: { case: "consultationCreated", value: { consultationId: "c", title: "C", framework, scope: Scope.ALL } } }));
  for (const [id, role] of [["chair", Role.CHAIR], ["m1", Role.MEMBER], ["m2", Role.MEMBER]] as const)
    s.fold(rec({ event: { case: "participantInvited", value: { participantId: id, displayName: id, role } } }));
  return s;
}

function edit(s: ConsultationState, version: number, text: string): void {
  s.fold(rec({ author: "chair", clientId: "other", clientSeq: BigInt(version), event: { case: "textEdit", value: { docId: indicatorDocId("R.1.1"), version: BigInt(version), op: textOpToWire(version === 1 ? [text] : [3 + version - 2, text]) } } }));
}

describe("indicator fields", () => {
  it("fold status, assignees, sources and score; the overview row shows them", () => {
    const s = fresh();
    expect(s.indicatorSummary(s.findIndicator("R.1.1")!).status).toBe(IndicatorStatus.NOT_STARTED);
    const eff = s.fold(rec({ author: "chair", event: { case: "indicatorStatusChanged", value: { indicatorId: "R.1.1", status: IndicatorStatus.IN_REVIEW } } }));
    expect(eff).toEqual({ kind: "assessment", change: { kind: "indicator", indicatorId: "R.1.1" } });
    s.fold(rec({ author: "chair", event: { case: "indicatorAssigneesSet", value: { indicatorId: "R.1.1", participantIds: ["m1", "m2"] } } }));
    s.fold(rec({ author: "chair", event: { case: "indicatorSourcesSet", value: { indicatorId: "R.1.1", sources: ["Census 2021"] } } }));
    s.fold(rec({ author: "chair", event: { case: "indicatorScoreSet", value: { indicatorId: "R.1.1", score: 70 } } }));
    const a = s.assessment.indicator("R.1.1");
    expect(a.status).toBe(IndicatorStatus.IN_REVIEW);
    expect(a.sources).toEqual(["Census 2021"]);
    expect(a.score).toBe(70);
    expect(s.indicatorSummary(s.findIndicator("R.1.1")!).assignees).toEqual(["m1", "m2"]);
    s.fold(rec({ author: "chair", event: { case: "indicatorScoreSet", value: { indicatorId: "R.1.1" } } }));
    expect(s.assessment.indicator("R.1.1").score).toBeUndefined();
  });

  it("mark a validated draft edited past its version as changed since validation", () => {
    const s = fresh();
    edit(s, 1, "abc");
    edit(s, 2, "d");
    s.fold(rec({ author: "chair", event: { case: "indicatorStatusChanged", value: { indicatorId: "R.1.1", status: IndicatorStatus.VALIDATED, textVersion: 2n } } }));
    expect(s.assessment.indicator("R.1.1").validatedVersion).toBe(2);
    expect(s.changedSinceValidation("R.1.1")).toBe(false);
    edit(s, 3, "e");
    expect(s.changedSinceValidation("R.1.1")).toBe(true);
    expect(s.indicatorSummary(s.findIndicator("R.1.1")!).changedSinceValidation).toBe(true);
    s.fold(rec({ author: "chair", event: { case: "indicatorStatusChanged", value: { indicatorId: "R.1.1", status: IndicatorStatus.NEEDS_REVISION } } }));
    expect(s.changedSinceValidation("R.1.1")).toBe(false);
  });

  it("change scope", () => {
    const s = fresh();
    expect(s.indicators()).toHaveLength(2);
    s.fold(rec({ author: "chair", event: { case: "scopeChanged", value: { scope: Scope.CORE } } }));
    expect(s.indicators().map((i) => i.id)).toEqual(["R.1.1"]);
  });
});

describe("status steps a role may take (the server's rule, mirrored)", () => {
  it("chair: any status but the current one; researcher: never validated; members and observers: none", () => {
    expect(allowedStatusTargets(Role.CHAIR, IndicatorStatus.DRAFTING)).toEqual([IndicatorStatus.NOT_STARTED, IndicatorStatus.IN_REVIEW, IndicatorStatus.VALIDATED, IndicatorStatus.NEEDS_REVISION]);
    expect(allowedStatusTargets(Role.RESEARCHER, IndicatorStatus.NOT_STARTED)).toEqual([IndicatorStatus.DRAFTING, IndicatorStatus.IN_REVIEW, IndicatorStatus.NEEDS_REVISION]);
    expect(allowedStatusTargets(Role.RESEARCHER, IndicatorStatus.UNSPECIFIED)).not.toContain(IndicatorStatus.NOT_STARTED);
    expect(allowedStatusTargets(Role.RESEARCHER, IndicatorStatus.IN_REVIEW)).not.toContain(IndicatorStatus.VALIDATED);
    expect(allowedStatusTargets(Role.MEMBER, IndicatorStatus.IN_REVIEW)).toEqual([]);
    expect(allowedStatusTargets(Role.OBSERVER, IndicatorStatus.IN_REVIEW)).toEqual([]);
  });
});

function update(pollId: string, at: number, init: { open?: boolean; closed?: boolean; voters?: bigint; eligible?: bigint; quorumMet?: boolean; results?: PollResults } = {}) {
  return create(PollUpdateSchema, { pollId, seq: BigInt(at), ...init });
}

describe("polls", () => {
  const validation = (version: bigint) => ({
    kind: PollKind.AGREEMENT,
    question: "The draft is right",
    eligibleRoles: [Role.MEMBER],
    anonymous: true,
    targetIndicatorId: "R.1.1",
    targetVersion: version,
  });

  it("go draft -> open -> closed; my own ballot is remembered, a changed vote replaces it", () => {
    const s = fresh("m1");
    s.fold(rec({ author: "chair", event: { case: "pollCreated", value: { pollId: "poll-1", definition: validation(0n) } } }));
    expect(s.assessment.polls.get("poll-1")!.phase).toBe("draft");
    expect(s.assessment.openPoll()).toBeUndefined();
    s.fold(rec({ author: "chair", event: { case: "pollOpened", value: { pollId: "poll-1" } } }));
    expect(s.assessment.openPoll()?.id).toBe("poll-1");
    s.fold(rec({ author: "m1", event: { case: "voteCast", value: { pollId: "poll-1", choices: [2] } } }));
    s.fold(rec({ author: "m1", event: { case: "voteCast", value: { pollId: "poll-1", choices: [0] } } }));
    // Someone else's named ballot (sent after a hidden poll closes) is not mine.
    s.fold(rec({ author: "m2", event: { case: "voteCast", value: { pollId: "poll-1", choices: [3] } } }));
    expect(s.assessment.polls.get("poll-1")!.myChoices).toEqual([0]);
    s.fold(rec({ author: "chair", event: { case: "pollClosed", value: { pollId: "poll-1", eligible: 2n } } }));
    expect(s.assessment.polls.get("poll-1")!.phase).toBe("closed");
    expect(s.assessment.openPoll()).toBeUndefined();
  });

  it("keep the counted ballot when a later one came after the close or at the closing time", () => {
    const s = fresh("m1");
    const closesAt = 5000n;
    s.fold(rec({ author: "chair", timeUnixMs: 1000n, event: { case: "pollCreated", value: { pollId: "poll-1", definition: { ...validation(0n), closesAtUnixMs: closesAt } } } }));
    s.fold(rec({ author: "chair", timeUnixMs: 1000n, event: { case: "pollOpened", value: { pollId: "poll-1" } } }));
    s.fold(rec({ author: "m1", timeUnixMs: 4999n, event: { case: "voteCast", value: { pollId: "poll-1", choices: [1] } } }));
    s.fold(rec({ author: "m1", timeUnixMs: closesAt, event: { case: "voteCast", value: { pollId: "poll-1", choices: [2] } } }));
    // A record stamped earlier is judged at the latest time seen: still late.
    s.fold(rec({ author: "m1", timeUnixMs: 4000n, event: { case: "voteCast", value: { pollId: "poll-1", choices: [3] } } }));
    expect(s.assessment.polls.get("poll-1")!.myChoices).toEqual([1]);

    s.fold(rec({ author: "chair", timeUnixMs: 6000n, event: { case: "pollCreated", value: { pollId: "poll-2", definition: validation(0n) } } }));
    s.fold(rec({ author: "chair", timeUnixMs: 6000n, event: { case: "pollOpened", value: { pollId: "poll-2" } } }));
    s.fold(rec({ author: "m1", timeUnixMs: 6001n, event: { case: "voteCast", value: { pollId: "poll-2", choices: [0] } } }));
    s.fold(rec({ author: "chair", timeUnixMs: 6002n, event: { case: "pollClosed", value: { pollId: "poll-2", eligible: 2n } } }));
    s.fold(rec({ author: "m1", timeUnixMs: 6002n, event: { case: "voteCast", value: { pollId: "poll-2", choices: [2] } } }));
    expect(s.assessment.polls.get("poll-2")!.myChoices).toEqual([0]);
  });

  it("open already closed when the closing time passed before the open, counting no ballot", () => {
    const s = fresh("m1");
    s.fold(rec({ author: "chair", timeUnixMs: 1000n, event: { case: "pollCreated", value: { pollId: "poll-1", definition: { ...validation(0n), closesAtUnixMs: 2000n } } } }));
    s.fold(rec({ author: "chair", timeUnixMs: 2500n, event: { case: "pollOpened", value: { pollId: "poll-1" } } }));
    s.fold(rec({ author: "m1", timeUnixMs: 2501n, event: { case: "voteCast", value: { pollId: "poll-1", choices: [0] } } }));
    expect(s.assessment.polls.get("poll-1")!.myChoices).toBeUndefined();
  });

  it("keep the server's figures as sent, ignore an older update, and never invent results while hidden", () => {
    const s = fresh();
    s.fold(rec({ author: "chair", event: { case: "pollCreated", value: { pollId: "poll-1", definition: { ...validation(0n), targetIndicatorId: "", resultsHiddenUntilClosed: true } } } }));
    s.fold(rec({ author: "chair", event: { case: "pollOpened", value: { pollId: "poll-1" } } }));
    expect(s.assessment.applyPollUpdate(update("poll-1", 20, { open: true, voters: 2n, eligible: 3n }))).toEqual({ kind: "poll", pollId: "poll-1" });
    expect(s.assessment.results("poll-1")).toBeUndefined();
    expect(s.assessment.applyPollUpdate(update("poll-1", 19, { open: true, voters: 1n, eligible: 3n }))).toBeUndefined();
    expect(Number(s.assessment.polls.get("poll-1")!.update!.voters)).toBe(2);
    expect(s.assessment.applyPollUpdate(update("nope", 30))).toBeUndefined();
  });

  it("a validation poll that closes passed validates its indicator at the version put to the vote", () => {
    const s = fresh();
    edit(s, 1, "abc");
    edit(s, 2, "d");
    s.fold(rec({ author: "chair", event: { case: "pollCreated", value: { pollId: "poll-1", definition: validation(2n) } } }));
    s.fold(rec({ author: "chair", event: { case: "pollOpened", value: { pollId: "poll-1" } } }));
    const closeSeq = seq + 1;
    s.fold(rec({ author: "chair", event: { case: "pollClosed", value: { pollId: "poll-1", eligible: 3n } } }));
    // Closed, but not yet known to have passed: unchanged.
    expect(s.assessment.indicator("R.1.1").status).toBe(IndicatorStatus.NOT_STARTED);
    const results = create(PollResultsSchema, { voters: 3n, eligible: 3n, quorumMet: true, passed: true, closed: true, winner: -1 });
    s.assessment.applyPollUpdate(update("poll-1", closeSeq, { closed: true, voters: 3n, eligible: 3n, quorumMet: true, results }));
    const a = s.assessment.indicator("R.1.1");
    expect(a.status).toBe(IndicatorStatus.VALIDATED);
    expect(a.validatedVersion).toBe(2);
    expect(a.validatedByPoll).toBe("poll-1");
    edit(s, 3, "e");
    expect(s.changedSinceValidation("R.1.1")).toBe(true);
  });

  it("a failed validation poll leaves the status alone; a later status by hand wins over an earlier pass", () => {
    const s = fresh();
    s.fold(rec({ author: "chair", event: { case: "pollCreated", value: { pollId: "poll-1", definition: validation(0n) } } }));
    s.fold(rec({ author: "chair", event: { case: "pollOpened", value: { pollId: "poll-1" } } }));
    const closeSeq = seq + 1;
    s.fold(rec({ author: "chair", event: { case: "pollClosed", value: { pollId: "poll-1" } } }));
    s.assessment.applyPollUpdate(update("poll-1", closeSeq, { closed: true, results: create(PollResultsSchema, { passed: false, closed: true }) }));
    expect(s.assessment.indicator("R.1.1").status).toBe(IndicatorStatus.NOT_STARTED);

    s.fold(rec({ author: "chair", event: { case: "pollCreated", value: { pollId: "poll-2", definition: validation(0n) } } }));
    s.fold(rec({ author: "chair", event: { case: "pollOpened", value: { pollId: "poll-2" } } }));
    const close2 = seq + 1;
    s.fold(rec({ author: "chair", event: { case: "pollClosed", value: { pollId: "poll-2" } } }));
    s.fold(rec({ author: "chair", event: { case: "indicatorStatusChanged", value: { indicatorId: "R.1.1", status: IndicatorStatus.NEEDS_REVISION } } }));
    // The update arrives after the catch-up, later than the manual change.
    s.assessment.applyPollUpdate(update("poll-2", close2, { closed: true, results: create(PollResultsSchema, { passed: true, closed: true }) }));
    expect(s.assessment.indicator("R.1.1").status).toBe(IndicatorStatus.NEEDS_REVISION);
  });
});

describe("validation polls past their closing time", () => {
  it("validate nothing until the server logs the close, however passed the figures look", () => {
    const s = fresh();
    s.fold(rec({ author: "chair", timeUnixMs: 1000n, event: { case: "pollCreated", value: { pollId: "poll-1", definition: { kind: PollKind.AGREEMENT, question: "Right", eligibleRoles: [Role.MEMBER], targetIndicatorId: "R.1.1", targetVersion: 0n, closesAtUnixMs: 2000n } } } }));
    s.fold(rec({ author: "chair", timeUnixMs: 1000n, event: { case: "pollOpened", value: { pollId: "poll-1" } } }));
    const openSeq = seq;
    const results = create(PollResultsSchema, { voters: 2n, eligible: 2n, quorumMet: true, passed: true, closed: true, winner: -1 });
    s.assessment.applyPollUpdate(update("poll-1", openSeq, { closed: true, voters: 2n, eligible: 2n, quorumMet: true, results }));
    expect(s.assessment.polls.get("poll-1")!.phase).toBe("closed");
    expect(s.assessment.indicator("R.1.1").status).toBe(IndicatorStatus.NOT_STARTED);
    s.fold(rec({ author: "chair", timeUnixMs: 2001n, event: { case: "pollClosed", value: { pollId: "poll-1", eligible: 2n, atClosingTime: true } } }));
    expect(s.assessment.indicator("R.1.1")).toMatchObject({ status: IndicatorStatus.VALIDATED, validatedByPoll: "poll-1" });
  });
});

describe("meetings", () => {
  it("start, spotlight, attendance (explicit and by disconnect), end", () => {
    const s = fresh();
    s.fold(rec({ author: "chair", event: { case: "meetingStarted", value: { meetingId: "meeting-1", title: "Board", agendaIndicatorIds: ["R.1.1"] } } }));
    const m = s.assessment.currentMeeting!;
    expect(m.agenda).toEqual(["R.1.1"]);
    // Whoever starts it attends it (issue 18).
    expect([...m.attendees]).toEqual(["chair"]);
    s.fold(rec({ author: "chair", event: { case: "spotlightSet", value: { meetingId: "meeting-1", indicatorId: "R.1.1" } } }));
    s.fold(rec({ author: "m1", event: { case: "attendanceChanged", value: { meetingId: "meeting-1", present: true } } }));
    s.fold(rec({ author: "m2", event: { case: "attendanceChanged", value: { meetingId: "meeting-1", present: true } } }));
    s.fold(rec({ author: "m2", event: { case: "attendanceChanged", value: { meetingId: "meeting-1", present: false, byDisconnect: true } } }));
    expect(m.spotlight).toBe("R.1.1");
    expect([...m.attendees]).toEqual(["chair", "m1"]);
    s.fold(rec({ author: "chair", event: { case: "meetingEnded", value: { meetingId: "meeting-1" } } }));
    expect(s.assessment.currentMeeting).toBeUndefined();
    expect(m.attendees.size).toBe(0);
    expect(m.running).toBe(false);
  });

  it("let a spotlight or an arrival that raced the end change nothing", () => {
    const s = fresh();
    s.fold(rec({ author: "chair", event: { case: "meetingStarted", value: { meetingId: "meeting-1", title: "Board", agendaIndicatorIds: [] } } }));
    const m = s.assessment.currentMeeting!;
    s.fold(rec({ author: "chair", event: { case: "meetingEnded", value: { meetingId: "meeting-1" } } }));
    s.fold(rec({ author: "chair", event: { case: "spotlightSet", value: { meetingId: "meeting-1", indicatorId: "R.1.1" } } }));
    s.fold(rec({ author: "m1", event: { case: "attendanceChanged", value: { meetingId: "meeting-1", present: true } } }));
    expect(m.spotlight).toBe("");
    expect(m.attendees.size).toBe(0);
  });
});
