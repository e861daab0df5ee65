// Editing sessions (issue 20): the grouping rule on hand-made cases, the
// walk that learns versions' times from the server's history (against a fake
// clock, with its cost), and a seeded oracle: random drafts — several people,
// pauses of every length, meetings starting and ending between edits, a
// JoinState cut anywhere (edit runs without times, straddling meetings'
// starts and ends, which it carries with their seqs and times — or, from an
// older server, without a finished meeting's end), one's own acknowledged
// edits without times — go through EditTimeline, learnMeetingEdges, walkTimes
// and groupSessions exactly as the history panel drives them, and must come
// out as the rule applied edit by edit says. A failure names its seed:
// KENES_SEED=<n> npm test.
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { EditRunSchema } from "../../src/gen/kenes/v1/snapshot_pb";
import {
  type EditPiece,
  type EditSession,
  EditTimeline,
  type HistoryClock,
  type MeetingSpan,
  SESSION_GAP_MS,
  groupSessions,
  meetingAt,
  piecesAfter,
  utcDay,
  walkTimes,
} from "../../src/model";
import { Random, seeds } from "../support/random";

const MIN = 60_000;
const G = SESSION_GAP_MS;
const T0 = Date.UTC(2025, 2, 12, 9, 0);

/** One edit as a piece (what a folded TextEdit gives). */
function e(version: number, author: string, minute: number, seq = version * 10, coAuthors: string[] = []): EditPiece {
  const t = T0 + minute * MIN;
  return { fromVersion: version, toVersion: version, author, coAuthors, firstSeq: seq, lastSeq: seq, startMs: t, endMs: t, day: -1 };
}

function shape(sessions: EditSession[]): [number, number, string, string][] {
  return sessions.map((s) => [s.fromVersion, s.toVersion, s.authors.join("+"), s.meetingId]);
}

describe("editing sessions: the rule", () => {
  it("one person's edits are one session until a pause longer than 15 minutes", () => {
    const pieces = [e(1, "a", 0), e(2, "a", 1), e(3, "a", 16), e(4, "a", 31), e(5, "a", 46.01)];
    // 1→16 is exactly 15 minutes (the same session), 31→46.01 is longer.
    expect(shape(groupSessions(pieces, []))).toEqual([
      [1, 4, "a", ""],
      [5, 5, "a", ""],
    ]);
    const [first] = groupSessions(pieces, []);
    expect(first).toMatchObject({ startMs: T0, endMs: T0 + 31 * MIN, edits: 4 });
  });

  it("outside a meeting, another person's edit starts a new session, even without a pause", () => {
    const pieces = [e(1, "a", 0), e(2, "b", 1), e(3, "b", 2), e(4, "a", 3)];
    expect(shape(groupSessions(pieces, []))).toEqual([
      [1, 1, "a", ""],
      [2, 3, "b", ""],
      [4, 4, "a", ""],
    ]);
  });

  it("at a meeting, everyone's edits are one session naming them all; its start and end split", () => {
    const meeting: MeetingSpan = { id: "m1", startedSeq: 25, running: false, endedSeq: 55 };
    const pieces = [e(1, "a", 0), e(2, "a", 1), e(3, "b", 2), e(4, "a", 3), e(5, "c", 4), e(6, "a", 5)];
    expect(shape(groupSessions(pieces, [meeting]))).toEqual([
      [1, 2, "a", ""],
      [3, 5, "b+a+c", "m1"],
      [6, 6, "a", ""],
    ]);
  });

  it("a pause splits a meeting's session too", () => {
    const meeting: MeetingSpan = { id: "m1", startedSeq: 5, running: true };
    expect(shape(groupSessions([e(1, "a", 0), e(2, "b", 10), e(3, "a", 40)], [meeting]))).toEqual([
      [1, 2, "a+b", "m1"],
      [3, 3, "a", "m1"],
    ]);
  });

  it("names an accepted suggestion's author beside the one who accepted it", () => {
    const s = groupSessions([e(1, "b", 0), e(2, "b", 1, 20, ["a"])], []);
    expect(shape(s)).toEqual([[1, 2, "b+a", ""]]);
  });

  it("never splits on a pause it cannot see, but runs of two UTC days are two sessions", () => {
    const unknown = (v: number, author: string, day = -1): EditPiece => ({ ...e(v, author, 0), startMs: 0, endMs: 0, day });
    expect(shape(groupSessions([e(1, "a", 0), unknown(2, "a"), e(3, "a", 10)], []))).toEqual([[1, 3, "a", ""]]);
    // The pause is measured from the last piece, never from an earlier known time.
    expect(shape(groupSessions([e(1, "a", 0), unknown(2, "a"), e(3, "a", 100)], []))).toEqual([[1, 3, "a", ""]]);
    expect(shape(groupSessions([unknown(1, "a", 100), unknown(2, "a", 100), unknown(3, "a", 101)], []))).toEqual([
      [1, 2, "a", ""],
      [3, 3, "a", ""],
    ]);
  });

  it("says nothing was at a meeting whose end this page does not know", () => {
    const ended: MeetingSpan = { id: "old", startedSeq: 5, running: false };
    const running: MeetingSpan = { id: "now", startedSeq: 50, running: true };
    expect(meetingAt([ended, running], 10)).toBe("");
    expect(meetingAt([ended, running], 60)).toBe("now");
    expect(meetingAt([{ id: "m", startedSeq: 5, running: false, endedSeq: 20 }], 20)).toBe("");
    expect(meetingAt([{ id: "m", startedSeq: 5, running: false, endedSeq: 20 }], 19)).toBe("m");
  });

  it("cuts pieces to what changed after a version", () => {
    const run: EditPiece = { fromVersion: 1, toVersion: 10, author: "a", coAuthors: [], firstSeq: 1, lastSeq: 10, startMs: T0, endMs: T0 + MIN, day: utcDay(T0) };
    expect(piecesAfter([run, e(11, "b", 5)], 4).map((p) => [p.fromVersion, p.toVersion, p.startMs])).toEqual([
      [5, 10, 0],
      [11, 11, T0 + 5 * MIN],
    ]);
    expect(piecesAfter([run, e(11, "b", 5)], 11)).toEqual([]);
  });
});

