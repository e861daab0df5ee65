// The meeting strip under the top bar, on every page: whether a meeting runs,
// the chair's start / end, everyone's join / leave, "follow the chair", the
// attendance list, and a link to the presenter view. In meeting mode
// (attending), an open poll pops up as a modal dialog with the ballot; the
// dialog takes the focus and gives it back when closed.
import { AttendanceMark } from "../gen/kenes/v1/log_pb";
import { Role } from "../gen/kenes/v1/protocol_pb";
import type { MeetingState } from "../model";
import { t } from "../i18n";
import { h, replaceChildren } from "./dom";
import { personName } from "./labels";
import { personById } from "./person";
import { beforeMyVote, canVote, renderPoll } from "./assessment-panel";
import { renderPollResults } from "./poll-chart";
import { presentPath } from "./router";
import { itemName, itemPath, renderValidation } from "./validation-bar";
import type { ViewContext } from "./view";

export class MeetingBar {
  readonly el = h("section", { class: "meeting-bar", "aria-labelledby": "meeting-bar-title" });
  private readonly note = h("p", { class: "field-error", role: "alert", id: "meeting-refusal" });
  private dialog: HTMLDialogElement | null = null;
  private dialogPoll = "";
  private readonly dismissed = new Set<string>();
  private returnFocus: HTMLElement | null = null;
  private lastSpotlight = "";

  constructor(private readonly ctx: ViewContext) {}

  private answer = (refusal: string | null) => {
    this.note.textContent = refusal ? t("status.refused", { reason: refusal }) : "";
  };

  refresh(): void {
    const st = this.ctx.session.state;
    const a = st.assessment;
    const m = a.currentMeeting;
    const me = this.ctx.me;
    const chair = me.role === Role.CHAIR;
    const attending = !!m && m.attendees.has(me.id);
    if (this.el.contains(document.activeElement) && document.activeElement?.tagName !== "BUTTON" && document.activeElement?.id !== "follow-chair") {
      this.maybeFollow();
      this.updateDialog();
      return;
    }
    const focusedId = document.activeElement && this.el.contains(document.activeElement) ? document.activeElement.id : "";
    const startForm = () => {
      const title = h("input", { id: "meeting-title-input", type: "text", required: true });
      const agenda = h(
        "select",
        { id: "meeting-agenda", multiple: true, size: 5 },
        st.indicators().map((i) => h("option", { value: i.id }, `${i.id} ${i.title}`)),
      );
      return h(
        "details",
        { class: "meeting-start" },
        h("summary", { id: "meeting-start-summary" }, t("meeting.start")),
        h(
          "form",
          {
            class: "form",
            onsubmit: (e) => {
              e.preventDefault();
              const ids = [...agenda.selectedOptions].map((o) => o.value);
              this.ctx.request({ case: "startMeeting", value: { title: title.value.trim() || t("meeting.title"), agendaIndicatorIds: ids } }, this.answer);
            },
          },
          h("div", { class: "field" }, h("label", { for: "meeting-title-input" }, t("meeting.titleLabel")), title),
          h("div", { class: "field" }, h("label", { for: "meeting-agenda" }, t("meeting.agenda")), agenda),
          h("button", { type: "submit", class: "primary", id: "meeting-start-submit" }, t("meeting.startSubmit")),
        ),
      );
    };
    if (!m) {
      replaceChildren(
        this.el,
        h("h2", { id: "meeting-bar-title", class: "visually-hidden" }, t("meeting.title")),
        h("p", { class: "muted meeting-state", "data-running": "false" }, t("meeting.none")),
        chair ? startForm() : null,
        renderValidation(this.ctx, this.answer),
        this.note,
      );
    } else {
      replaceChildren(
        this.el,
        h("h2", { id: "meeting-bar-title", class: "visually-hidden" }, t("meeting.title")),
        h(
          "div",
          { class: "meeting-row" },
          h("p", { class: "meeting-state", "data-running": "true" }, h("strong", {}, t("meeting.running", { title: m.title }))),
          h(
            "p",
            { class: "spotlight", id: "spotlight" },
            m.spotlight
              ? h("a", { href: itemPath(this.ctx.consultationId, m.spotlight) }, t("meeting.spotlight", { id: m.spotlight.includes("/") ? itemName(st, m.spotlight) : m.spotlight }))
              : t("meeting.noSpotlight"),
          ),
          chair
            ? h("button", { type: "button", id: "meeting-end", onclick: () => this.ctx.request({ case: "endMeeting", value: { meetingId: m.id } }, this.answer) }, t("meeting.end"))
            : null,
          attending ? h("span", { class: "attending" }, t("meeting.attending")) : null,
          attending
            ? h("button", { type: "button", id: "meeting-leave", onclick: () => this.ctx.request({ case: "leaveMeeting", value: { meetingId: m.id } }, this.answer) }, t("meeting.leave"))
            : h("button", { type: "button", class: "primary", id: "meeting-join", onclick: () => this.ctx.request({ case: "joinMeeting", value: { meetingId: m.id } }, this.answer) }, t("meeting.join")),
          chair
            ? null
            : h(
                "span",
                { class: "check" },
                h("input", {
                  type: "checkbox",
                  id: "follow-chair",
                  checked: this.ctx.following(),
                  onchange: (e) => {
                    this.ctx.setFollowing((e.target as HTMLInputElement).checked);
                    this.lastSpotlight = "";
                    this.maybeFollow();
                  },
                }),
                h("label", { for: "follow-chair" }, t("meeting.follow")),
              ),
          h("a", { href: presentPath(this.ctx.consultationId), id: "presenter-link" }, t("meeting.presenter")),
        ),
        h(
          "details",
          { class: "attendance" },
          h("summary", {}, t("meeting.attendance"), " — ", t("meeting.attendanceCount", { n: m.attendees.size })),
          m.attendees.size
            ? h("ul", { class: "attendance-list" }, [...m.attendees].map((id) => h("li", {}, personById(st, id))))
            : h("p", { class: "muted" }, t("meeting.nobody")),
          m.agenda.length ? h("p", { class: "muted" }, t("meeting.agendaItems"), ": ", m.agenda.join(", ")) : null,
          chair ? this.marks(m) : null,
        ),
        renderValidation(this.ctx, this.answer),
        this.note,
      );
    }
    if (focusedId) document.getElementById(focusedId)?.focus();
    this.maybeFollow();
    this.updateDialog();
  }

