// The indicator's assessment, beside its draft: status and the workflow
// steps the person's role allows (the server's rule, mirrored), "changed since
// validation", assignees, data sources and score (editable by who may), the
// chair's spotlight button, and the polls on this indicator. Each part is
// redrawn on refresh unless the focus is inside it, so a vote arriving
// never wipes what someone is typing.
import { IndicatorStatus, PollKind } from "../gen/kenes/v1/assessment_pb";
import { Role } from "../gen/kenes/v1/protocol_pb";
import { formatDateTime, isoMoment, language, t } from "../i18n";
import {
  type IndicatorState,
  type PollState,
  allowedStatusTargets,
  changedWords,
  groupSessions,
  indicatorDocId,
  meetingAt,
  piecesAfter,
  validationWords,
} from "../model";
import { h, replaceChildren } from "./dom";
import { EvidencePanel } from "./evidence-panel";
import { dayLabel, personName, statusName } from "./labels";
import { personById, personEl } from "./person";
import { renderPollResults } from "./poll-chart";
import { createPollForm, voteForm } from "./poll-forms";
import type { ViewContext } from "./view";

function focusInside(el: Element): boolean {
  return el.contains(document.activeElement);
}

export function canVote(role: Role, poll: PollState): boolean {
  return poll.definition.eligibleRoles.includes(role);
}

/** The viewer may still vote in this open poll: the ballot comes first and the results wait for it. */
export function beforeMyVote(role: Role, poll: PollState): boolean {
  return poll.phase === "open" && canVote(role, poll) && !poll.myChoices;
}

/**
 * When the poll closes by itself: the time fixed at the open (the
 * definition's until then), and for a poll its closing time closed, when.
 */
function closingTime(poll: PollState): HTMLElement | null {
  const at = poll.opened ? poll.closesAtUnixMs : Number(poll.definition.closesAtUnixMs);
  if (!at) return null;
  if (poll.phase === "closed") return poll.closedAtClosingTime ? h("p", { class: "muted poll-closes" }, t("poll.closedOn", { when: formatDateTime(at) })) : null;
  return h("p", { class: "muted poll-closes" }, h("time", { datetime: isoMoment(at) }, t("poll.closesOn", { when: formatDateTime(at) })));
}

/** One poll: question, state, results, and the controls the role has. */
export function renderPoll(ctx: ViewContext, poll: PollState, note: (refusal: string | null) => void): HTMLElement {
  const chair = ctx.me.role === Role.CHAIR;
  const d = poll.definition;
  const state = poll.phase === "open" ? t("poll.isOpen") : poll.phase === "closed" ? t("poll.isClosed") : t("poll.draft");
  const el = h(
    "article",
    { class: "poll", "data-poll": poll.id, "data-phase": poll.phase, "aria-labelledby": `${poll.id}-q` },
    h("h3", { id: `${poll.id}-q`, class: "poll-question" }, d.question),
    h(
      "p",
      { class: "poll-meta" },
      h("span", { class: `badge phase ${poll.phase}` }, state),
      " ",
      h("span", { class: "badge" }, d.anonymous ? t("poll.anonymousBadge") : t("poll.namedBadge")),
      " ",
      h("span", { class: "muted" }, t(`poll.kind.${d.kind}` as "poll.kind.1")),
    ),
    d.targetIndicatorId
      ? h(
          "p",
          { class: "muted poll-target", title: t("draft.versionDetail", { version: Number(d.targetVersion) }) },
          // The version put to the vote is the draft as it was when the poll was made (poll-forms.ts).
          poll.createdMs
            ? t("poll.targetOn", { id: d.targetIndicatorId, when: formatDateTime(poll.createdMs, language(), { now: Date.now() }) })
            : t("poll.target", { id: d.targetIndicatorId }),
        )
      : null,
    closingTime(poll),
  );
  const ballotFirst = beforeMyVote(ctx.me.role, poll);
  if (ballotFirst) el.append(voteForm(ctx, poll, note));
  if (poll.phase !== "draft") el.append(renderPollResults(poll, ballotFirst, (id) => personName(ctx.session.state, id)));
  if (poll.myChoices && poll.phase !== "draft") {
    const labels = d.kind === PollKind.AGREEMENT ? [0, 1, 2, 3].map((i) => t(`poll.agree.${i}` as "poll.agree.0")) : d.options;
    el.append(
      h(
        "p",
        { class: "my-vote" },
        t("poll.yourVote", { choices: poll.myChoices.map((c) => labels[c] ?? String(c + 1)).join(", ") }),
        poll.phase === "open" ? h("span", { class: "muted" }, " ", t("poll.voted")) : null,
      ),
    );
  }
  if (!ballotFirst && poll.phase === "open" && canVote(ctx.me.role, poll)) el.append(voteForm(ctx, poll, note));
  if (chair) {
    const actions = h("div", { class: "actions" });
    if (poll.phase === "draft")
      actions.append(h("button", { type: "button", class: "primary poll-open", onclick: () => ctx.request({ case: "openPoll", value: { pollId: poll.id } }, note) }, t("poll.open")));
    if (poll.phase === "open")
      actions.append(h("button", { type: "button", class: "poll-close", onclick: () => ctx.request({ case: "closePoll", value: { pollId: poll.id } }, note) }, t("poll.close")));
    if (actions.childElementCount) el.append(actions);
  }
  return el;
}

