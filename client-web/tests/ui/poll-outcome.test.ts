// The outcome shown to everyone when a poll closes (issue 20): its words for
// every kind of poll, from the PollResults the server sends, in the three
// languages; which closes a page tells (only those it watched), and which
// page the banner links to. The model is the browser's own fold.
import { type MessageInitShape, create } from "@bufbuild/protobuf";
import { afterEach, describe, expect, it } from "vitest";
import {
  type PollDefinition,
  PollDefinitionSchema,
  PollKind,
  type PollResults,
  PollResultsSchema,
  RankingMethod,
} from "../../src/gen/kenes/v1/assessment_pb";
import { type LogRecord, LogRecordSchema } from "../../src/gen/kenes/v1/log_pb";
import { PollUpdateSchema } from "../../src/gen/kenes/v1/protocol_pb";
import { setLanguage } from "../../src/i18n";
import { ConsultationState } from "../../src/model";
import { ClosedPollNews, pollHome } from "../../src/ui/closed-poll-news";
import { agreementCounts, outcomeLine, pollVerdict, shortQuestion } from "../../src/ui/poll-outcome";
import { demoFramework } from "../support/demo-framework";

afterEach(() => setLanguage("en"));

function def(kind: PollKind, options: string[] = [], extra: MessageInitShape<typeof PollDefinitionSchema> = {}): PollDefinition {
  return create(PollDefinitionSchema, { kind, question: "Which data source should the report use for Internet use?", options, eligibleRoles: [3], ...extra });
}

function results(r: MessageInitShape<typeof PollResultsSchema>): PollResults {
  return create(PollResultsSchema, { quorumMet: true, closed: true, winner: -1, ...r });
}

const votes = (...v: number[]) => v.map((n, i) => ({ label: `Option ${String.fromCharCode(65 + i)}`, votes: BigInt(n) }));
const SOURCES = ["Option A", "Option B", "Option C"];

