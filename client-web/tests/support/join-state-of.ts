// The fake server's JoinState (proto/kenes/v1/state.proto): what a joiner
// would hold after folding the records it may receive. The real server makes
// it from its own fold (consultation/client_state.cc); the fake, which has
// no fold of its own, folds the records through the browser's model and
// writes that out. So it can only rehearse the session's side of joining by
// state — whether the model loads a JoinState as the server means it is
// checked against the C++ fold, by the shared fold vectors.

import { create } from "@bufbuild/protobuf";
import { Scope } from "../../src/gen/kenes/v1/framework_pb";
import type { LogRecord } from "../../src/gen/kenes/v1/log_pb";
import type { AnchoredRange } from "../../src/core";
import { type JoinState, JoinStateSchema } from "../../src/gen/kenes/v1/state_pb";
import { ConsultationState, toNumber } from "../../src/model";

const DAY_MS = 86_400_000;

/** Runs of consecutive edits of one document by one author within one UTC day (consultation_state.h, "Edit runs"). */
export function editRuns(log: readonly LogRecord[]): Map<string, { author: string; firstSeq: bigint; lastSeq: bigint; edits: bigint; day: bigint }[]> {
  const out = new Map<string, { author: string; firstSeq: bigint; lastSeq: bigint; edits: bigint; day: bigint }[]>();
  for (const r of log) {
    if (r.event.case !== "textEdit") continue;
    const day = BigInt(Math.floor(toNumber(r.timeUnixMs) / DAY_MS));
    let runs = out.get(r.event.value.docId);
    if (!runs) out.set(r.event.value.docId, (runs = []));
    const last = runs[runs.length - 1];
    if (last && last.author === r.author && last.day === day) {
      last.lastSeq = r.seq;
      last.edits++;
    } else {
      runs.push({ author: r.author, firstSeq: r.seq, lastSeq: r.seq, edits: 1n, day });
    }
  }
  return out;
}

export function anchorSnapshot(threadId: string, a: AnchoredRange) {
  const q = a.quote;
  return {
    threadId,
    from: BigInt(a.from),
    to: BigInt(a.to),
    changed: a.changed,
    detached: !a.attached,
    quoteText: q?.text ?? "",
    quoteBefore: q?.before ?? "",
    quoteAfter: q?.after ?? "",
  };
}

/**
 * The JoinState for `viewer` at `headSeq`, from `log`: the records the
 * viewer may receive (private and withheld ones already left out).
 */
