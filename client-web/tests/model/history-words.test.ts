// The history in people's terms (issue 20): sessions, the validation and
// what changed since, worded in English, Russian and Kazakh with the dates of
// i18n/dates.ts (the page's one style; this year's without the year); and the
// facts behind the words as the fold keeps them (the closing poll's record
// time and meeting, a meeting's end).
import { create } from "@bufbuild/protobuf";
import { describe, expect, it, vi } from "vitest";
import { IndicatorStatus, PollKind, PollResultsSchema } from "../../src/gen/kenes/v1/assessment_pb";
import { FrameworkSchema, Scope } from "../../src/gen/kenes/v1/framework_pb";
import { type LogRecord, LogRecordSchema } from "../../src/gen/kenes/v1/log_pb";
import { PollUpdateSchema, Role } from "../../src/gen/kenes/v1/protocol_pb";
import {
  ConsultationState,
  type EditSession,
  changedWords,
  groupSessions,
  indicatorDocId,
  listNames,
  meetingAt,
  piecesAfter,
  sessionWords,
  textOpToWire,
  validationWords,
} from "../../src/model";
import { formatDate, formatTime } from "../../src/i18n/dates";

const MIN = 60_000;
const T = Date.UTC(2025, 2, 12, 10, 2);
const NOW = { now: Date.UTC(2025, 5, 1), timeZone: "UTC" };

describe("history words: the dates of dates.ts, this year's without the year", () => {
  const session = (startMs: number, endMs: number): EditSession => ({ fromVersion: 1, toVersion: 2, authors: ["a"], edits: 2, startMs, endMs, meetingId: "" });
  const when = (lang: "en" | "ru" | "kk", s: EditSession, o = NOW) => sessionWords(lang, s, () => "A", () => "", o).slice("A, ".length);

  it("say a session's time as the rest of the page says dates (en-GB: day before month, 24-hour clock)", () => {
    expect(when("en", session(T, T + 45 * MIN))).toBe("12 March, 10:02–10:47");
    expect(when("ru", session(T, T + 45 * MIN))).toBe("12 марта, 10:02–10:47");
    expect(when("kk", session(T, T + 45 * MIN))).toBe("12 наурыз, 10:02–10:47");
    expect(when("en", session(T, T + 45 * MIN))).toBe(`${formatDate(T, "en", NOW)}, ${formatTime(T, "en", NOW)}–${formatTime(T + 45 * MIN, "en", NOW)}`);
    expect(when("en", session(T, T + 45 * MIN), { ...NOW, now: Date.UTC(2026, 0, 2) })).toBe("12 March 2025, 10:02–10:47");
    expect(when("kk", session(T, T + 24 * 60 * MIN))).toBe("12 наурыз, 10:02 – 13 наурыз, 10:02");
  });

  it("say one end when only one is known, and that the time is unknown when neither is", () => {
    expect(when("en", session(0, T))).toBe("12 March, 10:02");
    expect(when("ru", session(T, 0))).toBe("12 марта, 10:02");
    expect(when("en", session(0, 0))).toBe("at a time this page does not know");
  });

  it("say the validation's date in the viewer's zone, with the year only in another year", () => {
    const v = (lang: "en" | "kk", atMs: number, o = NOW) => validationWords(lang, { byPoll: false, atMs, meetingTitle: "" }, o);
    expect(v("en", T, { ...NOW, now: Date.UTC(2026, 0, 2) })).toBe("Validated on 12 March 2025 by the chair.");
    expect(v("kk", T, { ...NOW, now: Date.UTC(2026, 0, 2) })).toBe("2025 ж. 12 наурыз күні төраға бекіткен.");
    // 20:00 UTC on 31 December is already 1 January in Almaty, a year after "now".
    expect(v("kk", Date.UTC(2025, 11, 31, 20, 0), { ...NOW, timeZone: "Asia/Almaty" })).toBe("2026 ж. 1 қаңтар күні төраға бекіткен.");
    expect(v("en", Date.UTC(2025, 11, 31, 20, 0), NOW)).toBe("Validated on 31 December by the chair.");
  });
});

