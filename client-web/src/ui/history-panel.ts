// A draft's history (issues 6 and 20): its versions grouped into editing
// sessions (model/edit-sessions.ts: who, when, at which meeting), a slider
// and a list that move by session, and for the chosen session the text at
// its end, the changes it made against the session before (or everything
// since my previous visit, or since a meeting started), and who wrote what
// at its end (blame). Version numbers stay in a muted detail for the team.
//
// Closed until asked for: the questions are replays on the server, and a
// person reading the draft should not pay for them. Opening it may ask a few
// more (DocumentAt by version and by time) to learn when edits this page
// holds no time for were made — its own, and those before it joined — so
// that a pause in them splits a session exactly (walkTimes()), and at which
// version a meeting started or ended inside an edit run of the JoinState
// (EditTimeline.learnMeetingEdges()), so that the meeting's co-editing is one
// session there too. Marking never
// relies on colour alone: inserted text is underlined and deleted text
// struck through, each with a hidden label for screen readers; authorship
// passages carry their legend number and a hidden "Written by …".
import { create } from "@bufbuild/protobuf";
import { HistoryPointSchema, type HistoryPoint } from "../gen/kenes/v1/discussion_pb";
import { t, language } from "../i18n";
import {
  type AuthoredPassage,
  type DiffPassage,
  type EditSession,
  type HistoryClock,
  type MeetingClock,
  SESSION_GAP_MS,
  authorLegend,
  authorsKey,
  blamePassages,
  diffPassages,
  groupSessions,
  listNames,
  previousVisit,
  sessionWords,
  walkTimes,
} from "../model";
import { ErrorCode, HistoryRefusal, type HistoryAnswer } from "../net";
import { participantColor, tint } from "./colors";
import { h, replaceChildren } from "./dom";
import { errorSentence, personName } from "./labels";
import type { ViewContext } from "./view";

type Mode = "text" | "diff" | "blame";

let nextPanelId = 1;

/** The most history questions one grouping may ask to learn times (the rest is grouped as far as known). */
const TIME_QUESTIONS = 400;

export class HistoryPanel {
  readonly el = h("section", { class: "panel history", "aria-labelledby": "" });
  private readonly uid = `history-${nextPanelId++}`;
  private open = false;
  private mode: Mode = "text";
  /** The draft's editing sessions, oldest first. */
  private sessions: EditSession[] = [];
  /** The chosen one: 0 is the empty draft before the first session, i the end of session i. */
  private index = 0;
  /** Until the sessions are worked out the first time, the panel says so. */
  private grouped = false;
  private grouping: Promise<void> | null = null;
  private groupAgain = false;
  /** "session", "visit" or "meeting:<id>": what the diff starts from. */
  private compare = "session";
  private readonly previousVisitMs: number | null;
  private readonly toggle: HTMLButtonElement;
  private readonly body = h("div", { class: "history-body" });
  private readonly status = h("p", { class: "history-status", role: "status", "aria-live": "polite" });
  private readonly detail = h("p", { class: "history-detail muted" });
  private readonly output = h("div", { class: "history-output" });
  private slider: HTMLInputElement | null = null;
  private list: HTMLOListElement | null = null;
  private sliderTimer: ReturnType<typeof setTimeout> | null = null;
  private changeTimer: ReturnType<typeof setTimeout> | null = null;
  private signature = "";
  // Answers to older questions are dropped: only the last one asked shows.
  private asked = 0;

  constructor(
    private readonly ctx: ViewContext,
    private readonly docId: string,
  ) {
    const titleId = `${this.uid}-title`;
    this.el.setAttribute("aria-labelledby", titleId);
    this.toggle = h("button", { type: "button", class: "history-toggle", "aria-expanded": "false", "aria-controls": `${this.uid}-body` });
    this.toggle.addEventListener("click", () => this.setOpen(!this.open));
    this.body.id = `${this.uid}-body`;
    this.body.hidden = true;
    this.el.append(h("div", { class: "history-head" }, h("h2", { id: titleId, class: "panel-title" }, t("history.title")), this.toggle), this.body);
    this.previousVisitMs = this.readVisit();
    this.render();
  }

  /** The state changed: redraw and regroup if the language, the names or the meetings did (not while sliding). */
  refresh(): void {
    const st = this.ctx.session.state;
    const meetings = [...st.assessment.meetings.values()].map((m) => `${m.id}:${m.title}:${m.running}:${m.endedSeq ?? 0}`);
    const names = [...st.participants.values()].map((p) => `${p.displayName}:${p.role}`);
    const signature = [language(), ...meetings, ...names].join("|");
    if (signature === this.signature) return;
    this.signature = signature;
    this.render();
    if (this.open) void this.regroup().then(() => this.load());
  }

