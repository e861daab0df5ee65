// Editing sessions (issue 20): a draft's versions grouped the way people
// remember them — who sat down to write, when, and at which meeting — instead
// of one step per keystroke burst ("119 versions for three sentences").
//
// The rule. A session is a stretch of consecutive edits of one document
//   - by one person while no meeting runs: another person's edit starts a new
//     session, so each session says whose work it was;
//   - by whoever types while a meeting runs: co-editing at a meeting is one
//     session naming everyone who typed, because the meeting is what people
//     remember ("we rewrote it at the workshop");
// with no pause longer than SESSION_GAP_MS between two of its edits, and
// never across a meeting's start or end.
//
// Why 15 minutes: typing is sent every few hundred milliseconds, and reading
// a paragraph again, looking up a source or discussing a sentence in a
// meeting pauses it for minutes; a pause of a quarter of an hour is a break
// or another task, and what comes after it is what a person calls "later".
// The server's own grouping (edit runs: one author, one UTC day) is too coarse
// for that — a whole day's drafting is one run — and a plain count of edits
// is what the board could not read.
//
// Where the facts come from (nothing here asks the server; ui/history-panel.ts does):
//   - edits folded by this page: version, seq, author and the record's time;
//   - this page's own edits, acknowledged: version, seq and author, but no
//     time (an Ack carries none): 0 = unknown;
//   - a JoinState: per document the server's edit runs (author, first and
//     last seq, how many edits, UTC day) — versions follow from the counts,
//     times are unknown — and each meeting's start and end (seq and time);
//   - versions' times learned from the server's history (DocumentAt), and
//     the versions at which meetings started and ended inside runs, kept
//     here once learned (learnMeetingEdges()).
// walkTimes() learns just enough times for the rule to be exact; with times
// missing, groupSessions() never splits on a pause it cannot see, but runs of
// two UTC days are still two sessions — so a count made without asking the
// server (the status panel's) can be lower than the history's, or higher for
// a sitting that crosses midnight UTC.

import type { EditRun } from "../gen/kenes/v1/snapshot_pb";
import { toNumber } from "./wire-convert";

export const SESSION_GAP_MS = 15 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Versions fromVersion..toVersion (inclusive) of one document, by one author, with no pause known inside. */
export interface EditPiece {
  readonly fromVersion: number;
  readonly toVersion: number;
  /** Who made the edits (the record's author; for an accepted suggestion, the one who accepted). */
  readonly author: string;
  /** Who else wrote the inserted text (an accepted suggestion's suggester). */
  readonly coAuthors: readonly string[];
  /** Seqs of the first and last edit, or bounds on them (all that meeting attribution needs). */
  readonly firstSeq: number;
  readonly lastSeq: number;
  /** Times of the first and last version, ms; 0 when unknown. */
  readonly startMs: number;
  readonly endMs: number;
  /** UTC day of the edits when known from a run (days since the epoch), else -1. */
  readonly day: number;
}

/** What the grouping needs of a meeting (MeetingState has it). */
export interface MeetingSpan {
  readonly id: string;
  readonly startedSeq: number;
  readonly running: boolean;
  /** Its MeetingEnded's seq; 0 while it runs or when this page does not know (then nothing is said to be in it). */
  readonly endedSeq?: number;
  /** Its MeetingEnded's time, ms; 0 when unknown (then a run it ends inside is not cut there). */
  readonly endedMs?: number;
}

export interface EditSession {
  /** The first and last version made in it: the draft at its end is `toVersion`, before it `fromVersion - 1`. */
  readonly fromVersion: number;
  toVersion: number;
  /** Everyone who wrote in it (authors, then co-authors), in order of first appearance. */
  readonly authors: string[];
  /** How many edits (versions) it made. */
  edits: number;
  /** First and last known times, ms; 0 when unknown. */
  startMs: number;
  endMs: number;
  /** The meeting it happened during, "" for none. */
  readonly meetingId: string;
}

/** The meeting running at `seq`, "" for none. A meeting whose end this page does not know is never assumed to run. */
export function meetingAt(meetings: Iterable<MeetingSpan>, seq: number): string {
  let found = "";
  let foundStart = -1;
  for (const m of meetings) {
    if (m.startedSeq >= seq || m.startedSeq < foundStart) continue;
    const ended = m.endedSeq ?? 0;
    const during = m.running ? ended === 0 || seq < ended : ended !== 0 && seq < ended;
    if (during) {
      found = m.id;
      foundStart = m.startedSeq;
    }
  }
  return found;
}

