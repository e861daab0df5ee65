// The consultation overview, built to answer "where are we?" (issue 20): at
// the top, every category's progress as a bar counted by status (validated,
// changed since validation, in review, needs revision, drafting, not
// started); then the framework as a tree (category -> theme -> question ->
// indicator) with every theme open, so that no row's status or unread
// badge hides in a closed theme. Filters narrow the rows (mine, unread,
// waiting for my vote, a status, core); the bars keep counting everything.
// The chair also sees who is assigned (and what nobody is) and the board's
// balance by group and gender. Under each category, its policy
// recommendations (one draft per stakeholder group); beside the tree, the
// Exports panel.
//
// The chair sets due dates on the indicator page; the overview counts what
// is overdue per category, lets her list only that, and says it on the row.
//
// Under the framework's edition, the scope in force (all, core, or core plus
// the chair's selection: issue 19); the chair changes it there (scope-form.ts).
import type { Category, Indicator } from "../gen/kenes/v1/framework_pb";
import { type IndicatorSummary, RECOMMENDATION_GROUP_SLUGS, Scope, indicatorDocId, recommendationDocId } from "../model";
import { type MessageKey, t } from "../i18n";
import { h } from "./dom";
import { Role } from "../gen/kenes/v1/protocol_pb";
import { ExportsPanel } from "./exports-panel";
import { dayLabel, groupName, statusName } from "./labels";
import {
  NO_FILTER,
  type OverviewFilter,
  PROGRESS_ORDER,
  type Progress,
  type ProgressCounts,
  type RowFacts,
  awaitsMyVote,
  isOverdue,
  localDay,
  countProgress,
  matchesFilter,
  narrows,
  progressOf,
  progressParts,
} from "./overview-progress";
import { renderPresence } from "./presence-panel";
import { renderRosterBalance } from "./roster-balance";
import { renderVisitSummary } from "./visit-summary";
import { ScopeForm, scopeLine } from "./scope-form";
import { indicatorPath, recommendationPath } from "./router";
import type { View, ViewContext } from "./view";

const PROGRESS_KEYS: Record<Progress, MessageKey> = {
  validated: "status.4",
  changed: "status.changed",
  inReview: "status.3",
  needsRevision: "status.5",
  drafting: "status.2",
  notStarted: "status.1",
};

export function progressName(p: Progress): string {
  return t(PROGRESS_KEYS[p]);
}

/**
 * A stacked bar of counts by progress. The bar is one image to a screen
 * reader, named by the same counts in words; each segment's tooltip says
 * what it is, and the legend says which colour is which.
 */
export function progressBar(c: ProgressCounts, cls = ""): HTMLElement {
  const parts = progressParts(c);
  const words = parts.length ? parts.map((p) => t("overview.countOf", { label: progressName(p.progress), n: p.n })).join(", ") : t("overview.indicators", { n: 0 });
  return h(
    "div",
    { class: `status-bar ${cls}`, role: "img", "aria-label": words, "data-counts": parts.map((p) => `${p.progress}:${p.n}`).join(" ") },
    parts.map((p) =>
      h("span", { class: `seg p-${p.progress}`, style: `flex-grow: ${p.n}`, title: t("overview.countOf", { label: progressName(p.progress), n: p.n }) }),
    ),
  );
}

export class OverviewView implements View {
  readonly el = h("div", { class: "page layout overview" });
  private filter: OverviewFilter = NO_FILTER;
  private askedBalance = false;
  // Documents whose draft the last render showed as started.
  private readonly started = new Set<string>();
  private readonly openRecommendations = new Set<string>();
  private readonly exports: ExportsPanel;
  private readonly scopeForm: ScopeForm;

  constructor(private readonly ctx: ViewContext) {
    this.exports = new ExportsPanel(ctx);
    this.scopeForm = new ScopeForm(ctx, () => this.refresh());
    this.refresh();
  }

