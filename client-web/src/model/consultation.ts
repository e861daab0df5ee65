// The consultation as a pure function of its log: fold LogRecords in seq order
// and read title, framework, roster and documents from the result. Nothing
// here talks to the network; src/net/ feeds records in.
//
// Or, joining by state (issue 16), start from what the server folded up to a
// seq (loadJoinState: a JoinState) and fold the records after it. The drafts'
// texts are not in it: a document is then known by version and length until
// loadDocument() gives it its text (a DocumentText), and the state must equal
// the one folding every record gives (tests/vectors/README.md, "Fold vectors").

import { DocClient, type ReceiveResult } from "../core";
import type { Framework, Indicator } from "../gen/kenes/v1/framework_pb";
import { Scope } from "../gen/kenes/v1/framework_pb";
import { DigestPeriod } from "../gen/kenes/v1/discussion_pb";
import { type LogRecord, type ParticipantInvited, StakeholderGroup } from "../gen/kenes/v1/log_pb";
import { type DocumentText, Role } from "../gen/kenes/v1/protocol_pb";
import type { JoinState } from "../gen/kenes/v1/state_pb";
import { type AssessmentEffect, AssessmentState, IndicatorStatus } from "./assessment";
import { type DiscussionEffect, DiscussionState } from "./discussion";
import { EditTimeline } from "./edit-sessions";
import { textOpFromWire, toNumber } from "./wire-convert";

export { DigestPeriod, Role, Scope, StakeholderGroup };

/** This participant's e-mail digest, from their own (private) records 77-78. */
export interface NotificationSettings {
  email: string;
  period: DigestPeriod;
  /** The latest digest mailed: when, and how many comments it listed. */
  lastDigestUnixMs: number;
  lastDigestItems: number;
}

export interface Participant {
  readonly id: string;
  displayName: string;
  role: Role;
  stakeholderGroup: StakeholderGroup;
  gender: string;
  /** Has described themself (a ProfileUpdated record exists), or whoever invited them gave their group. */
  profiled: boolean;
  revoked: boolean;
  /** Has connected at least once (false: invited by the chair, not yet come). */
  joined: boolean;
  /** The chair who invited them from the app; "" if they came on their own link. */
  invitedBy: string;
  /** The registration link a walk-in came through, or "". */
  registrationId: string;
}

/** A registration link for a workshop's walk-ins (issue 18). */
export interface Registration {
  readonly id: string;
  role: Role;
  expiresUnixMs: number;
  cap: number;
  label: string;
  closed: boolean;
  /** How many have registered through it. */
  registered: number;
}

/** What folding one record changed, for the views to refresh. */
export type FoldEffect =
  | { readonly kind: "ignored" }
  | { readonly kind: "created" }
  | { readonly kind: "roster"; readonly participantId: string }
  | { readonly kind: "text"; readonly docId: string; readonly result: ReceiveResult }
  | { readonly kind: "assessment"; readonly change: AssessmentEffect }
  | { readonly kind: "discussion"; readonly change: DiscussionEffect }
  | { readonly kind: "notifications" };

/** The document id of an indicator's draft. */
export function indicatorDocId(indicatorId: string): string {
  return `indicator/${indicatorId}`;
}

/**
 * The stakeholder groups' slugs in recommendation document ids, in the
 * StakeholderGroup enum's order (index + 1 is the enum value) — the order the
 * report lists them. Must match the server's stakeholder_group_slug()
 * (replay/report/): the report reads the documents by these ids.
 */
export const RECOMMENDATION_GROUP_SLUGS = [
  "government",
  "academia",
  "technical-community",
  "private-sector",
  "media",
  "civil-society",
  "users",
  "un-intergovernmental",
  "national-igf",
  "other",
] as const;
export type RecommendationGroupSlug = (typeof RECOMMENDATION_GROUP_SLUGS)[number];

/** The StakeholderGroup enum value of a slug, or 0 when it is none of them. */
export function groupOfSlug(slug: string): number {
  return RECOMMENDATION_GROUP_SLUGS.indexOf(slug as RecommendationGroupSlug) + 1;
}

/** The document id of a category's policy recommendations to one stakeholder group. */
export function recommendationDocId(categoryId: string, group: RecommendationGroupSlug): string {
  return `recommendation/${categoryId}/${group}`;
}

