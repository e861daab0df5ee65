// The report as a whole (/c/<consultation>/report, issue 19): its outline in
// the national report's order — foreword … limitations, the contextual and
// ROAM-X chapters, conclusions, annexes, references — each section a draft
// (report-section-view.ts) shown with its state: empty or drafted, its
// words, open threads and unread comments, who is in it now. The chapters
// are one line pointing to the overview, where their indicators and
// recommendations are written. Beside it, the Exports panel.
//
// Words need the text, which a page that joined by state does not have
// (issue 16): the drafted sections are opened one at a time, as the overview
// prefetches one's assigned drafts; until then a section shows "Drafted"
// without a count.
import { t } from "../i18n";
import { REPORT_OUTLINE, type ReportSectionSlug, reportSectionState } from "../model";
import { h } from "./dom";
import { ExportsPanel } from "./exports-panel";
import { reportSectionAbout, reportSectionTitle } from "./labels";
import { countProgress } from "./overview-progress";
import { progressBar } from "./overview-view";
import { renderPresence } from "./presence-panel";
import { overviewPath, reportSectionPath } from "./router";
import type { View, ViewContext } from "./view";

export class ReportView implements View {
  readonly el = h("div", { class: "page layout report" });
  private readonly exports: ExportsPanel;
  private readonly content = h("div", { class: "content" });
  private readonly presenceHost = h("div", {});
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private fetching = false;
  /** Sections whose text was refused: not asked again by this page. */
  private readonly refused = new Set<string>();
  private destroyed = false;

  constructor(private readonly ctx: ViewContext) {
    this.exports = new ExportsPanel(ctx);
    this.el.append(this.content, h("aside", { class: "sidebar" }, this.presenceHost, this.exports.el));
    this.refresh();
  }

  /** Everything, the Exports panel too (the language, the meetings may have changed). */
  refresh(): void {
    this.exports.refresh();
    this.redraw();
  }

  /**
   * The outline and who is here, not the Exports panel: typing, threads and
   * cursors elsewhere must not close a list someone has open in it.
   */
  private redraw(): void {
    const focusKey = (document.activeElement as HTMLElement | null)?.dataset?.focusKey;
    this.content.replaceChildren(
      h("nav", { "aria-label": t("indicator.back") }, h("a", { href: overviewPath(this.ctx.consultationId), class: "back" }, "← ", t("indicator.back"))),
      h("h1", { id: "page-title", tabindex: "-1" }, t("report.title")),
      h("p", { class: "muted report-intro" }, t("report.intro")),
      h(
        "ol",
        { class: "report-outline", "aria-label": t("report.outline") },
        REPORT_OUTLINE.map((entry) => (entry.kind === "section" ? this.section(entry.slug) : this.chapters())),
      ),
    );
    this.presenceHost.replaceChildren(this.presence());
    if (focusKey) (this.el.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`) as HTMLElement | null)?.focus();
    this.fetchTexts();
  }

  private section(slug: ReportSectionSlug): HTMLElement {
    const s = reportSectionState(this.ctx.session.state, slug);
    const here = this.ctx.session.presence().filter((p) => p.docId === s.docId).length;
    const titleId = `report-${slug}-title`;
    return h(
      "li",
      { class: "report-entry", "data-section": slug, "data-drafted": String(s.drafted) },
      h(
        "div",
        { class: "report-entry-head" },
        h("a", { href: reportSectionPath(this.ctx.consultationId, slug), id: titleId, class: "report-entry-title", "data-focus-key": `report-${slug}` }, reportSectionTitle(slug)),
        h(
          "span",
          { class: "ind-meta" },
          h("span", { class: s.drafted ? "draft-state started" : "draft-state" }, s.drafted ? t("report.drafted") : t("report.empty")),
          s.drafted && s.words !== null ? h("span", { class: "muted words", "data-words": String(s.words) }, t("report.words", { n: s.words })) : null,
          s.unreadComments ? h("span", { class: "badge unread", "data-unread": s.unreadComments }, t("overview.unread", { n: s.unreadComments })) : null,
          s.openThreads ? h("span", { class: "muted open-threads" }, t("overview.openThreads", { n: s.openThreads })) : null,
          here > 0 ? h("span", { class: "here-dot", title: t("presence.title") }, `● ${here}`) : null,
        ),
      ),
      h("p", { class: "muted report-about" }, reportSectionAbout(slug)),
    );
  }

  /** The framework's categories, in their place between limitations and conclusions. */
  private chapters(): HTMLElement {
    const st = this.ctx.session.state;
    const categories = st.framework?.categories ?? [];
    const counts = countProgress(st.indicators().map((i) => st.indicatorSummary(i)));
    return h(
      "li",
      { class: "report-entry report-chapters", "data-section": "chapters" },
      h(
        "div",
        { class: "report-entry-head" },
        h("a", { href: overviewPath(this.ctx.consultationId), class: "report-entry-title", "data-focus-key": "report-chapters" }, t("report.chapters")),
        h("span", { class: "ind-meta" }, h("span", { class: "muted chapters-progress" }, t("report.chaptersProgress", { validated: counts.validated, total: counts.total }))),
      ),
      counts.total > 0 ? progressBar(counts, "report-chapters-bar") : null,
      h(
        "p",
        { class: "muted report-about" },
        categories.length ? [categories.map((c) => `${c.id} ${c.title}`).join(" · "), " — "] : null,
        t("report.chaptersHint"),
      ),
    );
  }

  private presence(): HTMLElement {
    const me = { id: this.ctx.me.id, name: this.ctx.session.state.participants.get(this.ctx.me.id)?.displayName || this.ctx.me.name, role: this.ctx.me.role };
    return renderPresence(this.ctx.session.presence(), me, null);
  }

  /**
   * The drafted sections' texts, one at a time, so that their words can be
   * counted; each arrival redraws the outline.
   */
  private fetchTexts(): void {
    if (this.fetching) return;
    const st = this.ctx.session.state;
    const next = REPORT_OUTLINE.flatMap((e) => (e.kind === "section" ? [reportSectionState(st, e.slug)] : [])).find((s) => s.drafted && s.words === null && !this.refused.has(s.docId));
    if (!next) return;
    this.fetching = true;
    this.ctx.session.openDocument(next.docId).then(
      () => {
        this.fetching = false;
        if (!this.destroyed) this.redraw();
      },
      () => {
        // Refused or stopped: the section stays without a count (opening it says why).
        this.fetching = false;
        this.refused.add(next.docId);
        if (!this.destroyed) this.fetchTexts();
      },
    );
  }

  discussionChanged(): void {
    this.scheduleRefresh(0);
  }

  presenceChanged(): void {
    // Who is where, but not on every cursor move.
    this.scheduleRefresh(500);
  }

  textFolded(docId: string): void {
    // Words follow the typing, at most twice a second.
    if (docId.startsWith("report/")) this.scheduleRefresh(500);
  }

  focus(): void {
    (this.el.querySelector("#page-title") as HTMLElement | null)?.focus();
  }

  destroy(): void {
    this.destroyed = true;
    if (this.refreshTimer !== null) clearTimeout(this.refreshTimer);
  }

  private scheduleRefresh(delayMs: number): void {
    if (this.refreshTimer !== null) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      requestAnimationFrame(() => {
        if (!this.destroyed) this.redraw();
      });
    }, delayMs);
  }
}
