// One indicator, laid out for work (issue 20): the draft in a CodeMirror
// editor bound to the OT client, with the others' carets, on the left and
// kept in view (it scrolls inside itself, not with the page), so that a
// thread or a suggestion being reviewed beside it never pushes it away; on
// the right who is here, the status and any open vote — always at the top —
// then tabs: discussion (threads and suggestions), polls and assignees,
// sources and evidence, history. Between the heading and the draft, what the
// framework says (issue 19, framework-guide.ts): the question the indicator
// answers, and its guidance and means of verification in a part that
// folds. Read-only for members and observers. The draft's text is asked for
// first when the page does not have it (joined by state): "Loading the
// draft…" until it is in.
import type { TextOp } from "../core";
import type { Indicator, Question } from "../gen/kenes/v1/framework_pb";
import { canEditDrafts, indicatorDocId } from "../model";
import { type MessageKey, t } from "../i18n";
import { h, replaceChildren } from "./dom";
import { AssessmentPanel } from "./assessment-panel";
import { DraftLoader } from "./draft-loader";
import { othersCursors } from "./draft-cursors";
import { EditorBinding } from "./editor-binding";
import { FrameworkGuide, indicatorTypeName } from "./framework-guide";
import { HistoryPanel } from "./history-panel";
import { renderPresence } from "./presence-panel";
import { ThreadsPanel } from "./threads-panel";
import { overviewPath } from "./router";
import type { View, ViewContext } from "./view";

type Tab = "discussion" | "polls" | "sources" | "history";
const TABS: readonly { readonly id: Tab; readonly label: MessageKey }[] = [
  { id: "discussion", label: "indicator.tab.discussion" },
  { id: "polls", label: "indicator.tab.polls" },
  { id: "sources", label: "indicator.tab.sources" },
  { id: "history", label: "indicator.tab.history" },
];
/** The tab last chosen, for the next indicator opened in this tab of the browser. */
const TAB_KEY = "kenes.indicatorTab";