export class AssessmentPanel {
  readonly el = h("div", { class: "assessment" });
  // The indicator page shows these two apart from the rest (status on top,
  // sources in their own tab): indicator-view.ts moves them.
  readonly statusSection = h("section", { class: "status-panel panel", "aria-labelledby": "status-title" });
  private readonly peopleSection = h("section", { class: "assignees-panel panel", "aria-labelledby": "assignees-title" });
  // The "sources and evidence" tab: the sources used, then the references
  // and figures (issue 19).
  readonly sourcesSection = h("div", { class: "sources-and-evidence" });
  private readonly usedSources = h("section", { class: "used-sources panel", "aria-labelledby": "used-sources-title" });
  private readonly evidence: EvidencePanel;
  private readonly scoreSection = h("section", { class: "score-panel panel", "aria-labelledby": "score-title" });
  private readonly pollsSection = h("section", { class: "polls-panel panel", "aria-labelledby": "polls-title" });
  private readonly pollList = h("div", { class: "poll-list" });
  private readonly pollItems = new Map<string, HTMLElement>();
  private readonly statusNote = h("p", { class: "field-error", role: "alert", id: "status-refusal" });
  private readonly pollNote = h("p", { class: "field-error", role: "alert", id: "poll-refusal" });
  private createForm: HTMLFormElement | null = null;
  private createDetails: HTMLDetailsElement | null = null;
  private formLanguage = "";

  constructor(
    private readonly ctx: ViewContext,
    private readonly indicatorId: string,
  ) {
    this.evidence = new EvidencePanel(ctx, indicatorId);
    this.sourcesSection.append(this.usedSources, this.evidence.el);
    this.el.append(this.statusSection, this.pollsSection, this.peopleSection, this.sourcesSection, this.scoreSection);
  }

  private get role(): Role {
    return this.ctx.me.role;
  }

  private note(el: HTMLElement): (refusal: string | null) => void {
    return (refusal) => {
      el.textContent = refusal ? t("status.refused", { reason: refusal }) : "";
    };
  }

  refresh(): void {
    this.renderStatus();
    this.renderPeople();
    this.renderSources();
    this.evidence.refresh();
    this.renderScore();
    this.renderPolls();
  }