/** Roles that may edit drafts (the server checks too; this only shapes the UI). */
export function canEditDrafts(role: Role): boolean {
  return role === Role.CHAIR || role === Role.RESEARCHER;
}

export class ConsultationState {
  lastSeq = 0;
  id = "";
  title = "";
  framework: Framework | undefined;
  /** The scope in force: the latest ScopeChanged, else the one created with. */
  scope: Scope = Scope.UNSPECIFIED;
  /**
   * With Scope.CORE_PLUS_SELECTED, the indicators besides the core ones
   * (issue 19), from the same record as `scope`; otherwise empty.
   */
  scopeSelected: ReadonlySet<string> = new Set();
  private createdScope: Scope = Scope.UNSPECIFIED;
  private createdSelected: readonly string[] = [];
  private scopeOverride: Scope = Scope.UNSPECIFIED;
  private overrideSelected: readonly string[] = [];
  readonly participants = new Map<string, Participant>();
  readonly registrations = new Map<string, Registration>();
  /** Whether the chair counts in the board's balance (BoardSettingsSet). */
  chairIsBoardMember = false;
  private readonly docs = new Map<string, DocClient>();
  /** This participant (from Welcome), to recognise its own ballots. */
  myId = "";
  readonly assessment = new AssessmentState(() => this.myId);
  readonly discussion = new DiscussionState(() => this.myId);
  /** Who edited each draft when (edit-sessions.ts): the history's editing sessions and "changed since validation". */
  readonly timeline = new EditTimeline();

  /**
   * Effects a record had besides its main one (an accepted suggestion's
   * TextEdit also settles the suggestion); the session takes them after fold().
   */
  readonly pendingEffects: FoldEffect[] = [];
  /** Never set: OFF, no address. The server sends these records only to their owner. */
  readonly notifications: NotificationSettings = { email: "", period: DigestPeriod.OFF, lastDigestUnixMs: 0, lastDigestItems: 0 };

  /** clientId: this browser's id, to recognise its own records. */
  constructor(readonly clientId: string) {}

  /** The document, created empty at version 0 on first use. */
  doc(docId: string): DocClient {
    let d = this.docs.get(docId);
    if (!d) {
      d = new DocClient(docId, this.clientId);
      this.docs.set(docId, d);
    }
    return d;
  }

  hasDoc(docId: string): boolean {
    return this.docs.has(docId);
  }

  allDocs(): IterableIterator<DocClient> {
    return this.docs.values();
  }

