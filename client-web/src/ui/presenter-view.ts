// The presenter view (/c/<consultation>/present) for the meeting room's
// projector: the spotlighted indicator's draft in large type with everyone's
// live cursors, and the open poll's question with its chart when the results
// are visible. It follows the chair's spotlight by itself, asking for the
// draft's text first when the page does not have it (joined by state).
import type { TextOp } from "../core";
import { t } from "../i18n";
import { indicatorDocId } from "../model";
import { h, replaceChildren } from "./dom";
import { DraftLoader } from "./draft-loader";
import { othersCursors } from "./draft-cursors";
import { EditorBinding } from "./editor-binding";
import { renderPollResults } from "./poll-chart";
import type { View, ViewContext } from "./view";

export class PresenterView implements View {
  readonly el = h("div", { class: "page presenter" });
  private readonly heading = h("div", { class: "present-heading" });
  private readonly editorHost = h("div", { class: "editor present-editor", id: "present-editor" });
  private readonly pollHost = h("section", { class: "present-poll", "aria-live": "polite" });
  private editor: EditorBinding | null = null;
  private shownIndicator = "";
  private readonly loader: DraftLoader;

  constructor(private readonly ctx: ViewContext) {
    this.loader = new DraftLoader(ctx, () => this.refresh());
    this.el.append(this.heading, this.editorHost, this.pollHost);
    this.ctx.session.setPresence("", [], false);
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
    const poll = st.assessment.openPoll();
    replaceChildren(
      this.pollHost,
      poll ? [h("h2", {}, t("present.question")), h("p", { class: "present-question" }, poll.definition.question), renderPollResults(poll)] : null,
    );
    this.presenceChanged();
  }

  presenceChanged(): void {
    if (!this.editor || !this.shownIndicator) return;
    // The projector's own tab sets no caret; the chair's other tabs count.
    this.editor.showCursors(othersCursors(this.ctx, indicatorDocId(this.shownIndicator), true));
  }

  textFolded(docId: string, op: TextOp): void {
    if (this.shownIndicator && docId === indicatorDocId(this.shownIndicator)) this.editor?.applyRemote(op);
  }

  focus(): void {
    (this.el.querySelector("#page-title") as HTMLElement | null)?.focus();
  }

  editorText(): string | null {
    return this.editor?.text() ?? null;
  }

  destroy(): void {
    this.loader.destroy();
    this.editor?.destroy();
    this.editor = null;
  }
}
