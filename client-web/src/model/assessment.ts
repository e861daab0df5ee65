// The assessment side of the consultation (issue 7): indicator status,
// assignees, sources and score; polls; meetings; the chair's roster balance.
// Records are folded here by ConsultationState.fold; PollUpdate and
// RosterBalance are server messages, not records, and are applied as they
// come. Poll results are only ever what the server sent: the client never
// tallies ballots itself (an anonymous poll's ballots never reach it).

import { type Figure, IndicatorStatus, type PollDefinition, type PollResults, type Reference } from "../gen/kenes/v1/assessment_pb";
import { AttendanceMark, type LogRecord } from "../gen/kenes/v1/log_pb";
import { type PollUpdate, Role, type RosterBalance } from "../gen/kenes/v1/protocol_pb";
import type { ClientOwnState, ClientState } from "../gen/kenes/v1/state_pb";
import { toNumber } from "./wire-convert";

export { IndicatorStatus };

export interface IndicatorState {
  status: IndicatorStatus;
  /** The seq that set the status (a record, or the PollClosed of a passed validation poll). */
  statusSeq: number;
  /**
   * When that record was made (ms since the epoch); 0 only from a server
   * older than this field, whose JoinState carried the seq only
   * (history-words.ts says so then).
   */
  statusMs: number;
  /** The draft version validated (0 unless status is VALIDATED). */
  validatedVersion: number;
  /** The poll that validated it, if a poll did. */
  validatedByPoll: string;
  assignees: string[];
  sources: string[];
  score: number | undefined;
  /** "YYYY-MM-DD" the chair set, "" when none (issue 20). */
  dueDate: string;
  /**
   * Evidence (issue 19), each in the order added, as the records carry
   * them (ids stamped by the server: "ref-3", "fig-1").
   */
  references: Reference[];
  figures: Figure[];
}

export type PollPhase = "draft" | "open" | "closed";

export interface PollState {
  readonly id: string;
  readonly definition: PollDefinition;
  readonly createdSeq: number;
  phase: PollPhase;
  /** Opened by its PollOpened record (a PollUpdate may say so earlier). */
  opened: boolean;
  /**
   * When ballots stop counting, fixed at the open (0: no closing time). A
   * closing time the open already reached moves to just after it, as on the
   * server, so the poll opens closed rather than never.
   */
  closesAtUnixMs: number;
  /** The seq of its PollClosed record, 0 before it is folded. */
  closedSeq: number;
  /** When it was created and closed (record times, ms; the JoinState carries both); 0 before the close. */
  createdMs?: number;
  closedMs?: number;
  closedAtClosingTime: boolean;
  /**
   * This participant's own counted ballot, from its VoteCast records: a
   * ballot stamped after the close (or at or past the closing time) is
   * logged but does not count, so it does not replace the one that did.
   */
  myChoices: number[] | undefined;
  /** The words of my "agree with reservations" ballot, when this page saw it cast. */
  myReservation?: string;
  /** The latest figures the server sent (PollUpdate); undefined before any. */
  update: PollUpdate | undefined;
  /** A validation session's poll (issue 18): its session and item, else "". */
  validationSessionId?: string;
  validationItem?: string;
}

/** A validation session (issue 18): the queue the chair walks, one poll per item. */
export interface ValidationSession {
  readonly id: string;
  readonly items: readonly string[];
  readonly rules: PollDefinition | undefined;
  readonly statement: string;
  readonly startedSeq: number;
  running: boolean;
  /** The item last opened, "" before the first. */
  currentItem: string;
  /** Items skipped and not opened since. */
  readonly skipped: Set<string>;
}

/** Where an item of a session stands; "decided" is closed without figures yet. */
export type ItemStatus = "pending" | "voting" | "passed" | "notPassed" | "decided" | "skipped";