  /**
   * The chair's marks for the minutes (issue 18): each board member not in
   * the meeting may be marked present (in the room, without a connection)
   * or excused; the minutes list present, excused and absent.
   */
  private marks(m: MeetingState): HTMLElement | null {
    const st = this.ctx.session.state;
    const board = [...st.participants.values()].filter(
      (p) => !p.revoked && (p.role === Role.MEMBER || (p.role === Role.CHAIR && st.chairIsBoardMember)) && !m.attendees.has(p.id),
    );
    if (!board.length) return null;
    return h(
      "fieldset",
      { class: "attendance-marks" },
      h("legend", {}, t("meeting.marks")),
      board.map((p) => {
        const id = `mark-${p.id}`;
        return h(
          "div",
          { class: "field-inline" },
          h("label", { for: id }, personById(st, p.id)),
          " ",
          h(
            "select",
            {
              id,
              onchange: (e: Event) =>
                this.ctx.request(
                  { case: "markAttendance", value: { meetingId: m.id, participantId: p.id, mark: Number((e.target as HTMLSelectElement).value) as AttendanceMark } },
                  this.answer,
                ),
            },
            [AttendanceMark.NONE, AttendanceMark.PRESENT, AttendanceMark.EXCUSED].map((k) =>
              h("option", { value: String(k), selected: (m.marks.get(p.id) ?? AttendanceMark.NONE) === k }, t(`meeting.mark.${k}` as "meeting.mark.0")),
            ),
          ),
        );
      }),
    );
  }

  /** Navigates to the spotlighted indicator when following and it changed. */
  private maybeFollow(): void {
    const m = this.ctx.session.state.assessment.currentMeeting;
    if (this.ctx.me.role === Role.CHAIR || !this.ctx.following() || !m?.spotlight) return;
    if (m.spotlight === this.lastSpotlight) return;
    this.lastSpotlight = m.spotlight;
    const path = itemPath(this.ctx.consultationId, m.spotlight);
    if (location.pathname !== path) this.ctx.navigate(path);
  }

  /** The open poll as a dialog, for those in the meeting who may vote. */
  private updateDialog(): void {
    const a = this.ctx.session.state.assessment;
    const m = a.currentMeeting;
    const me = this.ctx.me;
    const poll = a.openPoll();
    const show = !!poll && !!m && m.attendees.has(me.id) && canVote(me.role, poll) && !this.dismissed.has(poll.id);
    if (!show || !poll) {
      this.closeDialog();
      return;
    }
    if (this.dialog && this.dialogPoll === poll.id) {
      // Keep the ballot being filled in; refresh only the figures.
      const body = this.dialog.querySelector(".dialog-body") as HTMLElement;
      if (!this.dialog.contains(document.activeElement) || document.activeElement?.tagName === "BUTTON") {
        const focused = document.activeElement?.classList.contains("vote-submit");
        replaceChildren(body, renderPoll(this.ctx, poll, () => {}));
        if (focused) (body.querySelector(".vote-submit") as HTMLElement | null)?.focus();
      } else {
        // Someone is choosing: keep the ballot, refresh only the figures.
        body.querySelector(".poll-results")?.replaceWith(renderPollResults(poll, beforeMyVote(me.role, poll), (id) => personName(this.ctx.session.state, id)));
      }
      return;
    }
    this.closeDialog();
    this.returnFocus = document.activeElement as HTMLElement | null;
    const body = h("div", { class: "dialog-body" }, renderPoll(this.ctx, poll, () => {}));
    const dialog = h(
      "dialog",
      { class: "poll-dialog", id: "poll-dialog", "aria-labelledby": "poll-dialog-title" },
      h("h2", { id: "poll-dialog-title" }, t("poll.dialogTitle")),
      body,
      h(
        "div",
        { class: "actions" },
        h(
          "button",
          {
            type: "button",
            id: "poll-dialog-close",
            onclick: () => {
              this.dismissed.add(poll.id);
              this.closeDialog();
            },
          },
          t("poll.later"),
        ),
      ),
    );
    dialog.addEventListener("cancel", () => this.dismissed.add(poll.id));
    dialog.addEventListener("close", () => {
      if (this.dialog === dialog) this.closeDialog();
    });
    document.body.append(dialog);
    this.dialog = dialog;
    this.dialogPoll = poll.id;
    dialog.showModal();
    (dialog.querySelector("input") as HTMLElement | null)?.focus();
  }

  private closeDialog(): void {
    const d = this.dialog;
    if (!d) return;
    this.dialog = null;
    this.dialogPoll = "";
    if (d.open) d.close();
    d.remove();
    const back = this.returnFocus;
    this.returnFocus = null;
    if (back && document.contains(back)) back.focus();
  }

  destroy(): void {
    this.closeDialog();
  }
}