/**
 * Groups a document's pieces (in version order) into sessions by the rule
 * above. A pause counts only when the times on both sides of it are known;
 * with unknown times, pieces of two different UTC days (runs) still split.
 */
export function groupSessions(pieces: readonly EditPiece[], meetings: Iterable<MeetingSpan>, gapMs = SESSION_GAP_MS): EditSession[] {
  const spans = [...meetings];
  const out: EditSession[] = [];
  let cur: EditSession | null = null;
  let starter = "";
  // The last piece's end and day: the pause is measured from it, never from an earlier known time.
  let tailMs = 0;
  let tailDay = -1;
  for (const p of pieces) {
    const meetingId = meetingAt(spans, p.firstSeq);
    const paused = tailMs !== 0 && p.startMs !== 0 ? p.startMs - tailMs > gapMs : tailDay >= 0 && p.day >= 0 && p.day !== tailDay;
    const joins = cur !== null && cur.meetingId === meetingId && (meetingId !== "" || starter === p.author) && !paused;
    if (!joins || !cur) {
      cur = { fromVersion: p.fromVersion, toVersion: p.toVersion, authors: [], edits: 0, startMs: p.startMs, endMs: 0, meetingId };
      starter = p.author;
      out.push(cur);
    }
    cur.toVersion = p.toVersion;
    cur.edits += p.toVersion - p.fromVersion + 1;
    if (!cur.startMs) cur.startMs = p.startMs;
    if (p.endMs) cur.endMs = p.endMs;
    else if (p.startMs) cur.endMs = Math.max(cur.endMs, p.startMs);
    for (const a of [p.author, ...p.coAuthors]) if (!cur.authors.includes(a)) cur.authors.push(a);
    tailMs = p.endMs;
    tailDay = p.day;
  }
  return out;
}

/** The pieces cut to the versions after `version` (what changed since it). */
export function piecesAfter(pieces: readonly EditPiece[], version: number): EditPiece[] {
  const out: EditPiece[] = [];
  for (const p of pieces) {
    if (p.toVersion <= version) continue;
    if (p.fromVersion > version) out.push(p);
    // The part of a piece after a version inside it starts at a time nobody here knows.
    else out.push({ ...p, fromVersion: version + 1, startMs: 0 });
  }
  return out;
}

/** The server's history, as walkTimes() asks it (DocumentAt by version, and by time). */
export interface HistoryClock {
  /** When version `version` was made, ms. */
  timeOf(version: number): Promise<number>;
  /** The latest version made at or before `ms`, and its time. */
  versionAt(ms: number): Promise<{ version: number; timeMs: number }>;
}

/** What learnMeetingEdges() asks the server (DocumentAt at meeting_started, and by time). */
export interface MeetingClock {
  /** The document's version when the meeting started: exact, the server counts by seq. */
  versionAtMeetingStart(meetingId: string): Promise<number>;
  /** The latest version made at or before `ms`. */
  versionAt(ms: number): Promise<{ version: number; timeMs: number }>;
}

/** A meeting's start or end inside a run, whose version there this page has not learned yet. */
export interface MeetingEdge {
  readonly meetingId: string;
  readonly edge: "start" | "end";
}

/** Times of a document's versions, learned so far. */
export interface KnownTimes {
  get(version: number): number | undefined;
  set(version: number, ms: number): void;
}

/**
 * Learns enough times of versions from..to (inclusive, times non-decreasing
 * in version: the server stamps records in seq order) that afterwards every
 * two consecutive known versions among them are either at most `gapMs`
 * apart or adjacent — so every pause longer than `gapMs` in there is seen,
 * and both its sides are known. From a known version v at time t, the latest
 * version at or before t + gapMs is either later than v (nothing in between
 * pauses longer than gapMs) or v itself (the pause is right after v). Every
 * two questions move past at least gapMs of time or find a pause, so a day
 * of typing costs at most ~200 questions, however many edits it holds.
 * Returns false if `budget` questions ran out first (the rest stays unknown).
 */