  /** A new version of the draft exists: the sessions follow, once the typing rests. */
  documentChanged(): void {
    if (!this.open) return;
    if (this.changeTimer) clearTimeout(this.changeTimer);
    this.changeTimer = setTimeout(() => {
      this.changeTimer = null;
      const atEnd = this.index === this.sessions.length;
      void this.regroup().then(() => {
        // Resting at the latest session, the view follows it; otherwise what is shown has not changed.
        if (atEnd || this.mode === "diff") void this.load();
      });
    }, 400);
  }

  destroy(): void {
    if (this.changeTimer) clearTimeout(this.changeTimer);
    if (this.sliderTimer) clearTimeout(this.sliderTimer);
    this.open = false;
    this.asked++;
  }

  private readVisit(): number | null {
    try {
      return previousVisit(window.localStorage, `kenes.visit.${this.ctx.consultationId}.${this.docId}`, Date.now());
    } catch {
      return null; // storage disabled: no "since my previous visit"
    }
  }

  private setOpen(open: boolean): void {
    this.open = open;
    this.body.hidden = !open;
    this.render();
    if (open) void this.regroup(true).then(() => this.load());
  }

  /**
   * Works the sessions out again from what the page knows, first learning
   * the times it lacks. One grouping at a time; a change meanwhile runs
   * another after it. `first`: the slider starts at the latest session.
   */
  private regroup(first = false): Promise<void> {
    if (this.grouping) {
      this.groupAgain = true;
      return this.grouping;
    }
    this.grouping = (async () => {
      do {
        this.groupAgain = false;
        try {
          await this.learnTimes();
        } catch (e) {
          // Not connected, or refused: group with what is known.
          if (!(e instanceof HistoryRefusal)) console.error("kenes: learning the history's times", e);
        }
        if (!this.open) return;
        const st = this.ctx.session.state;
        const meetings = [...st.assessment.meetings.values()];
        const wasAtEnd = this.index === this.sessions.length;
        this.sessions = groupSessions(st.timeline.pieces(this.docId, meetings), meetings);
        if (first || wasAtEnd || !this.grouped) this.index = this.sessions.length;
        this.index = Math.min(this.index, this.sessions.length);
        first = false;
        if (this.grouped) this.updateSessions();
        else {
          this.grouped = true;
          this.render();
        }
      } while (this.groupAgain);
    })().finally(() => {
      this.grouping = null;
    });
    return this.grouping;
  }

  /** Asks the server when the edits this page has no time for were made, as few questions as the rule needs. */
  private async learnTimes(): Promise<void> {
    const st = this.ctx.session.state;
    const tl = st.timeline;
    const meetings = [...st.assessment.meetings.values()];
    const at = async (point: HistoryPoint["at"]) => {
      const a = await this.ctx.session.askHistory({ case: "getDocumentAt", value: { docId: this.docId, at: create(HistoryPointSchema, { at: point }) } });
      if (a.case !== "documentAt") throw new Error(`a ${a.case} answering GetDocumentAt`);
      const version = Number(a.value.version);
      const timeMs = Number(a.value.timeUnixMs);
      tl.learnTime(this.docId, version, timeMs);
      return { version, timeMs };
    };
    const clock: HistoryClock & MeetingClock = {
      timeOf: async (v) => (await at({ case: "version", value: BigInt(v) })).timeMs,
      versionAt: (ms) => at({ case: "timeUnixMs", value: BigInt(Math.floor(ms)) }),
      versionAtMeetingStart: async (id) => (await at({ case: "meetingStarted", value: id })).version,
    };
    // Where a meeting started or ended in the middle of someone's run, the run is cut there.
    await tl.learnMeetingEdges(this.docId, meetings, clock);
    const budget = { left: TIME_QUESTIONS };
    for (const s of tl.unknownStretches(this.docId, meetings)) {
      if (!this.open) return;
      if (!(await walkTimes(s.fromVersion, s.toVersion, tl.knownTimes(this.docId), clock, SESSION_GAP_MS, budget))) return;
      tl.markWalked(this.docId, s.key, s.toVersion);
    }
  }

  /** The chosen session (undefined: the empty draft before the first). */
  private get chosen(): EditSession | undefined {
    return this.index > 0 ? this.sessions[this.index - 1] : undefined;
  }

  private words(s: EditSession): string {
    const meetings = this.ctx.session.state.assessment.meetings;
    return sessionWords(language(), s, (id) => this.nameOf(id), (id) => meetings.get(id)?.title || id, { now: Date.now() });
  }