/** A server's history over known version times (index v - 1), counting the questions. */
function fakeClock(times: readonly number[]): HistoryClock & { questions: number } {
  const clock = {
    questions: 0,
    timeOf: async (v: number) => {
      clock.questions++;
      const t = times[v - 1];
      if (t === undefined) throw new Error(`no version ${v}`);
      return t;
    },
    versionAt: async (ms: number) => {
      clock.questions++;
      let lo = 0;
      let hi = times.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (times[mid]! <= ms) lo = mid + 1;
        else hi = mid;
      }
      if (lo === 0) throw new Error(`no version at ${ms}`);
      return { version: lo, timeMs: times[lo - 1]! };
    },
  };
  return clock;
}

function mapTimes(): Map<number, number> & { set(v: number, ms: number): Map<number, number> } {
  return new Map<number, number>();
}

/** Random non-decreasing times: mostly typing, sometimes a pause, sometimes exactly the gap. */
function randomTimes(r: Random, n: number): number[] {
  const out: number[] = [];
  let t = T0 + r.int(1000) * MIN;
  for (let i = 0; i < n; i++) {
    out.push(t);
    const k = r.next();
    t += k < 0.7 ? r.int(90_000) : k < 0.88 ? r.int(G) : k < 0.92 ? G : k < 0.94 ? G + 1 : G + r.int(3 * 24 * 60) * MIN;
  }
  return out;
}

