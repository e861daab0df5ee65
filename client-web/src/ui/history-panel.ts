// A draft's history (issue 6): a slider over its versions showing the text
// at the chosen one (read-only, with when and by whom it was made), the
// changes against the current draft (since the slider's version, since a
// meeting started, since my previous visit), and who wrote what (blame).
//
// Closed until asked for: the questions are replays on the server, and a
// person reading the draft should not pay for them. Marking never relies on
// colour alone: inserted text is underlined and deleted text struck through,
// each with a hidden label for screen readers; authorship passages carry
// their legend number and a hidden "Written by …".
import { create } from "@bufbuild/protobuf";
import { HistoryPointSchema, type HistoryPoint } from "../gen/kenes/v1/discussion_pb";
import { t, language } from "../i18n";
import {
  authorLegend,
  authorsKey,
  blamePassages,
  diffPassages,
  previousVisit,
  type AuthoredPassage,
  type DiffPassage,
} from "../model";
import { ErrorCode, HistoryRefusal, type HistoryAnswer } from "../net";
import { participantColor, tint } from "./colors";
import { h, replaceChildren } from "./dom";
import { errorSentence, personName } from "./labels";
import type { ViewContext } from "./view";

type Mode = "text" | "diff" | "blame";

let nextPanelId = 1;