  private renderStatus(): void {
    if (focusInside(this.statusSection) && document.activeElement?.tagName !== "BUTTON") return;
    const st = this.ctx.session.state;
    const a = st.assessment.indicator(this.indicatorId);
    const changed = st.changedSinceValidation(this.indicatorId);
    const steps = allowedStatusTargets(this.role, a.status);
    const meeting = st.assessment.currentMeeting;
    const focusedStep = (document.activeElement as HTMLElement | null)?.dataset?.status;
    replaceChildren(
      this.statusSection,
      h("h2", { id: "status-title", class: "panel-title" }, t("status.title")),
      h("p", {}, h("span", { class: `badge status s${a.status}`, id: "indicator-status", "data-status": String(a.status) }, statusName(a.status))),
      a.status === IndicatorStatus.VALIDATED
        ? h("p", { class: "validated-on", id: "validated-on", title: t("draft.versionDetail", { version: a.validatedVersion }) }, this.validatedWords(a))
        : null,
      changed
        ? h(
            "p",
            {
              class: "changed-since-validation",
              id: "changed-since-validation",
              title: t("status.changedDetail", { validated: a.validatedVersion, now: st.doc(indicatorDocId(this.indicatorId)).version }),
            },
            h("strong", {}, t("status.changed")),
            " ",
            this.changedSinceWords(a),
          )
        : null,
      steps.length
        ? h(
            "div",
            { class: "status-steps", role: "group", "aria-label": t("status.title") },
            steps.map((s) =>
              h(
                "button",
                {
                  type: "button",
                  class: "status-step",
                  "data-status": String(s),
                  onclick: () => {
                    this.statusNote.textContent = "";
                    this.ctx.request({ case: "setIndicatorStatus", value: { indicatorId: this.indicatorId, status: s } }, this.note(this.statusNote));
                  },
                },
                t("status.moveTo", { status: statusName(s) }),
              ),
            ),
          )
        : h("p", { class: "muted" }, t("status.noSteps")),
      this.role === Role.RESEARCHER ? h("p", { class: "help" }, t("status.researcherNote")) : null,
      this.statusNote,
      this.role === Role.CHAIR && meeting?.running
        ? h(
            "div",
            { class: "actions" },
            meeting.spotlight === this.indicatorId
              ? h("button", { type: "button", id: "spotlight-off", onclick: () => this.ctx.request({ case: "setSpotlight", value: { meetingId: meeting.id, indicatorId: "" } }, this.note(this.statusNote)) }, t("meeting.takeOff"))
              : h("button", { type: "button", id: "spotlight-on", onclick: () => this.ctx.request({ case: "setSpotlight", value: { meetingId: meeting.id, indicatorId: this.indicatorId } }, this.note(this.statusNote)) }, t("meeting.putOnScreen")),
          )
        : null,
    );
    if (focusedStep) (this.statusSection.querySelector(`[data-status="${focusedStep}"]`) as HTMLElement | null)?.focus();
  }

  /** "Validated on 12 March at the meeting “…”, by the board's vote": the closing poll's (or the chair's) record, its meeting. */
  private validatedWords(a: IndicatorState): string {
    const assessment = this.ctx.session.state.assessment;
    const meetingId = a.statusSeq ? meetingAt(assessment.meetings.values(), a.statusSeq) : "";
    const meetingTitle = meetingId ? assessment.meetings.get(meetingId)?.title || meetingId : "";
    return validationWords(language(), { byPoll: !!a.validatedByPoll, atMs: a.statusMs, meetingTitle }, { now: Date.now() });
  }

  /** "2 editing sessions by Aigerim · Chair since 12 March." — the versions after the validated one, grouped as the history groups them. */
  private changedSinceWords(a: IndicatorState): string {
    const st = this.ctx.session.state;
    const meetings = [...st.assessment.meetings.values()];
    const pieces = piecesAfter(st.timeline.pieces(indicatorDocId(this.indicatorId), meetings), a.validatedVersion);
    if (!pieces.length) return "";
    const authors: string[] = [];
    for (const p of pieces) for (const id of [p.author, ...p.coAuthors]) if (!authors.includes(id)) authors.push(id);
    return changedWords(
      language(),
      { sessions: groupSessions(pieces, meetings).length, authors: authors.map((id) => personName(st, id, id || t("history.unknownAuthor"))), sinceMs: a.statusMs },
      { now: Date.now() },
    );
  }

  private dueLine(dueDate: string): HTMLElement {
    return dueDate
      ? h("p", { class: "due-line", id: "due-line", "data-due": dueDate }, t("assignees.dueOn", { date: dayLabel(dueDate) }))
      : h("p", { class: "muted due-line", id: "due-line" }, t("assignees.noDue"));
  }

