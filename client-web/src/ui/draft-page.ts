// A page for one draft that is no indicator's: a category's recommendations
// to a stakeholder group (recommendation-view.ts), a section of the report
// such as the executive summary (report-section-view.ts). The draft in the
// same editor as an indicator's, with the same carets, presence, comments,
// suggestions and history, read-only for members and observers; threads on
// it count under its document id (ThreadTarget with no indicator). Its text
// is asked for first when the page does not have it (joined by state).
// What differs between such pages — the document, the way back, the heading
// and the words around the editor — is a DraftPageSpec.
import type { TextOp } from "../core";
import { t } from "../i18n";
import { canEditDrafts } from "../model";
import { h, replaceChildren } from "./dom";
import { DraftLoader } from "./draft-loader";
import { othersCursors } from "./draft-cursors";
import { EditorBinding } from "./editor-binding";
import { HistoryPanel } from "./history-panel";
import { renderPresence } from "./presence-panel";
import { ThreadsPanel } from "./threads-panel";
import type { View, ViewContext } from "./view";

/** The page's heading, as the state now allows: found, or why not. */
export interface DraftHeading {
  /** Whether the address names a draft of this consultation. */
  readonly found: boolean;
  /** Where it sits (a category's name), above the title; optional. */
  readonly crumbs?: string;
  /** The page's title; when not found, the sentence saying so. */
  readonly title: string;
  /** What belongs in the draft, in a sentence under the title; optional. */
  readonly lead?: string;
}

/** Read in the current language on every refresh (the language may change). */
export interface DraftPageSpec {
  /** The draft's document id; "" when the address names none (no editor then). */
  readonly docId: string;
  /** A class for the page element, beside "page layout". */
  readonly pageClass: string;
  back(): { readonly href: string; readonly label: string };
  heading(): DraftHeading;
  /** The heading over the editor ("Draft recommendations"). */
  draftTitle(): string;
  /** The editor's accessible name. */
  editorLabel(): string;
  /** Shown to those who may read but not edit. */
  readOnlyNote(): string;
  /** The placeholder of an empty draft for those who may edit it. */
  emptyEditable(): string;
}

export class DraftPage implements View {
  readonly el: HTMLElement;
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
    private readonly spec: DraftPageSpec,
  ) {
    this.docId = spec.docId;
    this.el = h("div", { class: `page layout ${spec.pageClass}` });
    this.loader = new DraftLoader(ctx, () => this.refresh());
    this.history = this.docId ? new HistoryPanel(ctx, this.docId) : null;
    this.threads = this.docId ? new ThreadsPanel(ctx, this.docId, "", () => this.editor?.view ?? null) : null;
    this.el.append(
      h("div", { class: "content" }, this.header, this.editorSection, this.history?.el ?? null),
      h("aside", { class: "sidebar" }, this.presenceHost, this.threads?.el ?? null),
    );
    this.refresh();
  }

  refresh(): void {
    const back = this.spec.back();
    const heading = this.spec.heading();
    const found = heading.found && this.docId !== "";
    replaceChildren(
      this.header,
      h("nav", { "aria-label": back.label }, h("a", { href: back.href, class: "back" }, "← ", back.label)),
      heading.crumbs ? h("p", { class: "crumbs muted" }, heading.crumbs) : null,
      h("h1", { id: "page-title", tabindex: "-1" }, heading.title),
      heading.lead ? h("p", { class: "muted draft-lead" }, heading.lead) : null,
    );
    this.editorSection.hidden = !found;
    if (this.history) this.history.el.hidden = !found;
    if (this.threads) this.threads.el.hidden = !found;
    if (!found) return;
    this.history?.refresh();
    const editable = canEditDrafts(this.ctx.me.role);
    const title = h("h2", { id: "draft-title", class: "panel-title" }, this.spec.draftTitle());
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
      editable ? null : h("p", { class: "note", id: "read-only-note" }, this.spec.readOnlyNote()),
      this.editorHost,
    );
    if (typing) this.editor?.view.focus();
    const label = this.spec.editorLabel();
    const placeholder = editable ? this.spec.emptyEditable() : t("indicator.emptyReadOnly");
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

  /** For tests and debugging: the editor's text. */
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