export class HistoryPanel {
  readonly el = h("section", { class: "panel history", "aria-labelledby": "" });
  private readonly uid = `history-${nextPanelId++}`;
  private open = false;
  private mode: Mode = "text";
  private latest = 0;
  private version = 0;
  /** "version", "visit" or "meeting:<id>": what the diff starts from. */
  private compare = "version";
  private readonly previousVisitMs: number | null;
  private readonly toggle: HTMLButtonElement;
  private readonly body = h("div", { class: "history-body" });
  private readonly status = h("p", { class: "history-status", role: "status", "aria-live": "polite" });
  private readonly output = h("div", { class: "history-output" });
  private slider: HTMLInputElement | null = null;
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
    this.el.append(h("h2", { id: titleId, class: "panel-title" }, t("history.title")), this.toggle, this.body);
    this.previousVisitMs = this.readVisit();
    this.render();
  }

  /** The state changed: redraw the controls if the language or the meetings did (not while sliding). */
  refresh(): void {
    const signature = [language(), ...this.ctx.session.state.assessment.meetings.keys()].join("|");
    if (signature === this.signature) return;
    this.signature = signature;
    this.render();
    if (this.open) void this.load();
  }

  /** A new version of the draft exists: the slider's range follows, once the typing rests. */
  documentChanged(): void {
    if (!this.open) return;
    if (this.changeTimer) clearTimeout(this.changeTimer);
    this.changeTimer = setTimeout(() => {
      this.changeTimer = null;
      if (this.mode === "blame" || this.mode === "diff") void this.load();
      else void this.askLatest();
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
    if (open) void this.askLatest(true);
  }

  private render(): void {
    this.toggle.textContent = this.open ? t("history.hide") : t("history.show");
    this.toggle.setAttribute("aria-expanded", String(this.open));
    if (!this.open) return;
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
      max: String(this.latest),
      step: "1",
      value: String(this.version),
    });
    this.slider.addEventListener("input", () => {
      this.version = Number(this.slider!.value);
      if (this.sliderTimer) clearTimeout(this.sliderTimer);
      // Dragging asks once it rests, not for every step it passes.
      this.sliderTimer = setTimeout(() => void this.load(), 120);
    });
    const sliderField = h(
      "div",
      { class: "history-slider-field", hidden: this.mode === "blame" || (this.mode === "diff" && this.compare !== "version") },
      h("label", { for: sliderId }, t("history.slider")),
      this.slider,
    );
    const compareId = `${this.uid}-compare`;
    const options = [h("option", { value: "version", selected: this.compare === "version" }, t("history.sinceVersion", { v: this.version }))];
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
    replaceChildren(this.body, modeField, compareField, sliderField, this.status, this.output);
  }

  private point(): HistoryPoint {
    if (this.mode === "diff" && this.compare === "visit" && this.previousVisitMs !== null) {
      return create(HistoryPointSchema, { at: { case: "timeUnixMs", value: BigInt(this.previousVisitMs) } });
    }
    if (this.mode === "diff" && this.compare.startsWith("meeting:")) {
      return create(HistoryPointSchema, { at: { case: "meetingStarted", value: this.compare.slice("meeting:".length) } });
    }
    return create(HistoryPointSchema, { at: { case: "version", value: BigInt(this.version) } });
  }

  /** Learns the latest version; the first time, the slider starts there. */
  private async askLatest(first = false): Promise<void> {
    const ask = ++this.asked;
    try {
      const a = await this.ctx.session.askHistory({ case: "getDocumentAt", value: { docId: this.docId } });
      if (ask !== this.asked || a.case !== "documentAt") return;
      const wasAtEnd = this.version === this.latest;
      this.latest = Number(a.value.latestVersion);
      if (first || wasAtEnd) this.version = this.latest;
      this.render();
      await this.load();
    } catch (e) {
      if (ask === this.asked) this.showRefusal(e);
    }
  }

  private async load(): Promise<void> {
    if (!this.open) return;
    const ask = ++this.asked;
    if (!this.output.hasChildNodes()) this.status.textContent = t("history.loading");
    try {
      let a: HistoryAnswer;
      if (this.mode === "text") {
        a = await this.ctx.session.askHistory({ case: "getDocumentAt", value: { docId: this.docId, at: this.point() } });
      } else if (this.mode === "diff") {
        a = await this.ctx.session.askHistory({ case: "getDocumentDiff", value: { docId: this.docId, from: this.point() } });
      } else {
        a = await this.ctx.session.askHistory({ case: "getDocumentBlame", value: { docId: this.docId } });
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
        this.latest = Number(d.latestVersion);
        const v = Number(d.version);
        if (this.slider) {
          this.slider.max = String(this.latest);
          this.slider.value = String(v);
        }
        const label =
          v === 0
            ? t("history.version0", { n: this.latest })
            : t("history.versionBy", { v, n: this.latest, time: this.formatTime(Number(d.timeUnixMs)), name: this.nameOf(d.author) });
        this.slider?.setAttribute("aria-valuetext", label);
        this.status.textContent = label;
        replaceChildren(
          this.output,
          h("pre", { class: "history-text", tabindex: "0", "aria-label": t("history.textLabel", { v }), "data-version": String(v) }, d.text),
        );
        break;
      }
      case "documentDiff": {
        const d = a.value;
        const passages = diffPassages(d.segments);
        const label = t("history.diffLabel", { from: Number(d.fromVersion), to: Number(d.toVersion) });
        this.status.textContent = label;
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
        this.status.textContent = t("history.blameLabel");
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
            { class: "history-blame", tabindex: "0", role: "document", "aria-label": t("history.blameLabel") },
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
    const names = ids.map((id) => this.nameOf(id));
    try {
      return new Intl.ListFormat(language(), { type: "conjunction" }).format(names);
    } catch {
      return names.join(", ");
    }
  }

  private formatTime(ms: number): string {
    try {
      return new Date(ms).toLocaleString(language());
    } catch {
      return new Date(ms).toISOString();
    }
  }

  private showRefusal(e: unknown): void {
    replaceChildren(this.output);
    if (e instanceof HistoryRefusal) {
      // NOT_FOUND for the document itself: never edited.
      this.status.textContent =
        e.code === ErrorCode.NOT_FOUND && this.mode !== "diff" ? t("history.empty") : e.serverMessage ? `${errorSentence(e.code)} (${e.serverMessage})` : errorSentence(e.code);
      return;
    }
    this.status.textContent = String(e);
  }
}