describe("history words: names joined in the page's language", () => {
  it("join names with the language's word for and, in the en-GB style", () => {
    expect(listNames("en", ["Aigerim", "Boris", "Dana"])).toBe("Aigerim, Boris and Dana");
    expect(listNames("en", ["Aigerim"])).toBe("Aigerim");
    expect(listNames("ru", ["Айгерим", "Борис"])).toBe("Айгерим и Борис");
    expect(listNames("kk", ["Айгерим", "Борис", "Дана"])).toBe("Айгерим, Борис және Дана");
    expect(listNames("kk", ["Айгерим", "Борис"])).toBe("Айгерим және Борис");
    expect(listNames("kk", ["Айгерим"])).toBe("Айгерим");
  });

  it("never ask Intl for Kazakh, which it lacks in Chromium (dates) and everywhere (lists)", () => {
    const asked: unknown[] = [];
    const RealDates = Intl.DateTimeFormat;
    const RealLists = Intl.ListFormat;
    vi.spyOn(Intl, "DateTimeFormat").mockImplementation(function (locale?: string | string[], options?: Intl.DateTimeFormatOptions) {
      asked.push(locale);
      return new RealDates(locale, options);
    } as unknown as typeof Intl.DateTimeFormat);
    vi.spyOn(Intl, "ListFormat").mockImplementation(function (locale?: string | string[], options?: Intl.ListFormatOptions) {
      asked.push(locale);
      return new RealLists(locale, options);
    } as unknown as typeof Intl.ListFormat);
    try {
      const s: EditSession = { fromVersion: 1, toVersion: 2, authors: ["a", "b", "c"], edits: 3, startMs: T, endMs: T + MIN, meetingId: "m" };
      expect(sessionWords("kk", s, (id) => id, () => "Көктем", NOW)).toBe("a, b және c, 12 наурыз, 10:02–10:03, «Көктем» отырысында");
      changedWords("kk", { sessions: 2, authors: ["a", "b"], sinceMs: T }, NOW);
      validationWords("kk", { byPoll: true, atMs: T, meetingTitle: "" }, NOW);
    } finally {
      vi.restoreAllMocks();
    }
    expect(asked.length, "the numbers still come from Intl").toBeGreaterThan(0);
    expect(asked.filter((l) => String(l).toLowerCase().startsWith("kk"))).toEqual([]);
  });
});

describe("history words: a session", () => {
  const names: Record<string, string> = { a: "Aigerim · Chair", b: "Boris · Researcher" };
  const session = (over: Partial<EditSession> = {}): EditSession => ({ fromVersion: 3, toVersion: 40, authors: ["a"], edits: 38, startMs: T, endMs: T + 45 * MIN, meetingId: "", ...over });
  const words = (lang: "en" | "ru" | "kk", s: EditSession) => sessionWords(lang, s, (id) => names[id] ?? id, () => "Spring workshop", NOW);

  it("names who, when and the meeting, never a version", () => {
    expect(words("en", session())).toBe("Aigerim · Chair, 12 March, 10:02–10:47");
    expect(words("en", session({ authors: ["a", "b"], meetingId: "m1" }))).toBe("Aigerim · Chair and Boris · Researcher, 12 March, 10:02–10:47, at the meeting “Spring workshop”");
    expect(words("ru", session({ authors: ["a", "b"], meetingId: "m1" }))).toBe("Aigerim · Chair и Boris · Researcher, 12 марта, 10:02–10:47, на заседании «Spring workshop»");
    expect(words("kk", session({ meetingId: "m1" }))).toBe("Aigerim · Chair, 12 наурыз, 10:02–10:47, «Spring workshop» отырысында");
    for (const lang of ["en", "ru", "kk"] as const) expect(words(lang, session())).not.toMatch(/\b(3|40|38)\b/);
    expect(words("en", session({ startMs: 0, endMs: 0 }))).toBe("Aigerim · Chair, at a time this page does not know");
  });
});

describe("history words: the validation and what changed since", () => {
  it("say the date of the closing poll and its meeting, or what is known", () => {
    const at = (lang: "en" | "ru" | "kk", byPoll: boolean, atMs: number, meetingTitle: string) => validationWords(lang, { byPoll, atMs, meetingTitle }, NOW);
    expect(at("en", true, T, "Spring workshop")).toBe("Validated on 12 March at the meeting “Spring workshop”, by the board's vote.");
    expect(at("en", true, T, "")).toBe("Validated on 12 March by the board's vote.");
    expect(at("en", false, T, "")).toBe("Validated on 12 March by the chair.");
    expect(at("en", true, 0, "Spring workshop")).toBe("Validated by the board's vote.");
    expect(at("ru", true, T, "Весенний семинар")).toBe("Утверждён 12 марта на заседании «Весенний семинар» голосованием совета.");
    expect(at("ru", false, 0, "")).toBe("Утверждён председателем.");
    expect(at("kk", true, T, "Көктемгі семинар")).toBe("12 наурыз күні «Көктемгі семинар» отырысында кеңестің дауыс беруімен бекітілген.");
    expect(at("kk", false, T, "")).toBe("12 наурыз күні төраға бекіткен.");
  });

  it("count editing sessions with the language's plurals", () => {
    const c = (lang: "en" | "ru" | "kk", sessions: number, authors: string[], sinceMs = T) => changedWords(lang, { sessions, authors, sinceMs }, NOW);
    expect(c("en", 3, ["Aigerim · Chair"])).toBe("3 editing sessions by Aigerim · Chair since 12 March.");
    expect(c("en", 1, ["Aigerim · Chair", "Boris · Researcher"], 0)).toBe("1 editing session by Aigerim · Chair and Boris · Researcher.");
    expect(c("ru", 1, ["Айгерим"])).toBe("С 12 марта: 1 сеанс правки; правили: Айгерим.");
    expect(c("ru", 3, ["Айгерим"])).toBe("С 12 марта: 3 сеанса правки; правили: Айгерим.");
    expect(c("ru", 5, ["Айгерим", "Борис"])).toBe("С 12 марта: 5 сеансов правки; правили: Айгерим и Борис.");
    expect(c("kk", 2, ["Айгерим"])).toBe("12 наурыз күнінен бері: 2 өңдеу сеансы; өңдегендер: Айгерим.");
  });
});