function savedTab(): Tab {
  try {
    const v = sessionStorage.getItem(TAB_KEY);
    if (TABS.some((x) => x.id === v)) return v as Tab;
  } catch {
    /* storage refused: the default */
  }
  return "discussion";
}

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
  private readonly pollStrip = h("div", { class: "poll-strip", "aria-live": "polite" });
  private readonly tabList = h("div", { class: "side-tabs", role: "tablist" });
  private readonly tabs = new Map<Tab, HTMLButtonElement>();
  private readonly panels = new Map<Tab, HTMLElement>();
  private tab: Tab = savedTab();
  private readonly guide = new FrameworkGuide();
  private readonly column = h("div", { class: "content" }, this.header, this.guide.el, this.editorSection);
  private readonly onResize = () => this.fitColumn();
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
    const contents: Record<Tab, (HTMLElement | null)[]> = {
      discussion: [this.threads.el],
      polls: [this.assessment.el],
      sources: [this.sources, this.assessment.sourcesSection],
      history: [this.history.el],
    };
    for (const { id } of TABS) {
      const tab = h("button", {
        type: "button",
        role: "tab",
        id: `tab-${id}`,
        class: "side-tab",
        "aria-controls": `panel-${id}`,
        onclick: () => this.select(id),
        onkeydown: (e) => this.tabKey(e as KeyboardEvent),
      });
      this.tabs.set(id, tab);
      this.tabList.append(tab);
      this.panels.set(id, h("div", { class: "side-panel", role: "tabpanel", id: `panel-${id}`, "aria-labelledby": `tab-${id}`, tabindex: "0" }, contents[id]));
    }
    this.aside.append(
      this.presenceHost,
      h("div", { class: "side-top" }, this.assessment.statusSection, this.pollStrip),
      this.tabList,
      ...this.panels.values(),
    );
    this.el.append(this.column, this.aside);
    window.addEventListener("resize", this.onResize);
    this.showTab();
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
      this.guide.el.hidden = true;
      this.history.el.hidden = true;
      this.assessment.el.hidden = true;
      this.threads.el.hidden = true;
      this.aside.hidden = true;
      this.renderPresence();
      return;
    }
    this.aside.hidden = false;
    this.tabList.setAttribute("aria-label", t("indicator.panels"));
    for (const { id, label } of TABS) this.tabs.get(id)!.textContent = t(label);
    const path = this.pathOf(ind);
    const type = indicatorTypeName(ind.type);
    replaceChildren(this.header, 
      h("nav", { "aria-label": t("indicator.back"), class: "indicator-nav" }, back, path.length ? h("span", { class: "crumbs muted" }, path.join(" › ")) : null),
      h(
        "h1",
        { id: "page-title", tabindex: "-1" },
        h("span", { class: "ind-id" }, ind.id),
        " ",
        ind.title,
        ind.core ? [" ", h("span", { class: "badge core" }, t("indicator.core"))] : null,
        type ? [" ", h("span", { class: "badge type", id: "indicator-type" }, type)] : null,
      ),
    );
    this.guide.render(ind, this.questionOf(ind));
    this.editorSection.hidden = false;
    this.history.el.hidden = false;
    this.history.refresh();
    this.assessment.el.hidden = false;
    this.assessment.refresh();
    this.renderPollStrip();
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
    this.fitColumn();
  }

  /**
   * The draft's column is as high as the window below where it starts (the
   * top bar and the meeting bar above it vary), so that the whole editor is
   * on the first screen; sticky, it then stays there as the side panel scrolls.
   */
  private fitColumn(): void {
    requestAnimationFrame(() => {
      if (!this.column.isConnected) return;
      const top = this.column.getBoundingClientRect().top + window.scrollY;
      this.column.style.setProperty("--column-top", `${Math.round(top)}px`);
    });
  }

  discussionChanged(): void {
    if (this.editor && this.ctx.session.state.findIndicator(this.indicatorId)) this.threads.refresh();
  }

  assessmentChanged(): void {
    if (!this.ctx.session.state.findIndicator(this.indicatorId)) return;
    this.assessment.refresh();
    this.renderPollStrip();
    // A meeting starting or ending adds or removes the bar above the page.
    this.fitColumn();
  }

  /** The open vote, above the tabs whichever is chosen, with a way to it. */
  private renderPollStrip(): void {
    const poll = this.ctx.session.state.assessment.openPoll();
    this.pollStrip.hidden = !poll;
    if (!poll) {
      this.pollStrip.replaceChildren();
      return;
    }
    const u = poll.update;
    replaceChildren(
      this.pollStrip,
      h("p", { class: "poll-strip-question" }, h("strong", {}, t("indicator.pollOpen", { question: poll.definition.question }))),
      u ? h("p", { class: "muted poll-strip-turnout" }, t("poll.turnout", { voters: Number(u.voters), eligible: Number(u.eligible) })) : null,
      h(
        "button",
        {
          type: "button",
          class: "poll-strip-go",
          onclick: () => {
            if (this.goToPoll(poll.id)) return;
            this.select("polls");
            this.panels.get("polls")?.focus();
          },
        },
        t("indicator.showPoll"),
      ),
    );
  }

  /** The polls tab, scrolled to this poll, the focus on its first control (or on the tab's panel). */
  private goToPoll(pollId: string): boolean {
    const el = this.panels.get("polls")?.querySelector<HTMLElement>(`.poll[data-poll="${CSS.escape(pollId)}"]`);
    if (!el) return false;
    this.select("polls");
    el.scrollIntoView({ block: "nearest" });
    (el.querySelector<HTMLElement>("input, button") ?? this.panels.get("polls"))?.focus();
    return true;
  }

  private select(tab: Tab): void {
    this.tab = tab;
    try {
      sessionStorage.setItem(TAB_KEY, tab);
    } catch {
      /* not remembered, still shown */
    }
    this.showTab();
    // Shown now: its threads on screen count as read (threads-panel.ts).
    if (tab === "discussion" && this.editor) this.threads.refresh();
  }

  private showTab(): void {
    for (const { id } of TABS) {
      const on = id === this.tab;
      const tab = this.tabs.get(id)!;
      tab.setAttribute("aria-selected", String(on));
      // One tab stop for the list; the arrows move between tabs (ARIA tabs pattern).
      tab.tabIndex = on ? 0 : -1;
      this.panels.get(id)!.hidden = !on;
    }
  }

  private tabKey(e: KeyboardEvent): void {
    const i = TABS.findIndex((x) => x.id === this.tab);
    const next = e.key === "ArrowRight" ? i + 1 : e.key === "ArrowLeft" ? i - 1 : e.key === "Home" ? 0 : e.key === "End" ? TABS.length - 1 : null;
    if (next === null) return;
    e.preventDefault();
    const tab = TABS[(next + TABS.length) % TABS.length]!.id;
    this.select(tab);
    this.tabs.get(tab)!.focus();
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

  /** The heading; or, arriving by a poll's link ("#poll-3", the outcome banner's), that poll. */
  focus(): void {
    const m = /^#poll-(.+)$/.exec(location.hash);
    if (m && this.goToPoll(decodeURIComponent(m[1]!))) return;
    (this.el.querySelector("#page-title") as HTMLElement | null)?.focus();
  }

  /** For tests and debugging: the editor's text. */
  editorText(): string | null {
    return this.editor?.text() ?? null;
  }

  destroy(): void {
    window.removeEventListener("resize", this.onResize);
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

  private questionOf(ind: Indicator): Question | undefined {
    for (const c of this.ctx.session.state.framework?.categories ?? [])
      for (const th of c.themes) for (const q of th.questions) if (q.indicators.some((i) => i.id === ind.id)) return q;
    return undefined;
  }

  private pathOf(ind: Indicator): string[] {
    for (const c of this.ctx.session.state.framework?.categories ?? [])
      for (const th of c.themes)
        for (const q of th.questions) if (q.indicators.some((i) => i.id === ind.id)) return [`${c.id} ${c.title}`, th.title, q.title];
    return [];
  }
}
