// One indicator: where it sits in the framework, its suggested sources, and
// its draft in a CodeMirror editor bound to the OT client, with the others'
// carets and a list of who is here. Read-only for members and observers.
// The draft's text is asked for first when the page does not have it
// (joined by state): "Loading the draft…" until it is in.
import type { TextOp } from "../core";
import type { Indicator } from "../gen/kenes/v1/framework_pb";
import { canEditDrafts, indicatorDocId } from "../model";
import { t } from "../i18n";
import { h, replaceChildren } from "./dom";
import { AssessmentPanel } from "./assessment-panel";
import { DraftLoader } from "./draft-loader";
import { othersCursors } from "./draft-cursors";
import { EditorBinding } from "./editor-binding";
import { HistoryPanel } from "./history-panel";
import { renderPresence } from "./presence-panel";
import { ThreadsPanel } from "./threads-panel";
import { overviewPath } from "./router";
import type { View, ViewContext } from "./view";

export class IndicatorView implements View {
  readonly el = h("div", { class: "page layout indicator" });
  readonly docId: string;
  private editor: EditorBinding | null = null;
  private readonly header = h("div", { class: "indicator-header" });
  private readonly editorHost = h("div", { class: "editor", id: "draft-editor" });
  private readonly editorSection = h("section", { class: "draft", "aria-labelledby": "draft-title" });
  private readonly sources = h("div", { class: "sources-wrap" });
  private readonly aside = h("aside", { class: "sidebar" });
  private readonly presenceHost = h("div", {});
  private readonly assessment: AssessmentPanel;
  private readonly history: HistoryPanel;
  private readonly threads: ThreadsPanel;
  private readonly loader: DraftLoader;

  constructor(
    private readonly ctx: ViewContext,
    readonly indicatorId: string,
  ) {
    this.docId = indicatorDocId(indicatorId);
    this.loader = new DraftLoader(ctx, () => this.refresh());
    this.assessment = new AssessmentPanel(ctx, indicatorId);
    this.history = new HistoryPanel(ctx, this.docId);
    this.threads = new ThreadsPanel(ctx, this.docId, indicatorId, () => this.editor?.view ?? null);
    this.aside.append(this.presenceHost, this.threads.el, this.assessment.el);
    this.el.append(h("div", { class: "content" }, this.header, this.editorSection, this.history.el, this.sources), this.aside);
    this.refresh();
  }

  private get editable(): boolean {
    return canEditDrafts(this.ctx.me.role);
  }

  refresh(): void {
    const st = this.ctx.session.state;
    const ind = st.findIndicator(this.indicatorId);
    const back = h("a", { href: overviewPath(this.ctx.consultationId), class: "back" }, "← ", t("indicator.back"));
    if (!ind) {
      replaceChildren(this.header, 
        h("nav", { "aria-label": t("indicator.back") }, back),
        h("h1", { id: "page-title", tabindex: "-1" }, st.framework ? t("indicator.notFound", { id: this.indicatorId }) : t("indicator.loading")),
      );
      this.editorSection.hidden = true;
      this.history.el.hidden = true;
      this.assessment.el.hidden = true;
      this.threads.el.hidden = true;
      this.renderPresence();
      return;
    }
    const path = this.pathOf(ind);
    replaceChildren(this.header, 
      h("nav", { "aria-label": t("indicator.back") }, back),
      path.length ? h("p", { class: "crumbs muted" }, path.join(" › ")) : null,
      h("h1", { id: "page-title", tabindex: "-1" }, h("span", { class: "ind-id" }, ind.id), " ", ind.title),
      ind.core ? h("p", {}, h("span", { class: "badge core" }, t("indicator.core"))) : null,
    );
    this.editorSection.hidden = false;
    this.history.el.hidden = false;
    this.history.refresh();
    this.assessment.el.hidden = false;
    this.assessment.refresh();
    replaceChildren(this.sources, 
      ind.sources.length
        ? h(
            "section",
            { class: "sources", "aria-labelledby": "sources-title" },
            h("h2", { id: "sources-title", class: "panel-title" }, t("indicator.sources")),
            h("ul", {}, ind.sources.map((s) => h("li", {}, s))),
          )
        : null,
    );
    const title = h("h2", { id: "draft-title", class: "panel-title" }, t("indicator.draft"));
    if (!this.loader.ready(this.docId)) {
      // No text yet, or a newer state took it: the editor and the threads
      // (whose quotes read the text) wait for it.
      this.editor?.destroy();
      this.editor = null;
      this.threads.el.hidden = true;
      replaceChildren(this.editorSection, title, this.loader.placeholder(this.docId));
      this.renderPresence();
      return;
    }
    this.threads.el.hidden = false;
    // Re-inserting the editor blurs it: someone typing must keep the focus
    // (and their next keystrokes) when the view re-renders around them.
    const typing = this.editorHost.contains(document.activeElement);
    replaceChildren(this.editorSection, 
      title,
      this.editable ? null : h("p", { class: "note", id: "read-only-note" }, t("indicator.readOnly")),
      this.editorHost,
    );
    if (typing) this.editor?.view.focus();
    const label = t("indicator.editorLabel", { id: ind.id });
    const emptyText = this.editable ? t("indicator.emptyEditable") : t("indicator.emptyReadOnly");
    if (!this.editor) {
      this.editor = new EditorBinding({
        parent: this.editorHost,
        session: this.ctx.session,
        docId: this.docId,
        editable: this.editable,
        label,
        placeholder: emptyText,
      });
      this.ctx.session.setPresence(this.docId, [], false);
    } else {
      this.editor.setLabels(label, emptyText);
    }
    this.threads.refresh();
    this.renderPresence();
  }

  discussionChanged(): void {
    if (this.editor && this.ctx.session.state.findIndicator(this.indicatorId)) this.threads.refresh();
  }

  assessmentChanged(): void {
    if (this.ctx.session.state.findIndicator(this.indicatorId)) this.assessment.refresh();
  }

  presenceChanged(): void {
    this.renderPresence();
  }

  textFolded(docId: string, op: TextOp): void {
    if (docId !== this.docId) return;
    this.editor?.applyRemote(op);
    this.history.documentChanged();
    if (this.editor) this.threads.textChanged();
    // "Changed since validation" and the validation poll's version follow the draft.
    this.assessment.refresh();
  }

  docReset(docId: string): void {
    if (docId === this.docId) {
      this.editor?.resync();
      this.threads.textChanged();
    }
  }

  focus(): void {
    (this.el.querySelector("#page-title") as HTMLElement | null)?.focus();
  }

  /** For tests and debugging: the editor's text. */
  editorText(): string | null {
    return this.editor?.text() ?? null;
  }

  destroy(): void {
    this.loader.destroy();
    this.history.destroy();
    this.threads.destroy();
    this.editor?.destroy();
    this.editor = null;
  }

  private renderPresence(): void {
    const others = this.ctx.session.presence();
    const me = { id: this.ctx.me.id, name: this.ctx.session.state.participants.get(this.ctx.me.id)?.displayName || this.ctx.me.name, role: this.ctx.me.role };
    this.presenceHost.replaceChildren(renderPresence(others, me, this.docId));
    this.editor?.showCursors(othersCursors(this.ctx, this.docId));
  }

  private pathOf(ind: Indicator): string[] {
    for (const c of this.ctx.session.state.framework?.categories ?? [])
      for (const th of c.themes)
        for (const q of th.questions) if (q.indicators.some((i) => i.id === ind.id)) return [`${c.id} ${c.title}`, th.title, q.title];
    return [];
  }
}