export interface MeetingState {
  readonly id: string;
  readonly title: string;
  readonly agenda: readonly string[];
  readonly startedSeq: number;
  /** When it started (ms). */
  readonly startedMs?: number;
  running: boolean;
  /**
   * The seq and time of its MeetingEnded record; 0 while it runs (the
   * JoinState carries both, so a page joining later still knows which edits
   * and votes happened during it).
   */
  endedSeq?: number;
  endedMs?: number;
  spotlight: string;
  /** Participant ids attending now. */
  readonly attendees: Set<string>;
  /** The chair's marks for the minutes (issue 18): present or excused, by participant. */
  readonly marks: Map<string, AttendanceMark>;
}

/** What changed, for the views. */
export type AssessmentEffect =
  | { readonly kind: "indicator"; readonly indicatorId: string }
  | { readonly kind: "scope" }
  | { readonly kind: "poll"; readonly pollId: string }
  | { readonly kind: "meeting"; readonly meetingId: string }
  | { readonly kind: "session"; readonly sessionId: string };

/**
 * The statuses a role may set by hand, mirroring the server's rule
 * (assessment.proto, IndicatorStatus): the chair any, a researcher drafting,
 * in review and needs revision (never validated: only a poll validates),
 * members and observers none. The current status is left out (the server
 * refuses "the same status again").
 */
export function allowedStatusTargets(role: Role, current: IndicatorStatus): IndicatorStatus[] {
  let targets: IndicatorStatus[];
  if (role === Role.CHAIR)
    targets = [IndicatorStatus.NOT_STARTED, IndicatorStatus.DRAFTING, IndicatorStatus.IN_REVIEW, IndicatorStatus.VALIDATED, IndicatorStatus.NEEDS_REVISION];
  else if (role === Role.RESEARCHER) targets = [IndicatorStatus.DRAFTING, IndicatorStatus.IN_REVIEW, IndicatorStatus.NEEDS_REVISION];
  else targets = [];
  const cur = current === IndicatorStatus.UNSPECIFIED ? IndicatorStatus.NOT_STARTED : current;
  return targets.filter((s) => s !== cur);
}

export class AssessmentState {
  readonly indicators = new Map<string, IndicatorState>();
  readonly polls = new Map<string, PollState>();
  readonly meetings = new Map<string, MeetingState>();
  /** Validation sessions, in start order (issue 18). */
  readonly sessions = new Map<string, ValidationSession>();
  /** The running meeting's id, "" when none runs. */
  currentMeetingId = "";
  rosterBalance: RosterBalance | undefined;
  /**
   * The time of the latest issue-7 record folded. Records are judged by
   * max(own time, this), as the server judges them, so a clock stepping back
   * cannot count a late ballot.
   */
  private lastTimeMs = 0;

  /** myId: this participant, to recognise its own ballots. */
  constructor(private readonly myId: () => string) {}

  indicator(id: string): IndicatorState {
    let s = this.indicators.get(id);
    if (!s) {
      s = { status: IndicatorStatus.NOT_STARTED, statusSeq: 0, statusMs: 0, validatedVersion: 0, validatedByPoll: "", assignees: [], sources: [], score: undefined, dueDate: "", references: [], figures: [] };
      this.indicators.set(id, s);
    }
    return s;
  }

  /** The validation session that runs, if one does. */
  get runningSession(): ValidationSession | undefined {
    let found: ValidationSession | undefined;
    for (const s of this.sessions.values()) if (s.running) found = s;
    return found;
  }

  /** Each item's latest poll decides it (as the server's AssessmentState::item_status). */
  itemStatus(session: ValidationSession, item: string): ItemStatus {
    let last: PollState | undefined;
    for (const p of this.polls.values()) if (p.validationSessionId === session.id && p.validationItem === item && (!last || p.createdSeq > last.createdSeq)) last = p;
    if (last) {
      if (last.phase !== "closed") return "voting";
      const r = last.update?.results;
      if (!r || !r.closed) return "decided";
      return r.passed ? "passed" : "notPassed";
    }
    return session.skipped.has(item) ? "skipped" : "pending";
  }