export function joinStateOf(log: readonly LogRecord[], viewer: string, headSeq: number): JoinState {
  const st = new ConsultationState("fake-server");
  st.myId = viewer;
  for (const r of log) st.fold(r);
  st.pendingEffects.length = 0;
  const a = st.assessment;
  const d = st.discussion;
  const runs = editRuns(log);
  const created = log.find((r) => r.event.case === "consultationCreated");
  let scopeOverride = Scope.UNSPECIFIED;
  let scopeOverrideSelected: string[] = [];
  for (const r of log) {
    if (r.event.case !== "scopeChanged") continue;
    scopeOverride = r.event.value.scope;
    scopeOverrideSelected = [...r.event.value.selectedIndicatorIds];
  }
  const targets = new Map(log.flatMap((r) => (r.event.case === "threadCreated" ? [[r.event.value.threadId, r.event.value.target] as const] : [])));
  return create(JoinStateSchema, {
    state: {
      seq: BigInt(headSeq),
      assessmentTimeUnixMs: BigInt(a.lastTimeUnixMs),
      created: created?.event.case === "consultationCreated" ? created.event.value : undefined,
      scopeOverride,
      scopeOverrideSelected,
      participants: [...st.participants.values()].map((p) => ({
        participantId: p.id,
        displayName: p.displayName,
        role: p.role,
        stakeholderGroup: p.stakeholderGroup,
        gender: p.gender,
        revoked: p.revoked,
        profiled: p.profiled,
        joined: p.joined,
        invitedBy: p.invitedBy,
        registrationId: p.registrationId,
      })),
      registrations: [...st.registrations.values()].map((r) => ({
        opened: {
          registrationId: r.id,
          role: r.role,
          expiresUnixMs: BigInt(r.expiresUnixMs),
          cap: r.cap,
          label: r.label,
        },
        closed: r.closed,
        registered: r.registered,
      })),
      chairIsBoardMember: st.chairIsBoardMember,
      documents: [...st.allDocs()].map((doc) => ({
        docId: doc.docId,
        version: BigInt(doc.version),
        length: BigInt(doc.confirmedLength),
        runs: runs.get(doc.docId) ?? [],
      })),
      indicators: [...a.indicators].map(([id, s]) => ({
        indicatorId: id,
        status: s.status,
        statusSeq: BigInt(s.statusSeq),
        validatedVersion: BigInt(s.validatedVersion),
        validatedByPoll: s.validatedByPoll,
        assignees: s.assignees,
        sources: s.sources,
        hasScore: s.score !== undefined,
        score: s.score ?? 0,
      })),
      polls: [...a.polls.values()].map((p) => ({
        pollId: p.id,
        definition: p.definition,
        createdSeq: BigInt(p.createdSeq),
        opened: p.opened,
        closesAtUnixMs: BigInt(p.closesAtUnixMs),
        closedSeq: BigInt(p.closedSeq),
        closedAtClosingTime: p.closedAtClosingTime,
        validationSessionId: p.validationSessionId ?? "",
        validationItem: p.validationItem ?? "",
      })),
      validationSessions: [...a.sessions.values()].map((v) => ({
        started: { sessionId: v.id, items: [...v.items], rules: v.rules, statement: v.statement },
        startedSeq: BigInt(v.startedSeq),
        running: v.running,
        currentItem: v.currentItem,
        skipped: [...v.skipped].sort(),
      })),
      meetings: [...a.meetings.values()].map((m) => ({
        meetingId: m.id,
        title: m.title,
        agenda: [...m.agenda],
        startedSeq: BigInt(m.startedSeq),
        running: m.running,
        spotlight: m.spotlight,
        attendees: [...m.attendees].sort(),
        marks: Object.fromEntries(m.marks),
      })),
      observersMayComment: d.observerCommenting,
      threads: [...d.threads.values()].map((t) => ({
        threadId: t.id,
        target: targets.get(t.id),
        author: t.author,
        createdSeq: BigInt(t.createdSeq),
        quote: t.quote,
        anchor: t.anchor ? anchorSnapshot(t.id, t.anchor) : undefined,
        resolved: t.resolved,
        suggestion: t.suggestion
          ? { text: t.suggestion.text, status: t.suggestion.status, decidedBy: t.suggestion.decidedBy, decidedSeq: BigInt(t.suggestion.decidedSeq), reason: t.suggestion.reason }
          : undefined,
        lastSeq: BigInt(t.lastSeq),
        comments: t.comments.map((c) => ({
          commentId: c.id,
          author: c.author,
          seq: BigInt(c.seq),
          timeUnixMs: BigInt(c.timeMs),
          body: c.deleted || c.hiddenReason !== null ? "" : c.body,
          mentions: c.deleted || c.hiddenReason !== null ? [] : c.mentions,
          edits: c.edits,
          deleted: c.deleted,
          hidden: c.hiddenReason !== null,
          hiddenReason: c.hiddenReason ?? "",
          plusOnes: [...c.plusOnes].sort(),
        })),
      })),
    },
    own: {
      reads: [...d.readUpTo].map(([threadId, upTo]) => ({ threadId, upToSeq: BigInt(upTo) })),
      visits: d.visits.map(BigInt),
      email: st.notifications.email,
      period: st.notifications.period,
      lastDigestUnixMs: BigInt(st.notifications.lastDigestUnixMs),
      lastDigestItems: st.notifications.lastDigestItems,
      ballots: [...a.polls.values()].flatMap((p) => (p.myChoices ? [{ pollId: p.id, choices: p.myChoices }] : [])),
    },
  });
}