  /** "Editing session 3 of 7: Aigerim · Chair, 12 March, 10:02–10:47". */
  private chosenLabel(): string {
    const s = this.chosen;
    return s ? t("history.sessionOf", { i: this.index, n: this.sessions.length, words: this.words(s) }) : t("history.empty0");
  }

  private versionsDetail(s: EditSession | undefined): string {
    return s ? t("history.versions", { from: s.fromVersion, to: s.toVersion }) : "";
  }

  private usesSlider(): boolean {
    return this.mode !== "diff" || this.compare === "session";
  }

  private render(): void {
    this.toggle.textContent = this.open ? t("history.hide") : t("history.show");
    this.toggle.setAttribute("aria-expanded", String(this.open));
    if (!this.open) return;
    // Redrawn while someone moves through the sessions (a meeting ended, the language changed): the focus stays.
    const sliderFocused = !!this.slider && document.activeElement === this.slider;
    const modes: [Mode, string][] = [
      ["text", t("history.modeText")],
      ["diff", t("history.modeDiff")],
      ["blame", t("history.modeBlame")],
    ];
    const modeField = h(
      "fieldset",
      { class: "history-modes" },
      h("legend", {}, t("history.mode")),
      modes.map(([m, label]) =>
        h(
          "label",
          { class: "check" },
          h("input", {
            type: "radio",
            name: `${this.uid}-mode`,
            value: m,
            checked: this.mode === m,
            onchange: () => {
              this.mode = m;
              this.render();
              void this.load();
            },
          }),
          " ",
          label,
        ),
      ),
    );
    const sliderId = `${this.uid}-slider`;
    this.slider = h("input", {
      type: "range",
      id: sliderId,
      class: "history-slider",
      min: "0",
      max: String(this.sessions.length),
      step: "1",
      value: String(this.index),
      "aria-valuetext": this.chosenLabel(),
      disabled: !this.grouped,
    });
    this.slider.addEventListener("input", () => this.choose(Number(this.slider!.value), false));
    const sliderField = h(
      "div",
      { class: "history-slider-field", hidden: !this.usesSlider() },
      h("label", { for: sliderId }, t("history.slider")),
      this.slider,
    );
    this.list = this.sessionList();
    const compareId = `${this.uid}-compare`;
    const options = [h("option", { value: "session", selected: this.compare === "session" }, t("history.inSession"))];
    if (this.previousVisitMs !== null) {
      options.push(h("option", { value: "visit", selected: this.compare === "visit" }, t("history.sinceVisit")));
    }
    for (const m of this.ctx.session.state.assessment.meetings.values()) {
      const value = `meeting:${m.id}`;
      options.push(h("option", { value, selected: this.compare === value }, t("history.sinceMeeting", { title: m.title || m.id })));
    }
    const compareSelect = h("select", { id: compareId }, options);
    compareSelect.addEventListener("change", () => {
      this.compare = compareSelect.value;
      this.render();
      void this.load();
    });
    const compareField = this.mode === "diff" ? h("div", { class: "history-compare" }, h("label", { for: compareId }, t("history.compare")), " ", compareSelect) : null;
    if (!this.grouped) this.status.textContent = t("history.working");
    else if (this.usesSlider()) this.status.textContent = this.chosenLabel();
    if (this.usesSlider()) this.detail.textContent = this.versionsDetail(this.chosen);
    replaceChildren(this.body, modeField, compareField, sliderField, this.usesSlider() ? this.list : null, this.status, this.detail, this.output);
    if (sliderFocused) this.slider.focus();
    this.scrollListToChosen();
  }

  /**
   * New sessions (someone typed, a meeting ended): the slider's range and the
   * list follow in place, so that a person moving through them with the
   * keyboard keeps the focus.
   */
  private updateSessions(): void {
    const slider = this.slider;
    if (!slider || !this.list) return this.render();
    slider.max = String(this.sessions.length);
    slider.value = String(this.index);
    slider.disabled = false;
    slider.setAttribute("aria-valuetext", this.chosenLabel());
    const buttons = [...this.list.querySelectorAll("button.history-session")];
    const focused = buttons.indexOf(document.activeElement as Element);
    const list = this.sessionList();
    this.list.replaceWith(list);
    this.list = list;
    if (focused >= 0) list.querySelectorAll<HTMLElement>("button.history-session")[focused]?.focus();
    if (this.usesSlider()) {
      this.status.textContent = this.chosenLabel();
      this.detail.textContent = this.versionsDetail(this.chosen);
    }
    this.scrollListToChosen();
  }

