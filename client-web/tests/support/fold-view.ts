// The view of the shared fold vectors (tests/vectors/README.md, "The view"),
// computed from the browser's model. It must be the JSON that
// consultation/testing/fold_view.cc computes from the server's fold, field
// for field: the vectors hold the C++ side's answer, and the TypeScript
// runner compares this against it.

import { IndicatorStatus } from "../../src/gen/kenes/v1/assessment_pb";
import { DigestPeriod } from "../../src/gen/kenes/v1/discussion_pb";
import type { ConsultationState } from "../../src/model";
import type { IndicatorState } from "../../src/model/assessment";
import type { CommentState, ThreadState } from "../../src/model/discussion";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** By the strings' code units, as C++ sorts std::string keys (ids are ASCII). */
function byId<T extends { id: string }>(items: Iterable<T>): T[] {
  return [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function sorted(ids: Iterable<string>): string[] {
  return [...ids].sort();
}

function commentView(c: CommentState): Json {
  const hidden = c.hiddenReason !== null;
  // A deleted or hidden comment shows nothing of what it said, whatever an
  // edit racing the delete left in the model.
  const gone = c.deleted || hidden;
  return {
    id: c.id,
    author: c.author,
    body: gone ? "" : c.body,
    mentions: gone ? [] : [...c.mentions],
    edits: c.edits,
    deleted: c.deleted,
    hidden,
    hiddenReason: hidden ? c.hiddenReason : "",
    plusOnes: sorted(c.plusOnes),
  };
}

function threadView(state: ConsultationState, t: ThreadState): Json {
  const s = t.suggestion;
  return {
    id: t.id,
    indicatorId: t.indicatorId,
    docId: t.docId,
    author: t.author,
    createdSeq: t.createdSeq,
    quote: t.quote,
    anchor: t.anchor ? { from: t.anchor.from, to: t.anchor.to, attached: t.anchor.attached, changed: t.anchor.changed } : null,
    resolved: t.resolved,
    suggestion: s
      ? { text: s.text, status: s.status, decidedBy: s.status === "open" ? "" : s.decidedBy, reason: s.status === "rejected" ? s.reason : "" }
      : null,
    comments: t.comments.map(commentView),
    unread: state.discussion.unread(t.id),
  };
}

function atDefaults(s: IndicatorState): boolean {
  return (
    s.status === IndicatorStatus.NOT_STARTED &&
    s.assignees.length === 0 &&
    s.sources.length === 0 &&
    s.score === undefined &&
    s.dueDate === "" &&
    s.references.length === 0 &&
    s.figures.length === 0
  );
}

/**
 * What `state` (folded as state.myId's client folds) shows, in the vectors'
 * shape. `headSeq` is the head the final CatchUp named (CatchUp.head_seq):
 * the C++ view's `seq` is the consultation's head, which a client whose last
 * records were withheld (another's read marker, say) learns from that frame,
 * not from any record it folds.
 */
export function foldView(state: ConsultationState, headSeq: number): Json {
  const a = state.assessment;
  const d = state.discussion;
  const readUpTo: { [threadId: string]: Json } = {};
  for (const t of byId(d.threads.values())) {
    const read = d.readUpTo.get(t.id) ?? 0;
    if (read) readUpTo[t.id] = read;
  }
  return {
    seq: Math.max(state.lastSeq, headSeq),
    title: state.title,
    scope: state.scope,
    // In framework order, as the record lists them (and the C++ view).
    scopeSelected: [...state.scopeSelected],
    participants: byId(state.participants.values()).map((p) => ({
      id: p.id,
      displayName: p.displayName,
      role: p.role,
      stakeholderGroup: p.stakeholderGroup,
      revoked: p.revoked,
      joined: p.joined,
      invitedBy: p.invitedBy,
      registrationId: p.registrationId,
    })),
    registrations: byId(state.registrations.values()).map((r) => ({
      id: r.id,
      role: r.role,
      expiresUnixMs: String(r.expiresUnixMs),
      cap: r.cap,
      label: r.label,
      closed: r.closed,
      registered: r.registered,
    })),
    chairIsBoardMember: state.chairIsBoardMember,
    documents: [...state.allDocs()]
      .filter((doc) => doc.version > 0 || doc.confirmedLength > 0)
      .map((doc) => ({ id: doc.docId, version: doc.version, text: doc.confirmedText }))
      .sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0)),
    indicators: byId([...a.indicators].map(([id, s]) => ({ id, s })))
      .filter(({ s }) => !atDefaults(s))
      .map(({ id, s }) => {
        const validated = s.status === IndicatorStatus.VALIDATED;
        return {
          id,
          status: s.status,
          validatedVersion: validated ? s.validatedVersion : 0,
          validatedByPoll: validated ? s.validatedByPoll : "",
          assignees: [...s.assignees],
          sources: [...s.sources],
          score: s.score ?? null,
          dueDate: s.dueDate,
          references: s.references.map((r) => ({
            id: r.referenceId,
            authors: [...r.authors],
            title: r.title,
            year: r.year,
            publisher: r.publisher,
            link: r.link,
            accessed: r.accessed,
          })),
          figures: s.figures.map((f) => ({
            id: f.figureId,
            label: f.label,
            value: f.value,
            unit: f.unit,
            year: f.year,
            sourceReferenceId: f.sourceReferenceId,
            sourceText: f.sourceText,
            breakdown: f.breakdown.map((row) => [row.label, row.value]),
            note: f.note,
          })),
        };
      }),
    polls: byId(a.polls.values()).map((p) => ({
      id: p.id,
      phase: p.phase,
      closedAtClosingTime: p.closedAtClosingTime,
      myChoices: p.myChoices ? [...p.myChoices] : null,
      validationItem: p.validationItem ?? "",
    })),
    validationSessions: [...a.sessions.values()].map((v) => ({
      id: v.id,
      items: [...v.items],
      statement: v.statement,
      running: v.running,
      currentItem: v.currentItem,
      skipped: [...v.skipped].sort(),
    })),
    meetings: [...a.meetings.values()]
      .sort((x, y) => x.startedSeq - y.startedSeq)
      .map((m) => ({
        id: m.id,
        title: m.title,
        agenda: [...m.agenda],
        running: m.running,
        marks: Object.fromEntries([...m.marks].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
        spotlight: m.running ? m.spotlight : "",
        attendees: m.running ? sorted(m.attendees) : [],
      })),
    currentMeeting: a.currentMeetingId,
    observersMayComment: d.observerCommenting,
    threads: byId(d.threads.values()).map((t) => threadView(state, t)),
    readUpTo,
    visits: [...d.visits],
    notifications: {
      email: state.notifications.email,
      period: state.notifications.period === DigestPeriod.UNSPECIFIED ? DigestPeriod.OFF : state.notifications.period,
    },
  };
}

/** The first place two JSON values differ, as a path ("$.threads[3].unread: 1 vs 0"), or "" if none. */
export function firstDifference(actual: unknown, expected: unknown, path = "$"): string {
  const show = (v: unknown) => JSON.stringify(v) ?? String(v);
  const kind = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);
  if (kind(actual) !== kind(expected)) return `${path}: ${show(actual)} vs ${show(expected)}`;
  if (Array.isArray(actual) && Array.isArray(expected)) {
    for (let i = 0; i < Math.min(actual.length, expected.length); i++) {
      const d = firstDifference(actual[i], expected[i], `${path}[${i}]`);
      if (d) return d;
    }
    return actual.length === expected.length ? "" : `${path}: ${actual.length} vs ${expected.length} entries`;
  }
  if (kind(actual) === "object") {
    const x = actual as Record<string, unknown>;
    const y = expected as Record<string, unknown>;
    for (const k of Object.keys(y)) {
      if (!(k in x)) return `${path}.${k}: missing from the model's view`;
      const d = firstDifference(x[k], y[k], `${path}.${k}`);
      if (d) return d;
    }
    for (const k of Object.keys(x)) if (!(k in y)) return `${path}.${k}: not in the vector`;
    return "";
  }
  return Object.is(actual, expected) ? "" : `${path}: ${show(actual)} vs ${show(expected)}`;
}