  refresh(): void {
    const st = this.ctx.session.state;
    const focusKey = (document.activeElement as HTMLElement | null)?.dataset?.focusKey;
    const fw = st.framework;
    const categories = fw?.categories ?? [];
    const rows = new Map(categories.map((c) => [c.id, this.rowsOf(c)]));
    const content = h(
      "div",
      { class: "content" },
      h("h1", { id: "page-title", tabindex: "-1" }, st.title || t("app.name")),
      fw
        ? h(
            "p",
            { class: "muted" },
            t("overview.edition", { edition: fw.edition }),
            " · ",
            h("span", { id: "scope-line" }, scopeLine(st)),
          )
        : null,
      fw && this.chair ? this.scopeForm.render() : null,
      categories.length ? this.summary(categories, rows) : null,
      renderVisitSummary(this.ctx),
      categories.length ? this.filters(rows) : null,
      categories.length === 0 ? h("p", {}, t("overview.empty")) : h("ol", { class: "categories" }, categories.map((c) => this.category(c, rows.get(c.id) ?? []))),
    );
    const me = { id: this.ctx.me.id, name: this.myName(), role: this.ctx.me.role };
    this.exports.refresh();
    this.el.replaceChildren(content, h("aside", { class: "sidebar" }, renderPresence(this.ctx.session.presence(), me, null), this.balance(), this.exports.el));
    if (focusKey) (this.el.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`) as HTMLElement | null)?.focus();
  }

  private get chair(): boolean {
    return this.ctx.me.role === Role.CHAIR;
  }

  /** Every indicator of the category in scope (and core, if chosen), with what the filters need. */
  private rowsOf(c: Category): Row[] {
    const st = this.ctx.session.state;
    const polls = [...st.assessment.polls.values()];
    const today = localDay();
    const out: Row[] = [];
    for (const th of c.themes)
      for (const q of th.questions)
        for (const i of q.indicators) {
          if (!this.inScope(i)) continue;
          const s = st.indicatorSummary(i);
          const progress = progressOf(s);
          out.push({
            summary: s,
            themeId: th.id,
            questionId: q.id,
            core: s.core,
            status: s.status,
            changedSinceValidation: s.changedSinceValidation,
            unreadComments: s.unreadComments,
            mine: st.assessment.indicators.get(i.id)?.assignees.includes(this.ctx.me.id) ?? false,
            needsMyVote: awaitsMyVote(polls, i.id, this.ctx.me.role),
            overdue: isOverdue(s.dueDate, progress, today),
          });
        }
    return out;
  }

  /** "Where we are": one line per category, its bar and how much is validated. */
  private summary(categories: Category[], rows: Map<string, Row[]>): HTMLElement {
    const all = [...rows.values()].flat();
    const total = countProgress(all);
    return h(
      "section",
      { class: "progress-summary", "aria-labelledby": "progress-summary-title" },
      h("h2", { id: "progress-summary-title" }, t("overview.whereWeAre")),
      h(
        "ul",
        { class: "progress-legend", "aria-label": t("overview.legend") },
        PROGRESS_ORDER.map((p) =>
          h("li", { "data-progress": p }, h("span", { class: `swatch p-${p}`, "aria-hidden": "true" }), progressName(p), " ", h("strong", { class: "legend-count" }, String(total[p]))),
        ),
      ),
      h(
        "table",
        { class: "progress-table" },
        h("caption", { class: "visually-hidden" }, t("overview.whereWeAre")),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, t("overview.category")),
            h("th", { scope: "col" }, t("overview.byStatus")),
            h("th", { scope: "col" }, t("status.4")),
            this.chair ? h("th", { scope: "col" }, t("overview.unassignedHead")) : null,
            this.chair ? h("th", { scope: "col" }, t("overview.overdueHead")) : null,
          ),
        ),
        h(
          "tbody",
          {},
          categories.map((c) => {
            const rs = rows.get(c.id) ?? [];
            const counts = countProgress(rs);
            return h(
              "tr",
              { "data-category": c.id },
              h(
                "th",
                { scope: "row" },
                h(
                  "a",
                  {
                    href: `#cat-${c.id}`,
                    "data-focus-key": `jump-${c.id}`,
                    // Handled here: the app takes every /c/ link for a page
                    // change, which would drop the fragment.
                    onclick: (e) => {
                      e.preventDefault();
                      const heading = document.getElementById(`cat-${c.id}`);
                      heading?.scrollIntoView({ block: "start" });
                      heading?.focus();
                    },
                  },
                  h("span", { class: "cat-id" }, c.id),
                  " ",
                  c.title,
                ),
              ),
              h("td", { class: "bar-cell" }, progressBar(counts)),
              h("td", { class: "validated-cell" }, t("overview.validatedOf", { done: counts.validated, total: counts.total })),
              this.chair ? h("td", { class: "unassigned-cell" }, String(rs.filter((r) => !r.summary.assignees?.length).length)) : null,
              this.chair ? h("td", { class: "overdue-cell" }, String(rs.filter((r) => r.overdue).length)) : null,
            );
          }),
        ),
      ),
    );
  }

  private filters(rows: Map<string, Row[]>): HTMLElement {
    const st = this.ctx.session.state;
    const f = this.filter;
    const set = (next: Partial<OverviewFilter>) => {
      this.filter = { ...this.filter, ...next };
      this.refresh();
    };
    const check = (id: string, label: string, checked: boolean, on: (v: boolean) => void) =>
      h(
        "span",
        { class: "filter-check" },
        h("input", { type: "checkbox", id, "data-focus-key": id, checked, onchange: (e) => on((e.target as HTMLInputElement).checked) }),
        h("label", { for: id }, label),
      );
    const all = [...rows.values()].flat();
    const shown = all.filter((r) => matchesFilter(r, f)).length;
    return h(
      "fieldset",
      { class: "overview-filters" },
      h("legend", {}, t("overview.filters")),
      h(
        "div",
        { class: "filter-row" },
        check("filter-mine", t("overview.filterMine"), f.mine, (v) => set({ mine: v })),
        check("filter-unread", t("overview.filterUnread"), f.unread, (v) => set({ unread: v })),
        check("filter-vote", t("overview.filterVote"), f.needsMyVote, (v) => set({ needsMyVote: v })),
        this.chair ? check("filter-overdue", t("overview.filterOverdue"), f.overdue, (v) => set({ overdue: v })) : null,
        // A consultation whose scope is core only has nothing else to hide.
        st.scope !== Scope.CORE ? check("core-only", t("overview.coreOnly"), f.coreOnly, (v) => set({ coreOnly: v })) : null,
        h(
          "span",
          { class: "filter-status" },
          h("label", { for: "filter-status" }, t("status.title")),
          h(
            "select",
            {
              id: "filter-status",
              "data-focus-key": "filter-status",
              onchange: (e) => set({ progress: (e.target as HTMLSelectElement).value as Progress | "" }),
            },
            h("option", { value: "", selected: f.progress === "" }, t("overview.anyStatus")),
            PROGRESS_ORDER.map((p) => h("option", { value: p, selected: f.progress === p }, progressName(p))),
          ),
        ),
      ),
      h("p", { class: "muted filter-count", id: "filter-count", "aria-live": "polite" }, t("overview.showing", { shown, total: all.length })),
    );
  }

  private balance(): HTMLElement | null {
    if (!this.chair) return null;
    if (!this.askedBalance) {
      this.askedBalance = true;
      this.ctx.request({ case: "getRosterBalance", value: {} });
    }
    return renderRosterBalance(this.ctx);
  }

  presenceChanged(): void {
    const aside = this.el.querySelector(".sidebar");
    if (aside && !aside.contains(document.activeElement)) aside.replaceChildren(renderPresence(this.ctx.session.presence(), { id: this.ctx.me.id, name: this.myName(), role: this.ctx.me.role }, null), this.balance() ?? "", this.exports.el);
    // The rows' "people here" counts: redraw, but not on every cursor move.
    this.scheduleRefresh(500);
  }

  textFolded(docId: string): void {
    // Only a draft's first text changes what the overview shows.
    if (!this.started.has(docId)) this.scheduleRefresh(0);
  }

  focus(): void {
    (this.el.querySelector("#page-title") as HTMLElement | null)?.focus();
  }

  destroy(): void {
    if (this.refreshTimer !== null) clearTimeout(this.refreshTimer);
  }

  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private scheduleRefresh(delayMs: number): void {
    if (this.refreshTimer !== null) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      requestAnimationFrame(() => this.refresh());
    }, delayMs);
  }

  private myName(): string {
    return this.ctx.session.state.participants.get(this.ctx.me.id)?.displayName || this.ctx.me.name;
  }

  private inScope(i: Indicator): boolean {
    return this.ctx.session.state.inScope(i) && (!this.filter.coreOnly || i.core);
  }

  private category(c: Category, rows: Row[]): HTMLElement {
    const headingId = `cat-${c.id}`;
    const shown = rows.filter((r) => matchesFilter(r, this.filter));
    return h(
      "li",
      { class: "category", "aria-labelledby": headingId },
      h(
        "div",
        { class: "category-head" },
        h("h2", { id: headingId, tabindex: "-1" }, h("span", { class: "cat-id" }, c.id), " ", c.title),
        progressBar(countProgress(rows), "category-bar"),
      ),
      rows.length === 0
        ? h("p", { class: "muted" }, t("overview.noneMatch"))
        : shown.length === 0
          ? h("p", { class: "muted none-shown" }, t("overview.noneMatchFilters"))
          : h(
              "ul",
              { class: "themes" },
              c.themes
                .map((th) => {
                  const themeRows = rows.filter((r) => r.themeId === th.id);
                  const visible = themeRows.filter((r) => matchesFilter(r, this.filter));
                  if (visible.length === 0) return null;
                  const themeTitleId = `theme-${th.id}-title`;
                  return h(
                    "li",
                    { class: "theme", "aria-labelledby": themeTitleId, "data-theme": th.id },
                    h(
                      "div",
                      { class: "theme-head" },
                      h("h3", { class: "theme-title", id: themeTitleId }, th.title),
                      h("span", { class: "muted count" }, narrows(this.filter) ? t("overview.shownOf", { shown: visible.length, total: themeRows.length }) : t("overview.indicators", { n: themeRows.length })),
                      progressBar(countProgress(themeRows), "theme-bar"),
                    ),
                    th.questions.map((q) => {
                      const qRows = visible.filter((r) => r.questionId === q.id);
                      if (qRows.length === 0) return null;
                      return h("div", { class: "question" }, h("h4", {}, q.title), h("ul", { class: "indicators" }, qRows.map((r) => this.indicatorRow(r))));
                    }),
                  );
                })
                .filter((x) => x !== null),
            ),
      this.recommendations(c),
    );
  }

  /** The category's policy recommendations: one draft per stakeholder group. */
  private recommendations(c: Category): HTMLElement {
    const st = this.ctx.session.state;
    const headingId = `rec-${c.id}-title`;
    const details = h(
      "details",
      { class: "theme recommendations", open: this.openRecommendations.has(c.id) },
      h(
        "summary",
        { "data-focus-key": `rec-${c.id}` },
        h("span", { class: "theme-title", id: headingId }, t("recommendation.section")),
        h("span", { class: "muted count" }, t("recommendation.sectionHint")),
      ),
      h(
        "ul",
        { class: "indicators", "aria-labelledby": headingId },
        RECOMMENDATION_GROUP_SLUGS.map((slug, i) => {
          const docId = recommendationDocId(c.id, slug);
          const started = st.hasDoc(docId) && st.doc(docId).length > 0;
          if (started) this.started.add(docId);
          const here = this.ctx.session.presence().filter((p) => p.docId === docId).length;
          return h(
            "li",
            { class: "indicator-row" },
            h(
              "a",
              { href: recommendationPath(this.ctx.consultationId, c.id, slug), class: "indicator-link", "data-focus-key": `rec-${c.id}-${slug}`, "data-recommendation": docId },
              groupName(i + 1),
            ),
            h(
              "span",
              { class: "ind-meta" },
              h("span", { class: started ? "draft-state started" : "draft-state" }, started ? t("overview.started") : t("overview.notStarted")),
              here > 0 ? h("span", { class: "here-dot", title: t("presence.title") }, `● ${here}`) : null,
            ),
          );
        }),
      ),
    );
    details.addEventListener("toggle", () => {
      if (details.open) this.openRecommendations.add(c.id);
      else this.openRecommendations.delete(c.id);
    });
    return details;
  }

  private indicatorRow(r: Row): HTMLElement {
    const s = r.summary;
    if (s.draftStarted) this.started.add(indicatorDocId(s.id));
    const href = indicatorPath(this.ctx.consultationId, s.id);
    const here = this.ctx.session.presence().filter((p) => p.docId === indicatorDocId(s.id)).length;
    const progress = progressOf(r);
    return h(
      "li",
      { class: "indicator-row", "data-indicator": s.id, "data-progress": progress },
      h(
        "a",
        { href, "data-focus-key": `ind-${s.id}`, class: "indicator-link" },
        h("span", { class: "ind-id" }, s.id),
        " ",
        h("span", { class: "ind-title" }, s.title),
      ),
      h(
        "span",
        { class: "ind-meta" },
        h("span", { class: `badge status s${s.status ?? 1}`, "data-status": String(s.status ?? 1) }, statusName(s.status ?? 1)),
        s.changedSinceValidation ? h("span", { class: "badge changed" }, t("status.changed")) : null,
        r.needsMyVote ? h("span", { class: "badge needs-vote" }, t("overview.needsMyVote")) : null,
        s.unreadComments ? h("span", { class: "badge unread", "data-unread": s.unreadComments }, t("overview.unread", { n: s.unreadComments })) : null,
        s.openThreads ? h("span", { class: "muted open-threads" }, t("overview.openThreads", { n: s.openThreads })) : null,
        s.core ? h("span", { class: "badge core" }, t("overview.core")) : null,
        // Drafting with no text yet is worth knowing; text under "not started" too.
        progress === "notStarted" && s.draftStarted ? h("span", { class: "draft-state started" }, t("overview.started")) : null,
        s.assignees?.length
          ? h("span", { class: "muted assignees" }, t("overview.assignees", { names: s.assignees.join(", ") }))
          : this.chair
            ? h("span", { class: "muted unassigned" }, t("overview.unassigned"))
            : null,
        r.overdue
          ? h("span", { class: "badge overdue", "data-due": s.dueDate }, t("overview.overdueSince", { date: dayLabel(s.dueDate) }))
          : this.chair && s.dueDate && progress !== "validated"
            ? h("span", { class: "muted due", "data-due": s.dueDate }, t("overview.due", { date: dayLabel(s.dueDate) }))
            : null,
        here > 0 ? h("span", { class: "here-dot", title: t("presence.title") }, `● ${here}`) : null,
      ),
    );
  }
}

/** One indicator as the overview lists it: its summary and what the filters test. */
interface Row extends RowFacts {
  readonly summary: IndicatorSummary;
  readonly themeId: string;
  readonly questionId: string;
}