export async function walkTimes(from: number, to: number, known: KnownTimes, clock: HistoryClock, gapMs = SESSION_GAP_MS, budget = { left: 400 }): Promise<boolean> {
  if (from > to) return true;
  const timeOf = async (v: number): Promise<number | null> => {
    const k = known.get(v);
    if (k !== undefined) return k;
    if (budget.left <= 0) return null;
    budget.left--;
    const ms = await clock.timeOf(v);
    known.set(v, ms);
    return ms;
  };
  let v = from;
  let tv = await timeOf(from);
  const tTo = await timeOf(to);
  if (tv === null || tTo === null) return false;
  while (v < to) {
    // The rest is within one gap: no pause longer than it fits inside.
    if (tTo - tv <= gapMs) return true;
    if (budget.left <= 0) return false;
    budget.left--;
    const r = await clock.versionAt(tv + gapMs);
    known.set(r.version, r.timeMs);
    // Past `to` only if the times were not in order after all: nothing more to learn then.
    if (r.version >= to) return true;
    if (r.version > v) {
      v = r.version;
      tv = r.timeMs;
    } else {
      // Nothing within gapMs after v: v + 1 starts after a pause.
      v += 1;
      const t = await timeOf(v);
      if (t === null) return false;
      tv = t;
    }
  }
  return true;
}

interface RunEntry {
  readonly author: string;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly fromVersion: number;
  readonly toVersion: number;
  readonly day: number;
}

interface EditEntry {
  readonly version: number;
  readonly seq: number;
  readonly author: string;
  readonly coAuthors: readonly string[];
  readonly timeMs: number;
}

interface DocTimeline {
  runs: RunEntry[];
  readonly edits: EditEntry[];
  readonly times: Map<number, number>;
  /** Per meeting id: the document's version when it started, and when it ended (the last version made before). */
  readonly meetingStarts: Map<string, number>;
  readonly meetingEnds: Map<string, number>;
  /** Per unknown stretch (by its first version): how far walkTimes() has learned it. */
  readonly walked: Map<number, number>;
}

/** A range of versions whose times this page lacks: walkTimes() learns them, then markWalked(). */
export interface UnknownStretch {
  /** The stretch's first version, which names it. */
  readonly key: number;
  /** What is left to walk: the stretch, or from where an earlier walk of it stopped (it grows as one types). */
  readonly fromVersion: number;
  readonly toVersion: number;
}

/** Who edited each document when, as far as this page knows (see the top of this file). */
export class EditTimeline {
  private readonly docs = new Map<string, DocTimeline>();

  /** Starts from a JoinState's documents: their edit runs, ending at their versions. */
  load(documents: readonly { readonly docId: string; readonly version: bigint; readonly runs: readonly EditRun[] }[]): void {
    this.docs.clear();
    for (const d of documents) {
      const version = toNumber(d.version);
      const total = d.runs.reduce((n, r) => n + toNumber(r.edits), 0);
      // Runs from before issue 16 may be missing (a snapshot without them):
      // the runs there are cover the latest versions.
      let next = Math.max(0, version - total) + 1;
      const runs: RunEntry[] = [];
      if (next > 1) runs.push({ author: "", firstSeq: 0, lastSeq: 0, fromVersion: 1, toVersion: next - 1, day: -1 });
      for (const r of d.runs) {
        const edits = toNumber(r.edits);
        if (edits <= 0) continue;
        runs.push({ author: r.author, firstSeq: toNumber(r.firstSeq), lastSeq: toNumber(r.lastSeq), fromVersion: next, toVersion: next + edits - 1, day: toNumber(r.day) });
        next += edits;
      }
      this.docs.set(d.docId, { runs, edits: [], times: new Map(), meetingStarts: new Map(), meetingEnds: new Map(), walked: new Map() });
    }
  }

  /** An edit folded or acknowledged: it made `version` (the next one). timeMs 0: unknown. */
  edit(docId: string, version: number, seq: number, author: string, coAuthors: readonly string[], timeMs: number): void {
    const d = this.doc(docId);
    // Seen already (one's own edit, acknowledged, then its record in a catch-up): only its time is news.
    if (version <= this.latest(docId)) return this.learnTime(docId, version, timeMs);
    d.edits.push({ version, seq, author, coAuthors: [...coAuthors], timeMs });
  }

  /** The latest version this timeline knows of (0: never edited). */
  latest(docId: string): number {
    const d = this.docs.get(docId);
    if (!d) return 0;
    return d.edits.length ? d.edits[d.edits.length - 1]!.version : (d.runs[d.runs.length - 1]?.toVersion ?? 0);
  }

  /** A version's time, as the server's history told it (DocumentAt). */
  learnTime(docId: string, version: number, ms: number): void {
    if (version > 0 && ms > 0) this.doc(docId).times.set(version, ms);
  }