  get currentMeeting(): MeetingState | undefined {
    return this.currentMeetingId ? this.meetings.get(this.currentMeetingId) : undefined;
  }

  /** The poll that is open now (the latest opened, if several are). */
  openPoll(): PollState | undefined {
    let found: PollState | undefined;
    for (const p of this.polls.values()) if (p.phase === "open") found = p;
    return found;
  }

  /** The latest record time folded (what a ballot's time is judged against). */
  get lastTimeUnixMs(): number {
    return this.lastTimeMs;
  }

  /**
   * Starts from the server's state (a JoinState) instead of the records up
   * to `state.seq`. Phases come from the records' facts (opened, closed);
   * the PollUpdates that follow every subscription bring the figures, as
   * after a catch-up. `own` has this participant's counted ballots.
   */
  load(state: ClientState, own: ClientOwnState): void {
    this.indicators.clear();
    this.polls.clear();
    this.meetings.clear();
    this.sessions.clear();
    this.currentMeetingId = "";
    // The server's, which also saw the records this client is not sent
    // (others' anonymous ballots): it is what the server judges ballots by.
    this.lastTimeMs = toNumber(state.assessmentTimeUnixMs);
    for (const ci of state.indicators) {
      const validated = ci.status === IndicatorStatus.VALIDATED;
      this.indicators.set(ci.indicatorId, {
        status: ci.status === IndicatorStatus.UNSPECIFIED ? IndicatorStatus.NOT_STARTED : ci.status,
        statusSeq: toNumber(ci.statusSeq),
        statusMs: toNumber(ci.statusAtUnixMs),
        validatedVersion: validated ? toNumber(ci.validatedVersion) : 0,
        validatedByPoll: validated ? ci.validatedByPoll : "",
        assignees: [...ci.assignees],
        sources: [...ci.sources],
        score: ci.hasScore ? ci.score : undefined,
        dueDate: ci.dueDate,
        references: [...ci.references],
        figures: [...ci.figures],
      });
    }
    const mine = new Map(own.ballots.map((b) => [b.pollId, [...b.choices]]));
    // Creation order, as folding would have added them (the server lists them by id).
    for (const cp of [...state.polls].sort((a, b) => Number(a.createdSeq - b.createdSeq))) {
      if (!cp.definition) continue;
      const closedSeq = toNumber(cp.closedSeq);
      this.polls.set(cp.pollId, {
        id: cp.pollId,
        definition: cp.definition,
        createdSeq: toNumber(cp.createdSeq),
        phase: !cp.opened ? "draft" : closedSeq !== 0 ? "closed" : "open",
        opened: cp.opened,
        closesAtUnixMs: toNumber(cp.closesAtUnixMs),
        closedSeq,
        createdMs: toNumber(cp.createdAtUnixMs),
        closedMs: closedSeq !== 0 ? toNumber(cp.closedAtUnixMs) : 0,
        closedAtClosingTime: cp.closedAtClosingTime,
        myChoices: mine.get(cp.pollId),
        update: undefined,
        validationSessionId: cp.validationSessionId,
        validationItem: cp.validationItem,
      });
    }
    for (const cv of state.validationSessions) {
      const s = cv.started;
      if (!s) continue;
      this.sessions.set(s.sessionId, {
        id: s.sessionId,
        items: [...s.items],
        rules: s.rules,
        statement: s.statement,
        startedSeq: toNumber(cv.startedSeq),
        running: cv.running,
        currentItem: cv.currentItem,
        skipped: new Set(cv.skipped),
      });
    }
    for (const cm of [...state.meetings].sort((a, b) => Number(a.startedSeq - b.startedSeq))) {
      this.meetings.set(cm.meetingId, {
        id: cm.meetingId,
        title: cm.title,
        agenda: [...cm.agenda],
        startedSeq: toNumber(cm.startedSeq),
        startedMs: toNumber(cm.startedAtUnixMs),
        running: cm.running,
        endedSeq: toNumber(cm.endedSeq),
        endedMs: toNumber(cm.endedAtUnixMs),
        spotlight: cm.running ? cm.spotlight : "",
        attendees: new Set(cm.running ? cm.attendees : []),
        marks: new Map(Object.entries(cm.marks)),
      });
      if (cm.running) this.currentMeetingId = cm.meetingId;
    }
  }