  /** The sessions as a list, newest last; choosing one moves the slider there. */
  private sessionList(): HTMLOListElement {
    return h(
      "ol",
      { class: "history-sessions", "aria-label": t("history.sessions") },
      this.sessions.map((s, i) =>
        h(
          "li",
          { "data-session": String(i + 1), "data-meeting": s.meetingId || null },
          h(
            "button",
            {
              type: "button",
              class: "history-session",
              "aria-current": i + 1 === this.index ? "true" : null,
              title: this.versionsDetail(s),
              onclick: () => this.choose(i + 1, true),
            },
            this.words(s),
          ),
        ),
      ),
    );
  }

  /** Moves to session `index` (0: before the first); asks once the choice rests (a drag passes many). */
  private choose(index: number, now: boolean): void {
    this.index = Math.max(0, Math.min(index, this.sessions.length));
    if (this.slider) {
      this.slider.value = String(this.index);
      this.slider.setAttribute("aria-valuetext", this.chosenLabel());
    }
    this.list?.querySelectorAll("button.history-session").forEach((b, i) => {
      if (i + 1 === this.index) b.setAttribute("aria-current", "true");
      else b.removeAttribute("aria-current");
    });
    this.scrollListToChosen();
    if (this.usesSlider()) {
      this.status.textContent = this.chosenLabel();
      this.detail.textContent = this.versionsDetail(this.chosen);
    }
    if (this.sliderTimer) clearTimeout(this.sliderTimer);
    this.sliderTimer = setTimeout(() => void this.load(), now ? 0 : 120);
  }

  /** Keeps the chosen session in the list's view without scrolling the page. */
  private scrollListToChosen(): void {
    const list = this.list;
    const item = list?.querySelector<HTMLElement>('[aria-current="true"]')?.parentElement;
    if (!list || !item) return;
    requestAnimationFrame(() => {
      const top = item.offsetTop - list.offsetTop;
      if (top < list.scrollTop) list.scrollTop = top;
      else if (top + item.offsetHeight > list.scrollTop + list.clientHeight) list.scrollTop = top + item.offsetHeight - list.clientHeight;
    });
  }

  private point(): HistoryPoint {
    if (this.compare === "visit" && this.previousVisitMs !== null) {
      return create(HistoryPointSchema, { at: { case: "timeUnixMs", value: BigInt(this.previousVisitMs) } });
    }
    return create(HistoryPointSchema, { at: { case: "meetingStarted", value: this.compare.slice("meeting:".length) } });
  }

  private versionPoint(v: number): HistoryPoint {
    return create(HistoryPointSchema, { at: { case: "version", value: BigInt(v) } });
  }

  private async load(): Promise<void> {
    if (!this.open || !this.grouped) return;
    const ask = ++this.asked;
    if (!this.output.hasChildNodes()) this.detail.textContent = t("history.loading");
    const s = this.chosen;
    try {
      let a: HistoryAnswer;
      if (this.mode === "text") {
        a = await this.ctx.session.askHistory({ case: "getDocumentAt", value: { docId: this.docId, at: this.versionPoint(s?.toVersion ?? 0) } });
      } else if (this.mode === "diff" && this.compare !== "session") {
        a = await this.ctx.session.askHistory({ case: "getDocumentDiff", value: { docId: this.docId, from: this.point() } });
      } else if (!s) {
        // Before the first session there is nothing: no change, no author.
        if (ask !== this.asked) return;
        this.detail.textContent = "";
        replaceChildren(this.output, h("p", { class: "muted" }, t("history.noChanges")));
        return;
      } else if (this.mode === "diff") {
        a = await this.ctx.session.askHistory({
          case: "getDocumentDiff",
          value: { docId: this.docId, from: this.versionPoint(s.fromVersion - 1), to: this.versionPoint(s.toVersion) },
        });
      } else {
        a = await this.ctx.session.askHistory({ case: "getDocumentBlame", value: { docId: this.docId, at: this.versionPoint(s.toVersion) } });
      }
      if (ask !== this.asked) return;
      this.show(a);
    } catch (e) {
      if (ask === this.asked) this.showRefusal(e);
    }
  }