  /**
   * Folds one record. Records at or below lastSeq were folded already (a
   * resume may repeat them) and are ignored.
   */
  fold(record: LogRecord): FoldEffect {
    const seq = toNumber(record.seq);
    if (seq !== 0 && seq <= this.lastSeq) return { kind: "ignored" };
    if (seq !== 0) this.lastSeq = seq;
    const e = record.event;
    switch (e.case) {
      case "consultationCreated":
        this.id = e.value.consultationId;
        this.title = e.value.title;
        this.framework = e.value.framework;
        this.createdScope = e.value.scope;
        this.createdSelected = [...e.value.selectedIndicatorIds];
        this.settleScope();
        return { kind: "created" };
      case "participantInvited":
        this.invited(e.value, record.author);
        return { kind: "roster", participantId: e.value.participantId };
      case "participantsImported":
        for (const inv of e.value.people) this.invited(inv, record.author);
        return { kind: "roster", participantId: e.value.people[0]?.participantId ?? "" };
      case "participantJoined":
        this.participant(record.author).joined = true;
        return { kind: "roster", participantId: record.author };
      case "inviteLinkReissued":
        // Only the server checks link generations; the roster shows the record's time.
        this.participant(e.value.participantId);
        return { kind: "roster", participantId: e.value.participantId };
      case "registrationOpened": {
        const r = this.registration(e.value.registrationId);
        r.role = e.value.role as Role;
        r.expiresUnixMs = toNumber(e.value.expiresUnixMs);
        r.cap = e.value.cap;
        r.label = e.value.label;
        return { kind: "roster", participantId: "" };
      }
      case "registrationClosed":
        this.registration(e.value.registrationId).closed = true;
        return { kind: "roster", participantId: "" };
      case "boardSettingsSet":
        this.chairIsBoardMember = e.value.chairIsBoardMember;
        return { kind: "roster", participantId: "" };
      case "participantRevoked": {
        const p = this.participant(e.value.participantId);
        p.revoked = true;
        return { kind: "roster", participantId: p.id };
      }
      case "profileUpdated": {
        const p = this.participant(record.author);
        if (e.value.displayName) p.displayName = e.value.displayName;
        p.stakeholderGroup = e.value.stakeholderGroup;
        p.gender = e.value.gender;
        p.profiled = true;
        return { kind: "roster", participantId: p.id };
      }
      case "textEdit": {
        const docId = e.value.docId;
        const doc = this.doc(docId);
        const op = textOpFromWire(e.value.op);
        const version = toNumber(e.value.version);
        // Anchors move through the edit before the document applies it (a
        // detaching edit reads the text it removes); a repeated record moves nothing.
        const thread =
          version === doc.version + 1
            ? this.discussion.textEdit(
                docId,
                op,
                doc.confirmedLength,
                () => doc.confirmedText,
                seq,
                record.author,
                e.value.acceptsSuggestionOfThread,
                doc.loaded,
              )
            : null;
        if (version === doc.version + 1) this.timeline.edit(docId, version, seq, record.author, e.value.coAuthors, toNumber(record.timeUnixMs));
        else this.timeline.learnTime(docId, version, toNumber(record.timeUnixMs));
        const result = doc.receive({
          version,
          op,
          clientId: record.clientId,
          clientSeq: toNumber(record.clientSeq),
        });
        if (thread) this.pendingEffects.push({ kind: "discussion", change: thread });
        return { kind: "text", docId, result };
      }
      case "notificationSettingsSet":
        if (record.author === this.myId) {
          this.notifications.email = e.value.email;
          this.notifications.period = e.value.period === DigestPeriod.UNSPECIFIED ? DigestPeriod.OFF : e.value.period;
        }
        return { kind: "notifications" };
      case "digestSent":
        if (e.value.participantId === this.myId) {
          this.notifications.lastDigestUnixMs = toNumber(record.timeUnixMs);
          this.notifications.lastDigestItems = e.value.items;
        }
        return { kind: "notifications" };
      case "scopeChanged": {
        // UNSPECIFIED withdraws the change: the scope created with applies again.
        this.scopeOverride = e.value.scope;
        this.overrideSelected = [...e.value.selectedIndicatorIds];
        this.settleScope();
        // An assessment record too: its time counts towards the latest the
        // assessment has seen, which judges whether a ballot came too late.
        return { kind: "assessment", change: this.assessment.fold(record, seq) ?? { kind: "scope" } };
      }
      default: {
        const d = this.discussion.fold(record, seq, (id) => this.doc(id).confirmedLength);
        if (d) return { kind: "discussion", change: d };
        const change = this.assessment.fold(record, seq);
        // Otherwise a record kind from a newer server: skip it, keep folding.
        return change ? { kind: "assessment", change } : { kind: "ignored" };
      }
    }
  }