  private renderPeople(): void {
    const st = this.ctx.session.state;
    const a = st.assessment.indicator(this.indicatorId);
    if (focusInside(this.peopleSection)) {
      // Someone is working in the forms (often still on "Set due date"):
      // leave them be, but say the date the server now holds.
      this.peopleSection.querySelector("#due-line")?.replaceWith(this.dueLine(a.dueDate));
      return;
    }
    const chair = this.role === Role.CHAIR;
    const people = [...st.participants.values()].filter((p) => !p.revoked);
    const boxes = people.map((p) => h("input", { type: "checkbox", id: `assignee-${p.id}`, value: p.id, checked: a.assignees.includes(p.id) }));
    const note = h("p", { class: "field-error", role: "alert" });
    const dueNote = h("p", { class: "field-error", role: "alert", id: "due-refusal" });
    const due = h("input", { type: "date", id: "due-date-input", value: a.dueDate, min: "2000-01-01", max: "2199-12-31" });
    const setDue = (dueDate: string) => this.ctx.request({ case: "setIndicatorDueDate", value: { indicatorId: this.indicatorId, dueDate } }, this.note(dueNote));
    replaceChildren(
      this.peopleSection,
      h("h2", { id: "assignees-title", class: "panel-title" }, t("assignees.title")),
      this.dueLine(a.dueDate),
      chair
        ? h(
            "form",
            {
              class: "due-form inline-form",
              onsubmit: (e) => {
                e.preventDefault();
                setDue(due.value);
              },
            },
            h("label", { for: "due-date-input" }, t("assignees.dueLabel")),
            due,
            h("button", { type: "submit", id: "due-save" }, t("assignees.dueSave")),
            a.dueDate ? h("button", { type: "button", id: "due-clear", onclick: () => setDue("") }, t("assignees.dueClear")) : null,
            dueNote,
          )
        : null,
      a.assignees.length ? h("ul", { class: "assignee-list" }, a.assignees.map((id) => h("li", {}, personById(st, id)))) : h("p", { class: "muted" }, t("assignees.none")),
      chair
        ? h(
            "details",
            {},
            h("summary", {}, t("assignees.edit")),
            h(
              "form",
              {
                onsubmit: (e) => {
                  e.preventDefault();
                  const ids = boxes.filter((b) => b.checked).map((b) => b.value);
                  this.ctx.request({ case: "setIndicatorAssignees", value: { indicatorId: this.indicatorId, participantIds: ids } }, this.note(note));
                },
              },
              h(
                "fieldset",
                {},
                h("legend", { class: "visually-hidden" }, t("assignees.edit")),
                people.map((p, i) => h("div", { class: "check" }, boxes[i]!, h("label", { for: `assignee-${p.id}` }, personEl(p.displayName || p.id, p.role)))),
              ),
              note,
              h("button", { type: "submit" }, t("assignees.save")),
            ),
          )
        : null,
    );
  }

  private renderSources(): void {
    if (focusInside(this.usedSources)) return;
    const a = this.ctx.session.state.assessment.indicator(this.indicatorId);
    const may = this.role === Role.CHAIR || this.role === Role.RESEARCHER;
    const area = h("textarea", { id: "used-sources-input", rows: 3 });
    area.value = a.sources.join("\n");
    const note = h("p", { class: "field-error", role: "alert" });
    replaceChildren(
      this.usedSources,
      h("h2", { id: "used-sources-title", class: "panel-title" }, t("sources.title")),
      a.sources.length ? h("ul", { class: "used-source-list" }, a.sources.map((s) => h("li", {}, s))) : h("p", { class: "muted" }, t("sources.none")),
      may
        ? h(
            "form",
            {
              class: "field",
              onsubmit: (e) => {
                e.preventDefault();
                const sources = area.value.split("\n").map((s) => s.trim()).filter(Boolean);
                this.ctx.request({ case: "setIndicatorSources", value: { indicatorId: this.indicatorId, sources } }, this.note(note));
              },
            },
            h("label", { for: "used-sources-input" }, t("sources.edit")),
            area,
            note,
            h("div", {}, h("button", { type: "submit" }, t("sources.save"))),
          )
        : null,
    );
  }