  /** Folds an issue-7 record; undefined if the record is not one. */
  fold(record: LogRecord, seq: number): AssessmentEffect | undefined {
    const at = Math.max(toNumber(record.timeUnixMs), this.lastTimeMs);
    const change = this.foldAt(record, seq, at);
    if (change) this.lastTimeMs = at;
    return change;
  }

  private foldAt(record: LogRecord, seq: number, at: number): AssessmentEffect | undefined {
    const e = record.event;
    switch (e.case) {
      case "indicatorStatusChanged": {
        const s = this.indicator(e.value.indicatorId);
        s.status = e.value.status === IndicatorStatus.UNSPECIFIED ? IndicatorStatus.NOT_STARTED : e.value.status;
        s.statusSeq = seq;
        s.statusMs = toNumber(record.timeUnixMs);
        s.validatedVersion = s.status === IndicatorStatus.VALIDATED ? toNumber(e.value.textVersion) : 0;
        s.validatedByPoll = "";
        return { kind: "indicator", indicatorId: e.value.indicatorId };
      }
      case "indicatorAssigneesSet":
        this.indicator(e.value.indicatorId).assignees = [...e.value.participantIds];
        return { kind: "indicator", indicatorId: e.value.indicatorId };
      case "indicatorSourcesSet":
        this.indicator(e.value.indicatorId).sources = [...e.value.sources];
        return { kind: "indicator", indicatorId: e.value.indicatorId };
      case "indicatorScoreSet":
        this.indicator(e.value.indicatorId).score = e.value.score;
        return { kind: "indicator", indicatorId: e.value.indicatorId };
      case "indicatorDueDateSet":
        this.indicator(e.value.indicatorId).dueDate = e.value.dueDate;
        return { kind: "indicator", indicatorId: e.value.indicatorId };
      // Evidence (issue 19). An edit or removal of one no longer there (its
      // removal was in flight when the server checked the request) changes
      // nothing, as on the server.
      case "referenceAdded": {
        const r = e.value.reference;
        if (r) this.indicator(e.value.indicatorId).references.push(r);
        return { kind: "indicator", indicatorId: e.value.indicatorId };
      }
      case "referenceEdited": {
        const r = e.value.reference;
        const s = this.indicator(e.value.indicatorId);
        if (r) s.references = s.references.map((x) => (x.referenceId === r.referenceId ? r : x));
        return { kind: "indicator", indicatorId: e.value.indicatorId };
      }
      case "referenceRemoved": {
        const s = this.indicator(e.value.indicatorId);
        s.references = s.references.filter((x) => x.referenceId !== e.value.referenceId);
        return { kind: "indicator", indicatorId: e.value.indicatorId };
      }
      case "figureAdded": {
        const f = e.value.figure;
        if (f) this.indicator(e.value.indicatorId).figures.push(f);
        return { kind: "indicator", indicatorId: e.value.indicatorId };
      }
      case "figureEdited": {
        const f = e.value.figure;
        const s = this.indicator(e.value.indicatorId);
        if (f) s.figures = s.figures.map((x) => (x.figureId === f.figureId ? f : x));
        return { kind: "indicator", indicatorId: e.value.indicatorId };
      }
      case "figureRemoved": {
        const s = this.indicator(e.value.indicatorId);
        s.figures = s.figures.filter((x) => x.figureId !== e.value.figureId);
        return { kind: "indicator", indicatorId: e.value.indicatorId };
      }
      case "scopeChanged":
        return { kind: "scope" };
      case "pollCreated": {
        const def = e.value.definition;
        if (!def) return undefined;
        this.polls.set(e.value.pollId, {
          id: e.value.pollId,
          definition: def,
          createdSeq: seq,
          phase: "draft",
          opened: false,
          closesAtUnixMs: 0,
          closedSeq: 0,
          createdMs: toNumber(record.timeUnixMs),
          closedMs: 0,
          closedAtClosingTime: false,
          myChoices: undefined,
          update: undefined,
        });
        return { kind: "poll", pollId: e.value.pollId };
      }
      case "pollOpened": {
        const p = this.polls.get(e.value.pollId);
        if (p && !p.opened) {
          p.opened = true;
          const closesAt = toNumber(p.definition.closesAtUnixMs);
          p.closesAtUnixMs = closesAt !== 0 && closesAt <= at ? at + 1 : closesAt;
          if (p.phase === "draft") p.phase = "open";
        }
        return { kind: "poll", pollId: e.value.pollId };
      }
      case "voteCast": {
        // Only one's own ballots (and, after closing, named ones) arrive;
        // they say what I chose, never the tally.
        const p = this.polls.get(e.value.pollId);
        if (p && record.author === this.myId() && this.counts(p, at)) {
          p.myChoices = [...e.value.choices];
          p.myReservation = e.value.reservation;
        }
        return { kind: "poll", pollId: e.value.pollId };
      }
      case "pollClosed": {
        const p = this.polls.get(e.value.pollId);
        if (p) {
          p.phase = "closed";
          p.closedSeq = seq;
          p.closedMs = toNumber(record.timeUnixMs);
          p.closedAtClosingTime = e.value.atClosingTime;
          this.applyValidation(p);
        }
        return { kind: "poll", pollId: e.value.pollId };
      }
      case "validationSessionStarted": {
        const v = e.value;
        this.sessions.set(v.sessionId, {
          id: v.sessionId,
          items: [...v.items],
          rules: v.rules,
          statement: v.statement,
          startedSeq: seq,
          running: true,
          currentItem: "",
          skipped: new Set(),
        });
        return { kind: "session", sessionId: v.sessionId };
      }
      case "validationItemOpened": {
        // The poll's PollCreated and PollOpened in one (as the server folds it).
        const v = e.value;
        const def = v.definition;
        const session = this.sessions.get(v.sessionId);
        if (!def || !session) return undefined;
        const closesAt = toNumber(def.closesAtUnixMs);
        this.polls.set(v.pollId, {
          id: v.pollId,
          definition: def,
          createdSeq: seq,
          phase: "open",
          opened: true,
          closesAtUnixMs: closesAt !== 0 && closesAt <= at ? at + 1 : closesAt,
          closedSeq: 0,
          createdMs: toNumber(record.timeUnixMs),
          closedMs: 0,
          closedAtClosingTime: false,
          myChoices: undefined,
          update: undefined,
          validationSessionId: v.sessionId,
          validationItem: v.item,
        });
        session.currentItem = v.item;
        session.skipped.delete(v.item);
        const m = this.currentMeeting;
        if (m?.running) m.spotlight = v.item;
        return { kind: "poll", pollId: v.pollId };
      }
      case "validationItemSkipped":
        this.sessions.get(e.value.sessionId)?.skipped.add(e.value.item);
        return { kind: "session", sessionId: e.value.sessionId };
      case "validationSessionEnded": {
        const s = this.sessions.get(e.value.sessionId);
        if (s) s.running = false;
        return { kind: "session", sessionId: e.value.sessionId };
      }
      case "meetingStarted": {
        const m: MeetingState = {
          id: e.value.meetingId,
          title: e.value.title,
          agenda: [...e.value.agendaIndicatorIds],
          startedSeq: seq,
          startedMs: toNumber(record.timeUnixMs),
          running: true,
          endedSeq: 0,
          endedMs: 0,
          spotlight: "",
          // Whoever starts a meeting is in it (as the server folds it).
          attendees: new Set(record.author ? [record.author] : []),
          marks: new Map(),
        };
        this.meetings.set(m.id, m);
        this.currentMeetingId = m.id;
        return { kind: "meeting", meetingId: m.id };
      }
      case "meetingEnded": {
        const m = this.meetings.get(e.value.meetingId);
        if (m) {
          if (m.running) {
            m.endedSeq = seq;
            m.endedMs = toNumber(record.timeUnixMs);
          }
          m.running = false;
          m.spotlight = "";
          m.attendees.clear();
        }
        if (this.currentMeetingId === e.value.meetingId) this.currentMeetingId = "";
        return { kind: "meeting", meetingId: e.value.meetingId };
      }
      case "spotlightSet": {
        // For a meeting that ended meanwhile (the server lets that race through), nothing.
        const m = this.runningMeeting(e.value.meetingId);
        if (m) m.spotlight = e.value.indicatorId;
        return { kind: "meeting", meetingId: e.value.meetingId };
      }
      case "attendanceMarked": {
        const m = this.meetings.get(e.value.meetingId);
        if (m) {
          if (e.value.mark === AttendanceMark.NONE) m.marks.delete(e.value.participantId);
          else m.marks.set(e.value.participantId, e.value.mark);
        }
        return { kind: "meeting", meetingId: e.value.meetingId };
      }
      case "attendanceChanged": {
        const m = this.runningMeeting(e.value.meetingId);
        if (m) {
          if (e.value.present) m.attendees.add(record.author);
          else m.attendees.delete(record.author);
        }
        return { kind: "meeting", meetingId: e.value.meetingId };
      }
      default:
        return undefined;
    }
  }