  /** The times learned and folded, as walkTimes() reads and fills them. */
  knownTimes(docId: string): KnownTimes {
    const d = this.doc(docId);
    return {
      get: (v) => d.times.get(v) ?? this.editTime(d, v),
      set: (v, ms) => this.learnTime(docId, v, ms),
    };
  }

  /**
   * The document's version where a meeting started (`edge` "start": its
   * version then) or ended ("end": the last version made before its end).
   */
  learnMeetingEdge(docId: string, meetingId: string, edge: MeetingEdge["edge"], version: number): void {
    const d = this.doc(docId);
    (edge === "start" ? d.meetingStarts : d.meetingEnds).set(meetingId, version);
  }

  /**
   * Meetings that started or ended in the middle of a run (the seq of their
   * record is inside it) whose version there is not known yet. A run holds
   * no seq of its edits but its first and last, so only the server can say
   * which of its versions came before the meeting's record. An end with no
   * time (a server from before issue 20) cannot be asked about: not listed.
   */
  meetingEdgesInsideRuns(docId: string, meetings: Iterable<MeetingSpan>): MeetingEdge[] {
    const d = this.docs.get(docId);
    if (!d) return [];
    const inside = (seq: number) => d.runs.some((r) => r.firstSeq < seq && seq < r.lastSeq);
    const out: MeetingEdge[] = [];
    for (const m of meetings) {
      if (!d.meetingStarts.has(m.id) && inside(m.startedSeq)) out.push({ meetingId: m.id, edge: "start" });
      const endedSeq = m.endedSeq ?? 0;
      if (endedSeq && (m.endedMs ?? 0) > 0 && !d.meetingEnds.has(m.id) && inside(endedSeq)) out.push({ meetingId: m.id, edge: "end" });
    }
    return out;
  }

  /**
   * Asks the server the version at each meeting edge inside a run, once
   * (one question per edge, however many times the history is opened).
   *
   * A start is asked by meeting id, which the server turns into the seq of
   * MeetingStarted: exact. The protocol has no such point for an end, so it
   * is asked by time: the latest version at or before the MeetingEnded's
   * time. Records are stamped in seq order, so every edit before the end is
   * at or before that time and every edit after it at or after: the answer
   * is exact unless an edit after the end carries the very millisecond of
   * the MeetingEnded, which is then counted as made before it (runCuts()
   * never lets that take a run's last edit, whose seq is known to be after).
   */
  async learnMeetingEdges(docId: string, meetings: Iterable<MeetingSpan>, clock: MeetingClock): Promise<void> {
    const spans = new Map([...meetings].map((m) => [m.id, m]));
    for (const e of this.meetingEdgesInsideRuns(docId, spans.values())) {
      const version =
        e.edge === "start" ? await clock.versionAtMeetingStart(e.meetingId) : (await clock.versionAt(spans.get(e.meetingId)!.endedMs!)).version;
      this.learnMeetingEdge(docId, e.meetingId, e.edge, version);
    }
  }

  /**
   * The ranges whose times are unknown and not yet walked: whole runs (cut
   * where meetings started and ended), and stretches of one's own
   * acknowledged edits (which carry no time), each from where its last walk
   * stopped.
   */
  unknownStretches(docId: string, meetings: Iterable<MeetingSpan>): UnknownStretch[] {
    const d = this.docs.get(docId);
    if (!d) return [];
    const spans = [...meetings];
    const all: [number, number][] = [];
    for (const r of d.runs) for (const [a, b] of this.runCuts(d, r, spans)) all.push([a, b]);
    let start = -1;
    let prev: EditEntry | null = null;
    let prevMeeting = "";
    for (const e of d.edits) {
      const unknown = !e.timeMs;
      const meeting = meetingAt(spans, e.seq);
      // Cut where a session may start (another author, a meeting's start or end): its first and last times must be known.
      if (start >= 0 && (!unknown || prev?.author !== e.author || meeting !== prevMeeting)) {
        all.push([start, prev!.version]);
        start = -1;
      }
      if (unknown && start < 0) start = e.version;
      prev = e;
      prevMeeting = meeting;
    }
    if (start >= 0 && prev) all.push([start, prev.version]);
    const out: UnknownStretch[] = [];
    for (const [a, b] of all) {
      const done = d.walked.get(a);
      // Walking on from where the last walk stopped keeps its guarantee for the whole stretch.
      if (done === undefined) out.push({ key: a, fromVersion: a, toVersion: b });
      else if (done < b) out.push({ key: a, fromVersion: done, toVersion: b });
    }
    return out;
  }