  private renderScore(): void {
    if (focusInside(this.scoreSection)) return;
    const a = this.ctx.session.state.assessment.indicator(this.indicatorId);
    const may = this.role === Role.CHAIR || this.role === Role.RESEARCHER;
    const input = h("input", { id: "score-input", type: "number", min: 0, max: 100, inputmode: "numeric", value: a.score === undefined ? "" : String(a.score) });
    const note = h("p", { class: "field-error", role: "alert" });
    replaceChildren(
      this.scoreSection,
      h("h2", { id: "score-title", class: "panel-title" }, t("score.title")),
      h("p", { id: "score-value" }, a.score === undefined ? h("span", { class: "muted" }, t("score.none")) : String(a.score)),
      may
        ? h(
            "form",
            {
              class: "field",
              onsubmit: (e) => {
                e.preventDefault();
                const v = input.value.trim();
                const score = v === "" ? undefined : Math.round(Number(v));
                this.ctx.request({ case: "setIndicatorScore", value: { indicatorId: this.indicatorId, score } }, this.note(note));
              },
            },
            h("label", { for: "score-input" }, t("score.label")),
            input,
            note,
            h("div", {}, h("button", { type: "submit" }, t("score.save"))),
          )
        : null,
    );
  }

  private renderPolls(): void {
    const st = this.ctx.session.state;
    const chair = this.role === Role.CHAIR;
    if (!this.pollsSection.firstChild) {
      this.pollsSection.append(h("h2", { id: "polls-title", class: "panel-title" }, t("poll.panelTitle")), this.pollNote, this.pollList);
    } else {
      (this.pollsSection.querySelector("#polls-title") as HTMLElement).textContent = t("poll.panelTitle");
    }
    if (this.createDetails && this.formLanguage !== language() && !focusInside(this.createDetails)) {
      // Rebuilt only for a language switch, so its labels follow.
      this.createDetails.remove();
      this.createDetails = null;
    }
    if (chair && !this.createDetails) {
      this.formLanguage = language();
      // Built once: a vote or an edit arriving never wipes a half-filled form.
      const details = h("details", { class: "poll-create" }, h("summary", { id: "poll-create-summary" }, t("poll.create")));
      const target = () => ({ indicatorId: this.indicatorId, version: st.doc(indicatorDocId(this.indicatorId)).version });
      this.createForm = createPollForm(this.ctx, target, (refusal) => {
        this.note(this.pollNote)(refusal);
        if (!refusal) {
          this.pollNote.textContent = t("poll.created");
          details.open = false;
        }
      });
      details.append(this.createForm);
      this.pollsSection.insertBefore(details, this.pollNote);
      this.createDetails = details;
    }
    const vl = this.createForm?.querySelector(".validate-label");
    if (vl) vl.textContent = t("poll.validate", { id: this.indicatorId, version: st.doc(indicatorDocId(this.indicatorId)).version });
    const polls = [...st.assessment.polls.values()].filter((p) => p.definition.targetIndicatorId === this.indicatorId || p.definition.targetIndicatorId === "").reverse();
    if (!polls.length) {
      replaceChildren(this.pollList, h("p", { class: "muted" }, t("poll.none")));
      this.pollItems.clear();
      return;
    }
    if (this.pollList.querySelector(":scope > p.muted")) this.pollList.replaceChildren();
    for (const p of polls) {
      const old = this.pollItems.get(p.id);
      if (old && focusInside(old) && document.activeElement?.tagName !== "BUTTON") {
        // Someone is choosing: keep the ballot, refresh only the figures.
        old.querySelector(".poll-results")?.replaceWith(renderPollResults(p, beforeMyVote(this.role, p), (id) => personName(this.ctx.session.state, id)));
        continue;
      }
      const focusedClass = old && focusInside(old) ? (document.activeElement as HTMLElement).className : "";
      const el = renderPoll(this.ctx, p, this.note(this.pollNote));
      if (old) old.replaceWith(el);
      else this.pollList.append(el);
      this.pollItems.set(p.id, el);
      if (focusedClass) (el.querySelector(`button.${focusedClass.split(" ").pop()}`) as HTMLElement | null)?.focus();
    }
    // Newest first; moved only when out of order (moving blurs the focus).
    const want = polls.map((p) => this.pollItems.get(p.id)).filter((e): e is HTMLElement => !!e);
    const have = [...this.pollList.children];
    if (want.some((e, i) => have[i] !== e)) this.pollList.replaceChildren(...want);
  }
}