  /** Whether a ballot stamped `at` counts: the poll is open by its records and not past its closing time. */
  private counts(p: PollState, at: number): boolean {
    return p.opened && p.closedSeq === 0 && (p.closesAtUnixMs === 0 || at < p.closesAtUnixMs);
  }

  private runningMeeting(id: string): MeetingState | undefined {
    return this.currentMeetingId !== "" && id === this.currentMeetingId ? this.meetings.get(id) : undefined;
  }

  /**
   * The server's current figures for a poll. An older update (lower seq)
   * than the one held is ignored: updates may cross a catch-up.
   */
  applyPollUpdate(u: PollUpdate): AssessmentEffect | undefined {
    const p = this.polls.get(u.pollId);
    if (!p) return undefined;
    if (p.update && p.update.seq > u.seq) return undefined;
    p.update = u;
    if (u.closed) p.phase = "closed";
    else if (u.open && p.phase === "draft") p.phase = "open";
    this.applyValidation(p);
    return { kind: "poll", pollId: p.id };
  }

  /** The latest results the server let everyone see (undefined while hidden). */
  results(pollId: string): PollResults | undefined {
    return this.polls.get(pollId)?.update?.results;
  }

  /**
   * A validation poll that closed passed validates its indicator at the
   * version put to the vote — a consequence of the PollClosed record, and of
   * nothing else: a poll past its closing time validates nothing until the
   * server logs its close (as the server's fold has it). Whether it passed
   * comes from the server's final PollUpdate; a status set by hand after the
   * close (a later seq) wins.
   */
  private applyValidation(p: PollState): void {
    const target = p.definition.targetIndicatorId;
    const r = p.update?.results;
    if (!target || p.closedSeq === 0 || !r?.closed || !r.passed) return;
    const closedSeq = p.closedSeq;
    const s = this.indicator(target);
    if (s.statusSeq > closedSeq) return;
    s.status = IndicatorStatus.VALIDATED;
    s.statusSeq = closedSeq;
    s.statusMs = p.closedMs ?? 0;
    s.validatedVersion = toNumber(p.definition.targetVersion);
    s.validatedByPoll = p.id;
  }
}