describe("history words: the facts, folded", () => {
  let seq = 0;
  const rec = (init: Parameters<typeof create<typeof LogRecordSchema>>[1]): LogRecord => create(LogRecordSchema, { seq: BigInt(++seq), ...init });
  const framework = create(FrameworkSchema, {
    edition: "test",
    categories: [{ id: "R", title: "Rights", themes: [{ id: "R.A", title: "T", questions: [{ id: "R.1", title: "Q", indicators: [{ id: "R.1.1", title: "Law", core: true }] }] }] }],
  });
  const doc = indicatorDocId("R.1.1");

  it("keep the closing poll's time and meeting, and the edits after it as sessions", () => {
    seq = 0;
    const s = new ConsultationState("client-a");
    s.myId = "me";
    s.fold(rec({ event: { case: "consultationCreated", value: { consultationId: "c", title: "C", framework, scope: Scope.ALL } } }));
    for (const [id, role] of [["chair", Role.CHAIR], ["res", Role.RESEARCHER], ["me", Role.MEMBER]] as const)
      s.fold(rec({ event: { case: "participantInvited", value: { participantId: id, displayName: id, role } } }));
    let version = 0;
    const type = (author: string, atMs: number) =>
      s.fold(rec({ author, clientId: `c-${author}`, clientSeq: BigInt(version + 1), timeUnixMs: BigInt(atMs), event: { case: "textEdit", value: { docId: doc, version: BigInt(++version), op: textOpToWire(version === 1 ? ["x"] : [version - 1, "x"]) } } }));
    type("res", T);
    type("res", T + MIN);
    s.fold(rec({ author: "chair", timeUnixMs: BigInt(T + 60 * MIN), event: { case: "meetingStarted", value: { meetingId: "meeting-1", title: "Spring workshop", agendaIndicatorIds: ["R.1.1"] } } }));
    const definition = { kind: PollKind.AGREEMENT, question: "Right?", eligibleRoles: [Role.MEMBER], targetIndicatorId: "R.1.1", targetVersion: 2n };
    s.fold(rec({ author: "chair", timeUnixMs: BigInt(T + 61 * MIN), event: { case: "pollCreated", value: { pollId: "poll-1", definition } } }));
    s.fold(rec({ author: "chair", timeUnixMs: BigInt(T + 61 * MIN), event: { case: "pollOpened", value: { pollId: "poll-1" } } }));
    const closeMs = T + 70 * MIN;
    s.fold(rec({ author: "chair", timeUnixMs: BigInt(closeMs), event: { case: "pollClosed", value: { pollId: "poll-1", eligible: 1n } } }));
    const results = create(PollResultsSchema, { voters: 1n, eligible: 1n, quorumMet: true, passed: true, closed: true, winner: -1 });
    s.assessment.applyPollUpdate(create(PollUpdateSchema, { pollId: "poll-1", seq: BigInt(seq), closed: true, voters: 1n, eligible: 1n, quorumMet: true, results }));
    // During the meeting the chair and the researcher edit together; after it, the researcher alone, twice.
    type("chair", T + 72 * MIN);
    type("res", T + 73 * MIN);
    s.fold(rec({ author: "chair", timeUnixMs: BigInt(T + 80 * MIN), event: { case: "meetingEnded", value: { meetingId: "meeting-1" } } }));
    type("res", T + 81 * MIN);
    type("res", T + 200 * MIN);

    const a = s.assessment.indicator("R.1.1");
    expect(a).toMatchObject({ status: IndicatorStatus.VALIDATED, validatedVersion: 2, statusMs: closeMs });
    expect(s.assessment.polls.get("poll-1")).toMatchObject({ createdMs: T + 61 * MIN, closedMs: closeMs });
    expect(s.assessment.meetings.get("meeting-1")).toMatchObject({ startedMs: T + 60 * MIN, endedMs: T + 80 * MIN, running: false });
    const meetings = [...s.assessment.meetings.values()];
    const title = s.assessment.meetings.get(meetingAt(meetings, a.statusSeq))?.title ?? "";
    expect(validationWords("en", { byPoll: true, atMs: a.statusMs, meetingTitle: title }, NOW)).toBe("Validated on 12 March at the meeting “Spring workshop”, by the board's vote.");

    const all = groupSessions(s.timeline.pieces(doc, meetings), meetings);
    expect(all.map((x) => [x.fromVersion, x.toVersion, x.authors.join("+"), x.meetingId])).toEqual([
      [1, 2, "res", ""],
      [3, 4, "chair+res", "meeting-1"],
      [5, 5, "res", ""],
      [6, 6, "res", ""],
    ]);
    const after = groupSessions(piecesAfter(s.timeline.pieces(doc, meetings), a.validatedVersion), meetings);
    expect(changedWords("en", { sessions: after.length, authors: ["chair", "res"], sinceMs: a.statusMs }, NOW)).toBe("3 editing sessions by chair and res since 12 March.");
  });
});
