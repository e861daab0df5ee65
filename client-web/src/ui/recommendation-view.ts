// A category's policy recommendations to one stakeholder group
// (/c/<consultation>/r/<category>/<group slug>): a draft like an indicator's,
// in the same editor with the same carets, presence and read-only rule; the
// report reads it by recommendationDocId(). Its text is asked for first when
// the page does not have it (joined by state).
import type { TextOp } from "../core";
import { t } from "../i18n";
import { canEditDrafts, groupOfSlug, recommendationDocId, type RecommendationGroupSlug } from "../model";
import { h, replaceChildren } from "./dom";
import { DraftLoader } from "./draft-loader";
import { othersCursors } from "./draft-cursors";
import { EditorBinding } from "./editor-binding";
import { HistoryPanel } from "./history-panel";
import { groupName } from "./labels";
import { renderPresence } from "./presence-panel";
import { ThreadsPanel } from "./threads-panel";
import { overviewPath } from "./router";
import type { View, ViewContext } from "./view";

export class RecommendationView implements View {
  readonly el = h("div", { class: "page layout recommendation" });
  /** Empty when the address names no known category and group. */
  readonly docId: string;
  private editor: EditorBinding | null = null;
  private readonly header = h("div", { class: "indicator-header" });
  private readonly editorHost = h("div", { class: "editor", id: "draft-editor" });
  private readonly editorSection = h("section", { class: "draft", "aria-labelledby": "draft-title" });
  private readonly presenceHost = h("div", {});
  private readonly history: HistoryPanel | null;
  private readonly threads: ThreadsPanel | null;
  private readonly loader: DraftLoader;

  constructor(
    private readonly ctx: ViewContext,
    readonly categoryId: string,
    readonly group: string,
  ) {
    this.docId = groupOfSlug(group) ? recommendationDocId(categoryId, group as RecommendationGroupSlug) : "";
    this.loader = new DraftLoader(ctx, () => this.refresh());
    this.history = this.docId ? new HistoryPanel(ctx, this.docId) : null;
    // Threads on a recommendation draft count under no indicator (ThreadTarget).
    this.threads = this.docId ? new ThreadsPanel(ctx, this.docId, "", () => this.editor?.view ?? null) : null;
    this.el.append(
      h("div", { class: "content" }, this.header, this.editorSection, this.history?.el ?? null),
      h("aside", { class: "sidebar" }, this.presenceHost, this.threads?.el ?? null),
    );
    this.refresh();
  }

  refresh(): void {
    const st = this.ctx.session.state;
    const category = st.framework?.categories.find((c) => c.id === this.categoryId);
    const back = h("a", { href: overviewPath(this.ctx.consultationId), class: "back" }, "← ", t("indicator.back"));
    const found = !!category && this.docId !== "";
    replaceChildren(
      this.header,
      h("nav", { "aria-label": t("indicator.back") }, back),
      category ? h("p", { class: "crumbs muted" }, `${category.id} ${category.title}`) : null,
      h(
        "h1",
        { id: "page-title", tabindex: "-1" },
        found
          ? t("recommendation.title", { category: this.categoryId, group: groupName(groupOfSlug(this.group)) })
          : st.framework
            ? t("recommendation.notFound")
            : t("indicator.loading"),
      ),
    );
    this.editorSection.hidden = !found;
    if (this.history) this.history.el.hidden = !found;
    if (this.threads) this.threads.el.hidden = !found;
    if (!found) return;
    this.history?.refresh();
    const editable = canEditDrafts(this.ctx.me.role);
    const title = h("h2", { id: "draft-title", class: "panel-title" }, t("recommendation.draft"));
    if (!this.loader.ready(this.docId)) {
      // As in IndicatorView.refresh: editor and threads wait for the text.
      this.editor?.destroy();
      this.editor = null;
      if (this.threads) this.threads.el.hidden = true;
      replaceChildren(this.editorSection, title, this.loader.placeholder(this.docId));
      this.presenceChanged();
      return;
    }
    // As in IndicatorView.refresh: whoever is typing keeps the focus.
    const typing = this.editorHost.contains(document.activeElement);
    replaceChildren(
      this.editorSection,
      title,
      editable ? null : h("p", { class: "note", id: "read-only-note" }, t("recommendation.readOnly")),
      this.editorHost,
    );
    if (typing) this.editor?.view.focus();
    const label = t("recommendation.editorLabel", { category: this.categoryId, group: groupName(groupOfSlug(this.group)) });
    const placeholder = editable ? t("recommendation.emptyEditable") : t("indicator.emptyReadOnly");
    if (!this.editor) {
      this.editor = new EditorBinding({ parent: this.editorHost, session: this.ctx.session, docId: this.docId, editable, label, placeholder });
      this.ctx.session.setPresence(this.docId, [], false);
    } else {
      this.editor.setLabels(label, placeholder);
    }
    this.threads?.refresh();
    this.presenceChanged();
  }

  discussionChanged(): void {
    if (this.editor) this.threads?.refresh();
  }

  presenceChanged(): void {
    if (!this.docId) return;
    const me = { id: this.ctx.me.id, name: this.ctx.session.state.participants.get(this.ctx.me.id)?.displayName || this.ctx.me.name, role: this.ctx.me.role };
    this.presenceHost.replaceChildren(renderPresence(this.ctx.session.presence(), me, this.docId));
    this.editor?.showCursors(othersCursors(this.ctx, this.docId));
  }

  textFolded(docId: string, op: TextOp): void {
    if (docId !== this.docId) return;
    this.editor?.applyRemote(op);
    this.history?.documentChanged();
    if (this.editor) this.threads?.textChanged();
  }

  docReset(docId: string): void {
    if (docId !== this.docId) return;
    this.editor?.resync();
    this.threads?.textChanged();
  }

  focus(): void {
    (this.el.querySelector("#page-title") as HTMLElement | null)?.focus();
  }

  editorText(): string | null {
    return this.editor?.text() ?? null;
  }

  destroy(): void {
    this.loader.destroy();
    this.history?.destroy();
    this.threads?.destroy();
    this.editor?.destroy();
    this.editor = null;
  }
}