  /** walkTimes() learned stretch `key` up to `to`. */
  markWalked(docId: string, key: number, to: number): void {
    this.doc(docId).walked.set(key, to);
  }

  /** Everything known, as pieces in version order, for groupSessions(). */
  pieces(docId: string, meetings: Iterable<MeetingSpan>, gapMs = SESSION_GAP_MS): EditPiece[] {
    const d = this.docs.get(docId);
    if (!d) return [];
    const spans = [...meetings];
    const out: EditPiece[] = [];
    for (const r of d.runs) {
      for (const [a, b, firstSeq] of this.runCuts(d, r, spans)) {
        // Inside a run, a pause shows as two adjacent versions whose known times are far apart.
        const known = [...d.times.keys()].filter((v) => v >= a && v <= b).sort((x, y) => x - y);
        let from = a;
        for (let i = 0; i + 1 < known.length; i++) {
          const v = known[i]!;
          const w = known[i + 1]!;
          if (w === v + 1 && d.times.get(w)! - d.times.get(v)! > gapMs) {
            out.push(this.runPiece(d, r, from, v, firstSeq));
            from = w;
          }
        }
        out.push(this.runPiece(d, r, from, b, firstSeq));
      }
    }
    for (const e of d.edits) {
      const t = e.timeMs || d.times.get(e.version) || 0;
      out.push({ fromVersion: e.version, toVersion: e.version, author: e.author, coAuthors: e.coAuthors, firstSeq: e.seq, lastSeq: e.seq, startMs: t, endMs: t, day: -1 });
    }
    return out;
  }

  private runPiece(d: DocTimeline, r: RunEntry, a: number, b: number, firstSeq: number): EditPiece {
    return {
      fromVersion: a,
      toVersion: b,
      author: r.author,
      coAuthors: [],
      firstSeq,
      lastSeq: r.lastSeq,
      startMs: d.times.get(a) ?? 0,
      endMs: d.times.get(b) ?? 0,
      day: r.day,
    };
  }

  /**
   * A run cut where meetings started or ended inside it (those whose version
   * there is learned): its parts [from, to, a bound on the first edit's seq].
   * The bound is the seq of the meeting record the part comes after, so
   * meetingAt() tells each part's meeting right as long as every meeting
   * edge inside the run is a cut.
   */
  private runCuts(d: DocTimeline, r: RunEntry, meetings: readonly MeetingSpan[]): [number, number, number][] {
    const cuts: { seq: number; v: number }[] = [];
    const inside = (seq: number) => r.firstSeq < seq && seq < r.lastSeq;
    for (const m of meetings) {
      const start = d.meetingStarts.get(m.id);
      if (start !== undefined && inside(m.startedSeq)) cuts.push({ seq: m.startedSeq, v: start });
      const end = d.meetingEnds.get(m.id);
      if (end !== undefined && inside(m.endedSeq ?? 0)) cuts.push({ seq: m.endedSeq!, v: end });
    }
    cuts.sort((x, y) => x.seq - y.seq);
    const out: [number, number, number][] = [];
    let from = r.fromVersion;
    let firstSeq = r.firstSeq;
    let last = r.fromVersion;
    for (const c of cuts) {
      // The run's first edit is before every record inside it and its last after
      // (their seqs say so), and edges come in seq order: an answer outside that
      // (an end's same-millisecond guess, a clock stepped back) is held to it.
      const v = Math.max(last, Math.min(c.v, r.toVersion - 1));
      last = v;
      // Two edges with no edit of this run between them (a meeting that saw none): one cut, the later edge's seq.
      if (v >= from) {
        out.push([from, v, firstSeq]);
        from = v + 1;
      }
      firstSeq = c.seq + 1;
    }
    out.push([from, r.toVersion, firstSeq]);
    return out;
  }

  private editTime(d: DocTimeline, version: number): number | undefined {
    // Edits are in version order: a binary search finds one.
    let lo = 0;
    let hi = d.edits.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const e = d.edits[mid]!;
      if (e.version === version) return e.timeMs || undefined;
      if (e.version < version) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  private doc(docId: string): DocTimeline {
    let d = this.docs.get(docId);
    if (!d) this.docs.set(docId, (d = { runs: [], edits: [], times: new Map(), meetingStarts: new Map(), meetingEnds: new Map(), walked: new Map() }));
    return d;
  }
}

/** The UTC day of a time (the server's runs count days so). */
export function utcDay(ms: number): number {
  return Math.floor(ms / DAY_MS);
}