  /**
   * Replaces everything folded so far with the server's state at
   * `join.state.seq` (a JoinState); records after it are folded as usual. A
   * document this client holds at the state's version keeps its text (it is
   * the text at that version); any other is known by version and length only
   * until loadDocument(). The caller makes sure no document has unsent work:
   * it could not be rebased without the records in between. With
   * `keepTexts: false` (a start over: the page's history cannot be trusted)
   * no text is kept.
   */
  loadJoinState(join: JoinState, opts: { keepTexts?: boolean } = {}): void {
    const keepTexts = opts.keepTexts ?? true;
    const st = join.state;
    const own = join.own;
    if (!st || !own) throw new Error("a JoinState without its state");
    this.lastSeq = toNumber(st.seq);
    const created = st.created;
    this.id = created?.consultationId ?? "";
    this.title = created?.title ?? "";
    this.framework = created?.framework;
    this.createdScope = created?.scope ?? Scope.UNSPECIFIED;
    this.createdSelected = [...(created?.selectedIndicatorIds ?? [])];
    this.scopeOverride = st.scopeOverride;
    this.overrideSelected = [...st.scopeOverrideSelected];
    this.settleScope();

    this.participants.clear();
    for (const cp of st.participants) {
      this.participants.set(cp.participantId, {
        id: cp.participantId,
        displayName: cp.displayName,
        role: cp.role as Role,
        stakeholderGroup: cp.stakeholderGroup,
        gender: cp.gender,
        profiled: cp.profiled,
        revoked: cp.revoked,
        joined: cp.joined,
        invitedBy: cp.invitedBy,
        registrationId: cp.registrationId,
      });
    }
    this.registrations.clear();
    for (const cr of st.registrations) {
      const o = cr.opened;
      if (!o) continue;
      this.registrations.set(o.registrationId, {
        id: o.registrationId,
        role: o.role as Role,
        expiresUnixMs: toNumber(o.expiresUnixMs),
        cap: o.cap,
        label: o.label,
        closed: cr.closed,
        registered: cr.registered,
      });
    }
    this.chairIsBoardMember = st.chairIsBoardMember;

    const held = new Map(this.docs);
    this.docs.clear();
    for (const cd of st.documents) {
      const version = toNumber(cd.version);
      const mine = held.get(cd.docId);
      if (keepTexts && mine && mine.loaded && mine.version === version && mine.unsentCount === 0 && !mine.restoring) this.docs.set(cd.docId, mine);
      else this.docs.set(cd.docId, DocClient.notLoaded(cd.docId, this.clientId, version, toNumber(cd.length)));
    }

    this.assessment.load(st, own);
    this.discussion.load(st, own);
    this.timeline.load(st.documents);
    this.notifications.email = own.email;
    this.notifications.period = own.period === DigestPeriod.UNSPECIFIED ? DigestPeriod.OFF : own.period;
    this.notifications.lastDigestUnixMs = toNumber(own.lastDigestUnixMs);
    this.notifications.lastDigestItems = own.lastDigestItems;
    this.pendingEffects.length = 0;
  }

  /**
   * A draft's text (DocumentText, the answer to OpenDocument) at the version
   * this client's stream has reached: the document gets its text and its
   * threads the server's anchors there. Returns false, changing nothing, for
   * a document already loaded or a text of another version.
   */
  loadDocument(dt: DocumentText): boolean {
    if (!this.doc(dt.docId).load(toNumber(dt.version), dt.text)) return false;
    this.discussion.loadAnchors(dt.docId, dt.anchors);
    return true;
  }

  /**
   * An Ack of this client's in-flight op of `docId`: the server applied it
   * as the record `seq` (which is not sent back to its author). Anchors move
   * through it as through any TextEdit, then the document folds it. Returns
   * false, changing nothing, when the ack does not settle the in-flight op now
   * (the record itself will, in a later catch-up).
   */
  ackEdit(docId: string, clientSeq: number, version: number, seq: number): boolean {
    const doc = this.doc(docId);
    const f = doc.inFlight;
    if (!f || f.clientSeq !== clientSeq || version !== doc.version + 1) return false;
    this.discussion.textEdit(docId, f.op, doc.confirmedLength, () => doc.confirmedText, seq, this.myId, "");
    // An Ack carries no time: the history learns it from the server when asked.
    this.timeline.edit(docId, version, seq, this.myId, [], 0);
    return doc.ack(clientSeq, version);
  }

  /** Indicators in the consultation's scope, in framework order. */
  indicators(): Indicator[] {
    const out: Indicator[] = [];
    for (const c of this.framework?.categories ?? [])
      for (const t of c.themes)
        for (const q of t.questions) for (const i of q.indicators) if (this.inScope(i)) out.push(i);
    return out;
  }

  /**
   * Whether the scope in force covers the indicator, as the server's
   * ConsultationState::in_scope decides: every one (ALL), the core ones
   * (CORE), or those and the selected (CORE_PLUS_SELECTED).
   */
  inScope(i: Indicator): boolean {
    switch (this.scope) {
      case Scope.CORE:
        return i.core;
      case Scope.CORE_PLUS_SELECTED:
        return i.core || this.scopeSelected.has(i.id);
      default:
        return true;
    }
  }