describe("a closed poll's outcome in words", () => {
  it("names the single-choice winner with its votes, as the brief's example", () => {
    const d = def(PollKind.SINGLE_CHOICE, SOURCES);
    const r = results({ options: votes(2, 5, 0), voters: 7n, eligible: 8n, winner: 1, passed: true });
    expect(pollVerdict(d, r)).toEqual({ text: "Option B won (5 of 7 votes).", passed: true });
    expect(outcomeLine(d, r)).toBe("Poll closed — “Which data source should the report use for Internet use?”: Option B won (5 of 7 votes).");
  });

  it("says a leader below the threshold did not pass, and why nothing passed without quorum or votes", () => {
    const d = def(PollKind.SINGLE_CHOICE, SOURCES);
    expect(pollVerdict(d, results({ options: votes(3, 2, 2), voters: 7n, winner: 0, passed: false })).text).toBe(
      "Option A led (3 of 7 votes) but did not reach the threshold: did not pass.",
    );
    expect(pollVerdict(d, results({ options: votes(2, 1, 0), voters: 3n, eligible: 9n, winner: 0, quorumMet: false }))).toEqual({
      text: "Did not pass: quorum not met (3 of 9 eligible voted).",
      passed: false,
    });
    expect(pollVerdict(d, results({ options: votes(0, 0, 0), voters: 0n, eligible: 4n })).text).toBe("Did not pass: nobody voted.");
  });

  it("names every option of a tie, by votes and by Borda points", () => {
    expect(pollVerdict(def(PollKind.SINGLE_CHOICE, SOURCES), results({ options: votes(3, 1, 3), voters: 7n, winner: 0, tied: true })).text).toBe(
      "Tie between Option A and Option C (3 votes each): did not pass.",
    );
    const borda = def(PollKind.RANKING, SOURCES, { rankingMethod: RankingMethod.BORDA });
    const pts = (...p: number[]) => p.map((n, i) => ({ label: SOURCES[i]!, votes: 1n, points: BigInt(n) }));
    expect(pollVerdict(borda, results({ options: pts(6, 6, 6), voters: 3n, winner: 0, tied: true })).text).toBe(
      "Tie between Option A, Option B and Option C (6 points each): did not pass.",
    );
    expect(pollVerdict(borda, results({ options: pts(9, 4, 2), voters: 5n, winner: 0, passed: true })).text).toBe("Option A won (9 points).");
  });

  it("gives a runoff's winner after its rounds, and a runoff level to the end", () => {
    const irv = def(PollKind.RANKING, SOURCES, { rankingMethod: RankingMethod.INSTANT_RUNOFF });
    const rounds = [
      { votes: [3n, 3n, 1n], continuingBallots: 7n, eliminated: 2 },
      { votes: [3n, 4n, 0n], continuingBallots: 7n, eliminated: -1 },
    ];
    expect(pollVerdict(irv, results({ options: votes(3, 3, 1), voters: 7n, winner: 1, passed: true, rounds })).text).toBe(
      "Option B won after 2 rounds (4 of 7 ballots in the last round).",
    );
    const level = [
      { votes: [2n, 2n, 0n], continuingBallots: 4n, eliminated: 2 },
      { votes: [2n, 2n, 0n], continuingBallots: 4n, eliminated: 1 },
      { votes: [4n, 0n, 0n], continuingBallots: 4n, eliminated: -1 },
    ];
    expect(pollVerdict(irv, results({ options: votes(2, 2, 0), voters: 4n, winner: 0, tied: true, rounds: level })).text).toBe(
      "Tie between Option A and Option B, level in every round: did not pass.",
    );
  });

  it("lists every multiple-choice option that reached the threshold, a tie for the most chosen notwithstanding", () => {
    const d = def(PollKind.MULTIPLE_CHOICE, SOURCES);
    const options = [
      { label: "Option A", votes: 5n, meetsThreshold: true },
      { label: "Option B", votes: 2n },
      { label: "Option C", votes: 5n, meetsThreshold: true },
    ];
    expect(pollVerdict(d, results({ options, voters: 7n, winner: 0, tied: true, passed: true }))).toEqual({
      text: "Reached the threshold: Option A (5 of 7 voters), Option C (5 of 7 voters).",
      passed: true,
    });
    expect(pollVerdict(d, results({ options: votes(3, 2, 1), voters: 7n, winner: 0 })).text).toBe(
      "No option reached the threshold: did not pass. Chosen most: Option A (3 of 7 voters).",
    );
  });

  it("words an agreement poll with the validation bar's counts", () => {
    const d = def(PollKind.AGREEMENT);
    const r = results({ options: votes(4, 1, 1, 1), voters: 7n, passed: true });
    expect(agreementCounts(r)).toBe("Agree 4, with reservations 1, disagree 1, abstain 1.");
    expect(pollVerdict(d, r).text).toBe("Passed. Agree 4, with reservations 1, disagree 1, abstain 1.");
    expect(pollVerdict(d, results({ options: votes(1, 0, 4, 0), voters: 5n })).text).toBe("Did not pass. Agree 1, with reservations 0, disagree 4, abstain 0.");
  });

  it("says the figures are not in before the final PollUpdate brings them", () => {
    expect(pollVerdict(def(PollKind.SINGLE_CHOICE, SOURCES), undefined)).toEqual({ text: "The results are not in yet.", passed: undefined });
  });

  it("speaks Russian and Kazakh, plural forms included", () => {
    const d = def(PollKind.SINGLE_CHOICE, SOURCES);
    const r = results({ options: votes(2, 5, 0), voters: 7n, winner: 1, passed: true });
    setLanguage("ru");
    expect(outcomeLine(d, r)).toBe("Голосование закрыто — «Which data source should the report use for Internet use?»: Победил вариант «Option B» (5 из 7 голосов).");
    expect(pollVerdict(d, results({ options: votes(1, 0, 0), voters: 1n, winner: 0, passed: true })).text).toBe("Победил вариант «Option A» (1 из 1 голоса).");
    expect(pollVerdict(def(PollKind.SINGLE_CHOICE, SOURCES), results({ options: votes(3, 1, 3), voters: 7n, winner: 0, tied: true })).text).toBe(
      "Ничья между вариантами «Option A» и «Option C» (по 3 голоса): не принято.",
    );
    setLanguage("kk");
    expect(outcomeLine(d, r)).toBe("Дауыс беру жабылды — «Which data source should the report use for Internet use?»: «Option B» жеңді (7 дауыстың 5).");
    expect(pollVerdict(d, results({ options: votes(2, 1, 0), voters: 3n, eligible: 9n, winner: 0, quorumMet: false })).text).toBe(
      "Қабылданбады: кворум жоқ (құқығы бар 9 адамның 3 дауыс берді).",
    );
  });

  it("cuts a long question at a code point", () => {
    const long = "Қазақстандағы ".repeat(20);
    const cut = shortQuestion(long);
    expect(Array.from(cut)).toHaveLength(100);
    expect(cut.endsWith("…")).toBe(true);
    expect(shortQuestion("  Short   one? ")).toBe("Short one?");
    expect(shortQuestion("😀".repeat(120)).startsWith("😀".repeat(99))).toBe(true);
  });
});

let seq = 0;
function record(event: MessageInitShape<typeof LogRecordSchema>["event"]): LogRecord {
  return create(LogRecordSchema, { seq: BigInt(++seq), timeUnixMs: BigInt(1_800_000_000_000 + seq), author: "chair", event });
}

function consultation(): ConsultationState {
  seq = 0;
  const st = new ConsultationState("member");
  st.fold(record({ case: "consultationCreated", value: { consultationId: "c", title: "C", framework: demoFramework } }));
  return st;
}

function createPoll(st: ConsultationState, pollId: string, definition: MessageInitShape<typeof PollDefinitionSchema> = { kind: PollKind.SINGLE_CHOICE, question: "Q", options: ["A", "B"], eligibleRoles: [3] }): void {
  st.fold(record({ case: "pollCreated", value: { pollId, definition } }));
}