  private show(a: HistoryAnswer): void {
    switch (a.case) {
      case "documentAt": {
        const d = a.value;
        const v = Number(d.version);
        this.detail.textContent = this.versionsDetail(this.chosen);
        replaceChildren(
          this.output,
          h(
            "pre",
            { class: "history-text", tabindex: "0", "aria-label": this.chosen ? t("history.textLabel", { i: this.index }) : t("history.empty0"), "data-version": String(v), "data-session": String(this.index) },
            d.text,
          ),
        );
        break;
      }
      case "documentDiff": {
        const d = a.value;
        const passages = diffPassages(d.segments);
        const s = this.chosen;
        const label =
          this.compare === "session" && s
            ? t("history.diffSession", { i: this.index, n: this.sessions.length, words: this.words(s) })
            : this.compare === "visit"
              ? t("history.sinceVisit")
              : t("history.sinceMeeting", { title: this.ctx.session.state.assessment.meetings.get(this.compare.slice("meeting:".length))?.title ?? "" });
        if (this.compare !== "session") this.status.textContent = label;
        this.detail.textContent = t("history.versions", { from: Number(d.fromVersion), to: Number(d.toVersion) });
        const changed = passages.some((p) => p.kind !== "equal");
        replaceChildren(
          this.output,
          changed ? null : h("p", { class: "muted" }, t("history.noChanges")),
          h("div", { class: "history-diff", tabindex: "0", role: "document", "aria-label": label }, passages.map((p) => this.diffPiece(p))),
        );
        break;
      }
      case "documentBlame": {
        const d = a.value;
        const passages = blamePassages(d.text, d.runs);
        const legend = authorLegend(passages);
        const numbers = new Map(legend.map((l) => [l.key, l.number]));
        const label = t("history.blameAt", { i: this.index });
        this.detail.textContent = this.versionsDetail(this.chosen);
        replaceChildren(
          this.output,
          h(
            "div",
            { class: "history-legend" },
            h("h3", {}, t("history.legend")),
            h(
              "ul",
              {},
              legend.map((l) =>
                h(
                  "li",
                  { "data-authors": l.authors.join(",") },
                  h("span", { class: "history-swatch", style: this.shade(l.authors), "aria-hidden": "true" }, String(l.number)),
                  " ",
                  this.names(l.authors),
                  " — ",
                  t("history.share", { n: l.codePoints }),
                ),
              ),
            ),
          ),
          h(
            "div",
            { class: "history-blame", tabindex: "0", role: "document", "aria-label": label, "data-version": String(Number(d.version)) },
            passages.map((p) => this.blamePiece(p, numbers.get(authorsKey(p.authors)) ?? 0)),
          ),
        );
        break;
      }
    }
  }

  private diffPiece(p: DiffPassage): HTMLElement | string {
    if (p.kind === "equal") return h("span", {}, p.text);
    const tag = p.kind === "inserted" ? "ins" : "del";
    const label = p.kind === "inserted" ? t("history.inserted") : t("history.deleted");
    const by = p.kind === "inserted" && p.authors.length ? this.names(p.authors) : undefined;
    return h(
      tag,
      { class: `history-${p.kind}`, title: by },
      h("span", { class: "visually-hidden" }, `${label} `),
      p.text,
      h("span", { class: "visually-hidden" }, ` ${t("history.changeEnd")}`),
    );
  }

  private blamePiece(p: AuthoredPassage, number: number): HTMLElement {
    const names = this.names(p.authors);
    return h(
      "span",
      { class: "history-run", style: this.shade(p.authors), title: names, "data-authors": p.authors.join(",") },
      h("sup", { class: "history-run-number", "aria-hidden": "true" }, String(number)),
      h("span", { class: "visually-hidden" }, `${t("history.writtenBy", { names })} `),
      p.text,
    );
  }

  private shade(authors: readonly string[]): string {
    const c = participantColor(authors[0] ?? "");
    // Two authors (an accepted suggestion): stripes of both colours.
    if (authors.length > 1) {
      const d = participantColor(authors[1]!);
      return `background: repeating-linear-gradient(135deg, ${tint(c, 0.22)} 0 6px, ${tint(d, 0.22)} 6px 12px)`;
    }
    return `background: ${tint(c, 0.22)}`;
  }

  private nameOf(id: string): string {
    return personName(this.ctx.session.state, id, id || t("history.unknownAuthor"));
  }

  private names(ids: readonly string[]): string {
    return listNames(language(), ids.map((id) => this.nameOf(id)));
  }

  private showRefusal(e: unknown): void {
    replaceChildren(this.output);
    this.detail.textContent = "";
    if (e instanceof HistoryRefusal) {
      // NOT_FOUND for the document itself: never edited.
      this.status.textContent =
        e.code === ErrorCode.NOT_FOUND && this.mode !== "diff" ? t("history.empty") : e.serverMessage ? `${errorSentence(e.code)} (${e.serverMessage})` : errorSentence(e.code);
      return;
    }
    this.status.textContent = String(e);
  }
}
