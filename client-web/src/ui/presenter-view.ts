// The presenter view (/c/<consultation>/present) for the meeting room's
// wall: the spotlighted indicator's draft in large type with everyone's live
// cursors and, beside it, the vote (issue 20): while a poll is open its
// question and the live turnout — never the figures, which would sway the
// people still voting — and once it closes, the result, until the next poll
// opens or the chair moves on (wall-poll.ts). It follows the chair's
// spotlight by itself, asking for the draft's text first when the page does
// not have it (joined by state).
//
// Everything is on one screen, at any size: type is set in viewport units,
// and a long draft (or poll) scales its own type down (fit()) instead of
// scrolling the page; only past the smallest readable size does the draft
// scroll inside its own box.
import type { TextOp } from "../core";
import { t } from "../i18n";
import { indicatorDocId } from "../model";
import { h, replaceChildren } from "./dom";
import { DraftLoader } from "./draft-loader";
import { othersCursors } from "./draft-cursors";
import { EditorBinding } from "./editor-binding";
import { renderPollResults } from "./poll-chart";
import type { View, ViewContext } from "./view";
import { type WallPoll, wallPoll } from "./wall-poll";

/** The smallest scale fit() goes to: the draft's text at 0.45 × 1.45 × 2.6vh ≈ 12 px at 720 px high. */
const MIN_SCALE = 0.45;

export class PresenterView implements View {
  readonly el = h("div", { class: "page presenter" });
  private readonly heading = h("div", { class: "present-heading" });
  private readonly editorHost = h("div", { class: "editor present-editor", id: "present-editor" });
  private readonly pollHost = h("section", { class: "present-poll", "aria-live": "polite", "aria-labelledby": "present-poll-label" });
  private readonly body = h("div", { class: "present-body" }, this.editorHost, this.pollHost);
  private editor: EditorBinding | null = null;
  private shownIndicator = "";
  private readonly loader: DraftLoader;
  private fitFrame = 0;
  private readonly onResize = () => this.scheduleFit();

  constructor(private readonly ctx: ViewContext) {
    this.loader = new DraftLoader(ctx, () => this.refresh());
    this.el.append(this.heading, this.body);
    this.ctx.session.setPresence("", [], false);
    window.addEventListener("resize", this.onResize);
    this.refresh();
  }

  refresh(): void {
    const st = this.ctx.session.state;
    const m = st.assessment.currentMeeting;
    const spot = m?.spotlight ?? "";
    const ind = spot ? st.findIndicator(spot) : undefined;
    replaceChildren(
      this.heading,
      h("h1", { id: "page-title", tabindex: "-1", class: "present-title" }, ind ? [h("span", { class: "ind-id" }, ind.id), " ", ind.title] : t("present.title")),
      !m ? h("p", { class: "present-wait" }, t("present.noMeeting")) : !ind ? h("p", { class: "present-wait" }, t("present.waiting")) : null,
    );
    const docId = ind ? indicatorDocId(ind.id) : "";
    // Another indicator on screen, or a newer state took this draft's text.
    if (spot !== this.shownIndicator || (this.editor && docId && !st.doc(docId).loaded)) {
      this.editor?.destroy();
      this.editor = null;
      this.editorHost.replaceChildren();
      this.shownIndicator = spot;
    }
    if (ind && !this.editor) {
      if (!this.loader.ready(docId)) {
        this.editorHost.replaceChildren(this.loader.placeholder(docId));
      } else {
        this.editorHost.replaceChildren();
        this.editor = new EditorBinding({
          parent: this.editorHost,
          session: this.ctx.session,
          docId: indicatorDocId(ind.id),
          editable: false,
          label: t("indicator.editorLabel", { id: ind.id }),
          placeholder: t("indicator.emptyReadOnly"),
        });
      }
    }
    this.editorHost.hidden = !ind;
    const shown = wallPoll(st.assessment.polls.values(), st.assessment.openPoll(), m);
    this.pollHost.hidden = !shown;
    this.body.classList.toggle("with-poll", !!shown);
    replaceChildren(this.pollHost, shown ? this.renderPoll(shown) : null);
    this.presenceChanged();
    this.scheduleFit();
  }

  private renderPoll({ poll, voting }: WallPoll): (HTMLElement | null)[] {
    const u = poll.update;
    const voters = Number(u?.voters ?? 0n);
    const eligible = Number(u?.eligible ?? 0n);
    return [
      h("p", { class: "present-poll-label", id: "present-poll-label" }, voting ? t("present.question") : t("present.result")),
      h("p", { class: "present-question" }, poll.definition.question),
      voting
        ? h(
            "div",
            { class: "present-turnout" },
            h("p", { class: "turnout-figure" }, t("poll.turnout", { voters, eligible })),
            // The same figure as a bar, for the back of the room; the text above says it.
            h("span", { class: "bar-track turnout-bar", "aria-hidden": "true" }, h("span", { class: "bar-fill", style: `width: ${eligible > 0 ? Math.round((voters / eligible) * 100) : 0}%` })),
            h("p", { class: "present-note" }, t("present.resultsAtClose")),
          )
        : renderPollResults(poll),
    ];
  }

  private scheduleFit(): void {
    if (this.fitFrame) return;
    this.fitFrame = requestAnimationFrame(() => {
      this.fitFrame = 0;
      this.fit();
    });
  }

  /**
   * Sizes the view to the window below the top bar, then gives the draft
   * and the poll each the largest type scale (at most 1, at least
   * MIN_SCALE) at which it does not overflow its box: a long draft shrinks
   * without taking the vote's type down with it. Binary search: each step
   * is one layout.
   */
  private fit(): void {
    if (!this.el.isConnected) return;
    const top = this.el.getBoundingClientRect().top + window.scrollY;
    const bottomPad = parseFloat(getComputedStyle(this.el.parentElement ?? this.el).paddingBottom) || 0;
    this.el.style.height = `${Math.max(200, window.innerHeight - top - bottomPad)}px`;
    this.fitBox("--draft-scale", () => this.editorHost.querySelector(".cm-scroller"));
    this.fitBox("--poll-scale", () => this.pollHost);
  }

  private fitBox(property: string, box: () => Element | null): void {
    const fits = (scale: number): boolean => {
      this.el.style.setProperty(property, String(scale));
      const el = box();
      return !el || el.scrollHeight <= el.clientHeight + 1;
    };
    if (fits(1)) return;
    let lo = MIN_SCALE;
    let hi = 1;
    for (let i = 0; i < 7; i++) {
      const mid = (lo + hi) / 2;
      if (fits(mid)) lo = mid;
      else hi = mid;
    }
    fits(lo);
  }

  presenceChanged(): void {
    if (!this.editor || !this.shownIndicator) return;
    // The projector's own tab sets no caret; the chair's other tabs count.
    this.editor.showCursors(othersCursors(this.ctx, indicatorDocId(this.shownIndicator), true));
  }

  textFolded(docId: string, op: TextOp): void {
    if (this.shownIndicator && docId === indicatorDocId(this.shownIndicator)) {
      this.editor?.applyRemote(op);
      this.scheduleFit();
    }
  }

  focus(): void {
    (this.el.querySelector("#page-title") as HTMLElement | null)?.focus();
  }

  editorText(): string | null {
    return this.editor?.text() ?? null;
  }

  destroy(): void {
    if (this.fitFrame) cancelAnimationFrame(this.fitFrame);
    window.removeEventListener("resize", this.onResize);
    this.loader.destroy();
    this.editor?.destroy();
    this.editor = null;
  }
}