  /** `scope` and `scopeSelected` from the latest ScopeChanged, else from the creation. */
  private settleScope(): void {
    const overridden = this.scopeOverride !== Scope.UNSPECIFIED;
    this.scope = overridden ? this.scopeOverride : this.createdScope;
    this.scopeSelected = new Set(this.scope === Scope.CORE_PLUS_SELECTED ? (overridden ? this.overrideSelected : this.createdSelected) : []);
  }

  findIndicator(id: string): Indicator | undefined {
    return this.indicators().find((i) => i.id === id);
  }

  /** What the overview shows for one indicator; fields the log lacks stay undefined. */
  indicatorSummary(i: Indicator): IndicatorSummary {
    const doc = this.docs.get(indicatorDocId(i.id));
    const a = this.assessment.indicators.get(i.id);
    const threads = this.discussion.summary(i.id);
    return {
      id: i.id,
      title: i.title,
      core: i.core,
      draftStarted: (doc?.version ?? 0) > 0 || (doc?.length ?? 0) > 0,
      draftVersion: doc?.version ?? 0,
      status: a?.status ?? IndicatorStatus.NOT_STARTED,
      assignees: a?.assignees.length ? a.assignees.map((id) => this.participants.get(id)?.displayName || id) : undefined,
      openThreads: threads.open,
      unreadComments: threads.unread,
      changedSinceValidation: this.changedSinceValidation(i.id),
      dueDate: a?.dueDate ?? "",
    };
  }

  /**
   * The draft moved past the version that was validated (assessment.proto:
   * clients compare the two).
   */
  changedSinceValidation(indicatorId: string): boolean {
    const a = this.assessment.indicators.get(indicatorId);
    if (!a || a.status !== IndicatorStatus.VALIDATED) return false;
    return (this.docs.get(indicatorDocId(indicatorId))?.version ?? 0) > a.validatedVersion;
  }

  private participant(id: string): Participant {
    let p = this.participants.get(id);
    if (!p) {
      p = {
        id,
        displayName: "",
        role: Role.UNSPECIFIED,
        stakeholderGroup: StakeholderGroup.UNSPECIFIED,
        gender: "",
        profiled: false,
        revoked: false,
        joined: false,
        invitedBy: "",
        registrationId: "",
      };
      this.participants.set(id, p);
    }
    return p;
  }

  /** As the server folds ParticipantInvited (consultation_state.cc, apply_invited). */
  private invited(inv: ParticipantInvited, author: string): void {
    const first = !this.participants.has(inv.participantId);
    const p = this.participant(inv.participantId);
    // A name the person chose (or an earlier invite's) stays, and an invite
    // does not undo a revocation.
    if (!p.displayName) p.displayName = inv.displayName;
    p.role = inv.role as Role;
    if (!first) return;
    // Who arrives on their own (their own link, a registration) is their own
    // author and has joined; whom the chair invites has not yet.
    p.joined = author === inv.participantId;
    if (!p.joined) p.invitedBy = author;
    p.registrationId = inv.registrationId;
    if (inv.registrationId) {
      const r = this.registrations.get(inv.registrationId);
      if (r) r.registered += 1;
    }
    if (inv.stakeholderGroup !== StakeholderGroup.UNSPECIFIED) {
      p.stakeholderGroup = inv.stakeholderGroup;
      p.gender = inv.gender;
      p.profiled = true;
    }
  }

  private registration(id: string): Registration {
    let r = this.registrations.get(id);
    if (!r) {
      r = { id, role: Role.UNSPECIFIED, expiresUnixMs: 0, cap: 0, label: "", closed: false, registered: 0 };
      this.registrations.set(id, r);
    }
    return r;
  }
}

export interface IndicatorSummary {
  readonly id: string;
  readonly title: string;
  readonly core: boolean;
  readonly draftStarted: boolean;
  readonly draftVersion: number;
  readonly status: IndicatorStatus | undefined;
  readonly assignees: readonly string[] | undefined;
  readonly openThreads: number | undefined;
  /** Comments by others in this indicator's threads after my read markers. */
  readonly unreadComments: number;
  readonly changedSinceValidation: boolean;
  /** "YYYY-MM-DD" the chair set, "" when none. */
  readonly dueDate: string;
}