function openPoll(st: ConsultationState, pollId: string): void {
  st.fold(record({ case: "pollOpened", value: { pollId } }));
}

function closeRecord(st: ConsultationState, pollId: string): void {
  st.fold(record({ case: "pollClosed", value: { pollId } }));
}

function finalUpdate(st: ConsultationState, pollId: string): void {
  st.assessment.applyPollUpdate(
    create(PollUpdateSchema, { pollId, seq: BigInt(seq), closed: true, results: { closed: true, quorumMet: true, passed: true, winner: 0, voters: 2n, options: [{ label: "A", votes: 2n }] } }),
  );
}

const ids = (polls: { id: string }[]) => polls.map((p) => p.id);

describe("which closes are news to a page", () => {
  it("tells the close of a poll the page saw open, once, when the final figures are in", () => {
    const st = consultation();
    const news = new ClosedPollNews();
    createPoll(st, "poll-1");
    openPoll(st, "poll-1");
    expect(news.look(st.assessment.polls.values())).toEqual([]);
    closeRecord(st, "poll-1");
    expect(news.look(st.assessment.polls.values()), "the record alone: the figures are still to come").toEqual([]);
    finalUpdate(st, "poll-1");
    expect(ids(news.look(st.assessment.polls.values()))).toEqual(["poll-1"]);
    expect(news.look(st.assessment.polls.values()), "told once").toEqual([]);
  });

  it("does not tell a close that came before the page was live (caught up, or kept from an earlier visit)", () => {
    const st = consultation();
    createPoll(st, "poll-1");
    openPoll(st, "poll-1");
    // Folded before the first look: a catch-up, or a kept state replayed, then caught up.
    closeRecord(st, "poll-1");
    finalUpdate(st, "poll-1");
    const news = new ClosedPollNews();
    expect(news.look(st.assessment.polls.values())).toEqual([]);
  });

  it("tells a close missed in a short disconnection, since the page saw the poll open", () => {
    const st = consultation();
    const news = new ClosedPollNews();
    createPoll(st, "poll-1");
    openPoll(st, "poll-1");
    news.look(st.assessment.polls.values());
    // Offline: nothing looked at; the catch-up then brings the close and the figures.
    closeRecord(st, "poll-1");
    finalUpdate(st, "poll-1");
    expect(ids(news.look(st.assessment.polls.values()))).toEqual(["poll-1"]);
  });

  it("leaves a validation session's polls to the validation bar, and orders several closes", () => {
    const st = consultation();
    const news = new ClosedPollNews();
    st.fold(record({ case: "validationSessionStarted", value: { sessionId: "session-1", items: ["R.1.1"], statement: "{item}" } }));
    st.fold(record({ case: "validationItemOpened", value: { sessionId: "session-1", item: "R.1.1", pollId: "poll-1", definition: { kind: PollKind.AGREEMENT, question: "Q", eligibleRoles: [3] } } }));
    createPoll(st, "poll-2");
    openPoll(st, "poll-2");
    createPoll(st, "poll-3");
    openPoll(st, "poll-3");
    news.look(st.assessment.polls.values());
    closeRecord(st, "poll-3");
    closeRecord(st, "poll-2");
    closeRecord(st, "poll-1");
    for (const id of ["poll-1", "poll-2", "poll-3"]) finalUpdate(st, id);
    expect(ids(news.look(st.assessment.polls.values()))).toEqual(["poll-3", "poll-2"]);
  });
});

describe("the poll's page", () => {
  it("is the indicator it validates, else the meeting's, the reader's, or the first one", () => {
    const st = consultation();
    createPoll(st, "poll-1", { kind: PollKind.AGREEMENT, question: "Q", eligibleRoles: [3], targetIndicatorId: "R.2.1", targetVersion: 1n });
    createPoll(st, "poll-2");
    const p1 = st.assessment.polls.get("poll-1")!;
    const p2 = st.assessment.polls.get("poll-2")!;
    expect(pollHome(st, p1, "O.1.1")).toBe("R.2.1");
    expect(pollHome(st, p2, "O.1.1")).toBe("O.1.1");
    expect(pollHome(st, p2)).toBe("R.1.1");
    expect(pollHome(st, p2, "no-such-indicator")).toBe("R.1.1");
    st.fold(record({ case: "meetingStarted", value: { meetingId: "meeting-1", title: "Workshop" } }));
    st.fold(record({ case: "spotlightSet", value: { meetingId: "meeting-1", indicatorId: "A.1.2" } }));
    expect(pollHome(st, p2, "O.1.1")).toBe("A.1.2");
    st.fold(record({ case: "spotlightSet", value: { meetingId: "meeting-1", indicatorId: "recommendation/R/government" } }));
    expect(pollHome(st, p2, "O.1.1")).toBe("O.1.1");
  });
});