async function eachSeed(base: number, count: number, body: (r: Random) => Promise<void>): Promise<void> {
  const list = seeds(base, count);
  console.log(`edit sessions: seeds ${list[0]}..${list[list.length - 1]} (replay one: KENES_SEED=<n> npm test)`);
  for (const seed of list) {
    try {
      await body(new Random(seed));
    } catch (err) {
      console.error(`edit sessions: seed ${seed} failed`);
      // One seed pinned: the assertion's own diff says more than a message.
      if (process.env.KENES_SEED) throw err;
      throw new Error(`seed ${seed} (replay: KENES_SEED=${seed} npm test): ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

describe("editing sessions: learning times from the server's history", () => {
  it("sees every pause longer than the gap, both its sides known, at a bounded cost", async () => {
    await eachSeed(9100, 300, async (r) => {
      const n = 1 + r.int(300);
      const times = randomTimes(r, n);
      const known = mapTimes();
      const clock = fakeClock(times);
      expect(await walkTimes(1, n, known, clock)).toBe(true);
      const vs = [...known.keys()].sort((a, b) => a - b);
      expect(vs[0]).toBe(1);
      expect(vs[vs.length - 1]).toBe(n);
      for (const v of vs) expect(known.get(v)).toBe(times[v - 1]);
      for (let i = 0; i + 1 < vs.length; i++) {
        const [v, w] = [vs[i]!, vs[i + 1]!];
        if (w !== v + 1) expect(known.get(w)! - known.get(v)!, `versions ${v}..${w}`).toBeLessThanOrEqual(G);
      }
      // Every pause is between two adjacent known versions.
      for (let v = 1; v < n; v++) if (times[v]! - times[v - 1]! > G) expect(known.has(v) && known.has(v + 1), `pause after ${v}`).toBe(true);
      // The cost: two questions per gap of time covered, three per pause, two to start.
      let pauses = 0;
      let typing = 0;
      for (let v = 1; v < n; v++) {
        const d = times[v]! - times[v - 1]!;
        if (d > G) pauses++;
        else typing += d;
      }
      expect(clock.questions).toBeLessThanOrEqual(2 + 3 * pauses + 2 * Math.ceil(typing / G) + 2);
    });
  });

  it("asks nothing for times it knows, and stops when the budget is spent", async () => {
    const times = [T0, T0 + MIN, T0 + 2 * MIN];
    const known = mapTimes();
    times.forEach((t, i) => known.set(i + 1, t));
    const clock = fakeClock(times);
    expect(await walkTimes(1, 3, known, clock)).toBe(true);
    expect(clock.questions).toBe(0);
    const long = Array.from({ length: 50 }, (_, i) => T0 + i * 20 * MIN);
    expect(await walkTimes(1, 50, mapTimes(), fakeClock(long), G, { left: 5 })).toBe(false);
  });
});

interface Edit {
  version: number;
  seq: number;
  author: string;
  coAuthors: string[];
  timeMs: number;
}

interface Meeting {
  id: string;
  startedSeq: number;
  endedSeq: number; // 0: still running
  endedMs: number;
}

/** The rule applied edit by edit, with the meetings as the page knows them. */
function oracle(edits: readonly Edit[], meetings: readonly MeetingSpan[]): [number, number, string, string, number, number][] {
  const out: [number, number, string, string, number, number][] = [];
  let prev: Edit | null = null;
  let prevMeeting = "";
  let authors: string[] = [];
  for (const ed of edits) {
    const m = meetingAt(meetings, ed.seq);
    const split = !prev || m !== prevMeeting || ed.timeMs - prev.timeMs > G || (m === "" && ed.author !== prev.author);
    if (split) {
      authors = [];
      out.push([ed.version, ed.version, "", m, ed.timeMs, ed.timeMs]);
    }
    const last = out[out.length - 1]!;
    for (const a of [ed.author, ...ed.coAuthors]) if (!authors.includes(a)) authors.push(a);
    last[1] = ed.version;
    last[2] = authors.join("+");
    last[5] = ed.timeMs;
    prev = ed;
    prevMeeting = m;
  }
  return out;
}

describe("editing sessions: a seeded oracle through the timeline, as the history panel drives it", () => {
  it("groups random drafts exactly as the rule says, edit by edit", async () => {
    // How often the JoinState's runs had a meeting's start or end inside them (the oracle must meet both).
    const inside = { start: 0, end: 0 };
    await eachSeed(9400, 300, async (r) => {
      const people = ["me", "a", "b", "c"];
      const n = 1 + r.int(120);
      const times = randomTimes(r, n);
      const edits: Edit[] = [];
      const meetings: Meeting[] = [];
      let seq = 1;
      let author = r.pick(people);
      let running: Meeting | null = null;
      for (let v = 1; v <= n; v++) {
        // Other records between edits; now and then a meeting starts or ends.
        seq += r.int(3);
        if (r.chance(0.08)) {
          seq++;
          if (running) {
            running.endedSeq = seq;
            // Its record's time: between the edits around it, at the earlier one's millisecond now and then
            // (records are stamped in seq order). Never at the later one's: that tie the page cannot
            // tell apart (learnMeetingEdges() says how it guesses; a hand-made case below).
            if (v > 1 && times[v - 1] === times[v - 2]) for (let i = v - 1; i < n; i++) times[i]! += 1;
            const lo = v > 1 ? times[v - 2]! : times[0]! - 1 - r.int(MIN);
            const hi = times[v - 1]! - 1;
            running.endedMs = r.chance(0.2) ? lo : r.chance(0.2) ? hi : lo + r.int(hi - lo + 1);
            running = null;
          } else {
            running = { id: `meeting-${meetings.length + 1}`, startedSeq: seq, endedSeq: 0, endedMs: 0 };
            meetings.push(running);
          }
          seq++;
        }
        if (r.chance(0.25)) author = r.pick(people);
        edits.push({ version: v, seq: seq++, author, coAuthors: r.chance(0.05) ? ["c"] : [], timeMs: times[v - 1]! });
      }
      // The page joined by state after edit k (0: it saw every record).
      const k = r.int(n + 1);
      const stateSeq = k === 0 ? 0 : edits[k - 1]!.seq + r.int(2);
      const runs: { author: string; firstSeq: number; lastSeq: number; edits: number; day: number }[] = [];
      for (const ed of edits.slice(0, k)) {
        const last = runs[runs.length - 1];
        // The server's runs: one author, one UTC day; an accepted suggestion's co-author is not in them.
        if (last && last.author === ed.author && last.day === utcDay(ed.timeMs)) {
          last.lastSeq = ed.seq;
          last.edits++;
        } else runs.push({ author: ed.author, firstSeq: ed.seq, lastSeq: ed.seq, edits: 1, day: utcDay(ed.timeMs) });
      }
      // What the page knows of the meetings: all of it (the JoinState carries a finished meeting's end,
      // seq and time) — but a server from before issue 20 left out the end of one that ended before its state.
      const oldServer = r.chance(0.15);
      const known: MeetingSpan[] = meetings.map((m) => {
        const endedBefore = m.endedSeq !== 0 && m.endedSeq <= stateSeq;
        if (oldServer && endedBefore) return { id: m.id, startedSeq: m.startedSeq, running: false, endedSeq: 0, endedMs: 0 };
        return { id: m.id, startedSeq: m.startedSeq, running: m.endedSeq === 0, endedSeq: m.endedSeq, endedMs: m.endedMs };
      });

      const tl = new EditTimeline();
      tl.load([{ docId: "d", version: BigInt(k), runs: runs.map((x) => create(EditRunSchema, { author: x.author, firstSeq: BigInt(x.firstSeq), lastSeq: BigInt(x.lastSeq), edits: BigInt(x.edits), day: BigInt(x.day) })) }]);
      for (const ed of edits.slice(k)) {
        // One's own edits are acknowledged, with no time; others' records carry theirs.
        const own = ed.author === "me" && r.chance(0.7);
        tl.edit("d", ed.version, ed.seq, ed.author, ed.coAuthors, own ? 0 : ed.timeMs);
      }
      expect(tl.latest("d")).toBe(n);

      // What the history panel does when opened: the versions at meetings' edges inside runs
      // (a start by its seq, as the server counts it; an end by its time), then the times.
      const clock = fakeClock(times);
      const meetingClock = {
        versionAt: clock.versionAt,
        versionAtMeetingStart: async (id: string) => {
          clock.questions++;
          const m = meetings.find((x) => x.id === id)!;
          return edits.filter((ed) => ed.seq < m.startedSeq).length;
        },
      };
      const edges = tl.meetingEdgesInsideRuns("d", known);
      for (const e of edges) inside[e.edge]++;
      await tl.learnMeetingEdges("d", known, meetingClock);
      // One question per edge, and none again.
      expect(clock.questions).toBe(edges.length);
      expect(tl.meetingEdgesInsideRuns("d", known)).toEqual([]);
      await tl.learnMeetingEdges("d", known, meetingClock);
      expect(clock.questions).toBe(edges.length);
      for (const s of tl.unknownStretches("d", known)) {
        expect(await walkTimes(s.fromVersion, s.toVersion, tl.knownTimes("d"), clock)).toBe(true);
        tl.markWalked("d", s.key, s.toVersion);
      }
      // Walked once, nothing is left to ask.
      expect(tl.unknownStretches("d", known)).toEqual([]);
      const got = groupSessions(tl.pieces("d", known), known).map((s) => [s.fromVersion, s.toVersion, s.authors.join("+"), s.meetingId, s.startMs, s.endMs]);
      // Co-authors from the runs are not known to the page: the oracle leaves them out there.
      const seen = edits.map((ed, i) => (i < k ? { ...ed, coAuthors: [] } : ed));
      expect(got).toEqual(oracle(seen, known));
    });
    console.log(`edit sessions: JoinState runs with a meeting's start inside: ${inside.start}, with its end inside: ${inside.end}`);
    if (!process.env.KENES_SEED) {
      expect(inside.start).toBeGreaterThan(30);
      expect(inside.end).toBeGreaterThan(30);
    }
  });

  it("walks only what one typed since the last walk", async () => {
    const tl = new EditTimeline();
    const times = Array.from({ length: 40 }, (_, i) => T0 + i * 2 * MIN);
    for (let v = 1; v <= 20; v++) tl.edit("d", v, v, "me", [], 0);
    const clock = fakeClock(times);
    for (const s of tl.unknownStretches("d", [])) {
      await walkTimes(s.fromVersion, s.toVersion, tl.knownTimes("d"), clock);
      tl.markWalked("d", s.key, s.toVersion);
    }
    const first = clock.questions;
    for (let v = 21; v <= 22; v++) tl.edit("d", v, v, "me", [], 0);
    expect(tl.unknownStretches("d", [])).toEqual([{ key: 1, fromVersion: 20, toVersion: 22 }]);
    for (const s of tl.unknownStretches("d", [])) await walkTimes(s.fromVersion, s.toVersion, tl.knownTimes("d"), clock);
    // Version 20's time is known: one question, for version 22.
    expect(clock.questions - first).toBe(1);
  });

  /** A JoinState of two runs — a: versions 1–4 (seqs 10–30), b: 5–9 (seqs 32–60) — and a clock over `times`. */
  function workshop(times: number[]): { tl: EditTimeline; clock: HistoryClock & { questions: number; versionAtMeetingStart(id: string): Promise<number> } } {
    const tl = new EditTimeline();
    tl.load([
      {
        docId: "d",
        version: 9n,
        runs: [
          create(EditRunSchema, { author: "a", firstSeq: 10n, lastSeq: 30n, edits: 4n, day: BigInt(utcDay(T0)) }),
          create(EditRunSchema, { author: "b", firstSeq: 32n, lastSeq: 60n, edits: 5n, day: BigInt(utcDay(T0)) }),
        ],
      },
    ]);
    const clock = Object.assign(fakeClock(times), {
      // The meeting started after a's second edit (the server counts by seq).
      versionAtMeetingStart: async () => {
        clock.questions++;
        return 2;
      },
    });
    return { tl, clock };
  }
  const minutes = (...m: number[]) => m.map((x) => T0 + x * MIN);

  it("cuts a JoinState's run where a meeting ended inside it, at the version the server names at the end's time", async () => {
    // The meeting (seqs 20–50) ends at minute 7.5: b's versions 5–7 were at it, 8–9 after.
    const meeting: MeetingSpan = { id: "m", startedSeq: 20, running: false, endedSeq: 50, endedMs: T0 + 7.5 * MIN };
    const { tl, clock } = workshop(minutes(0, 1, 2, 3, 4, 5, 7, 8, 9));
    expect(tl.meetingEdgesInsideRuns("d", [meeting])).toEqual([
      { meetingId: "m", edge: "start" },
      { meetingId: "m", edge: "end" },
    ]);
    // Not learned yet: b's whole run counts as the meeting's (the status panel's count, before the history is opened).
    expect(shape(groupSessions(tl.pieces("d", [meeting]), [meeting]))).toEqual([
      [1, 4, "a", ""],
      [5, 9, "b", "m"],
    ]);
    await tl.learnMeetingEdges("d", [meeting], clock);
    expect(clock.questions).toBe(2);
    await tl.learnMeetingEdges("d", [meeting], clock);
    expect(clock.questions, "nothing asked twice").toBe(2);
    expect(tl.unknownStretches("d", [meeting]).map((x) => [x.fromVersion, x.toVersion])).toEqual([
      [1, 2],
      [3, 4],
      [5, 7],
      [8, 9],
    ]);
    expect(shape(groupSessions(tl.pieces("d", [meeting]), [meeting]))).toEqual([
      [1, 2, "a", ""],
      [3, 7, "a+b", "m"],
      [8, 9, "b", ""],
    ]);
  });

  it("counts an edit in the very millisecond a meeting ended as made before it, but never a run's last", async () => {
    const meeting: MeetingSpan = { id: "m", startedSeq: 20, running: false, endedSeq: 50, endedMs: T0 + 8 * MIN };
    // Version 8 (after the end by seq) carries the end's millisecond: the page cannot tell, and guesses "before".
    const tie = workshop(minutes(0, 1, 2, 3, 4, 5, 7, 8, 9));
    await tie.tl.learnMeetingEdges("d", [meeting], tie.clock);
    expect(shape(groupSessions(tie.tl.pieces("d", [meeting]), [meeting]))).toEqual([
      [1, 2, "a", ""],
      [3, 8, "a+b", "m"],
      [9, 9, "b", ""],
    ]);
    // Versions 8 and 9 both: the run's last edit (seq 60) is after the end (seq 50) whatever the clock says.
    const last = workshop(minutes(0, 1, 2, 3, 4, 5, 7, 8, 8));
    await last.tl.learnMeetingEdges("d", [meeting], last.clock);
    expect(shape(groupSessions(last.tl.pieces("d", [meeting]), [meeting]))).toEqual([
      [1, 2, "a", ""],
      [3, 8, "a+b", "m"],
      [9, 9, "b", ""],
    ]);
  });

  it("keeps one person's run whole around a meeting that saw none of its edits", async () => {
    // Started and ended (seqs 20 and 25) between a's second and third edit.
    const meeting: MeetingSpan = { id: "m", startedSeq: 20, running: false, endedSeq: 25, endedMs: T0 + 1.5 * MIN };
    const { tl, clock } = workshop(minutes(0, 1, 2, 3, 4, 5, 7, 8, 9));
    await tl.learnMeetingEdges("d", [meeting], clock);
    expect(tl.pieces("d", [meeting]).map((p) => [p.fromVersion, p.toVersion, p.author, meetingAt([meeting], p.firstSeq)])).toEqual([
      [1, 2, "a", ""],
      [3, 4, "a", ""],
      [5, 9, "b", ""],
    ]);
    expect(shape(groupSessions(tl.pieces("d", [meeting]), [meeting]))).toEqual([
      [1, 4, "a", ""],
      [5, 9, "b", ""],
    ]);
  });

  it("gives the versions before runs an older snapshot lacked to an unknown author, and learns a repeated record's time", () => {
    const tl = new EditTimeline();
    tl.load([{ docId: "d", version: 10n, runs: [create(EditRunSchema, { author: "a", firstSeq: 50n, lastSeq: 60n, edits: 4n, day: 20000n })] }]);
    expect(tl.pieces("d", []).map((p) => [p.fromVersion, p.toVersion, p.author])).toEqual([
      [1, 6, ""],
      [7, 10, "a"],
    ]);
    tl.edit("d", 11, 70, "me", [], 0);
    tl.edit("d", 11, 70, "me", [], T0);
    expect(tl.pieces("d", []).at(-1)).toMatchObject({ fromVersion: 11, startMs: T0 });
  });
});
