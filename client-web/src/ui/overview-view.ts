// The consultation overview: the framework as a tree (category -> theme ->
// question -> indicator), progress per category, a filter to core indicators.
// Each row shows the indicator's status, assignees, open threads and unread
// comments; above the tree, what changed since one's last visit. The
// chair also sees the board's balance by group and gender. Under each
// category, its policy recommendations (one draft per stakeholder group);
// beside the tree, the Exports panel.
import type { Category, Indicator } from "../gen/kenes/v1/framework_pb";
import { type IndicatorSummary, RECOMMENDATION_GROUP_SLUGS, Scope, indicatorDocId, recommendationDocId } from "../model";
import { t } from "../i18n";
import { h } from "./dom";
import { Role } from "../gen/kenes/v1/protocol_pb";
import { ExportsPanel } from "./exports-panel";
import { groupName, statusName } from "./labels";
import { renderPresence } from "./presence-panel";
import { renderRosterBalance } from "./roster-balance";
import { renderVisitSummary } from "./visit-summary";
import { indicatorPath, recommendationPath } from "./router";
import type { View, ViewContext } from "./view";

export class OverviewView implements View {
  readonly el = h("div", { class: "page layout overview" });
  private coreOnly = false;
  private readonly openThemes = new Set<string>();
  private firstRender = true;
  private askedBalance = false;
  // Documents whose draft the last render showed as started.
  private readonly started = new Set<string>();
  private readonly openRecommendations = new Set<string>();
  private readonly exports: ExportsPanel;

  constructor(private readonly ctx: ViewContext) {
    this.exports = new ExportsPanel(ctx);
    this.refresh();
  }

  refresh(): void {
    const st = this.ctx.session.state;
    const focusKey = (document.activeElement as HTMLElement | null)?.dataset?.focusKey;
    const fw = st.framework;
    const categories = fw?.categories ?? [];
    if (this.firstRender && categories[0]?.themes[0]) {
      // Open the first theme so that a newcomer sees indicators at once.
      this.openThemes.add(categories[0].themes[0].id);
      this.firstRender = false;
    }
    const content = h(
      "div",
      { class: "content" },
      h("h1", { id: "page-title", tabindex: "-1" }, st.title || t("app.name")),
      renderVisitSummary(this.ctx),
      fw
        ? h(
            "p",
            { class: "muted" },
            t("overview.edition", { edition: fw.edition }),
            " · ",
            st.scope === Scope.CORE ? t("overview.scopeCore") : t("overview.scopeAll"),
          )
        : null,
      st.scope !== Scope.CORE && categories.length
        ? h(
            "div",
            { class: "filter" },
            h("input", {
              type: "checkbox",
              id: "core-only",
              "data-focus-key": "core-only",
              checked: this.coreOnly,
              onchange: (e) => {
                this.coreOnly = (e.target as HTMLInputElement).checked;
                this.refresh();
              },
            }),
            h("label", { for: "core-only" }, t("overview.coreOnly")),
          )
        : null,
      categories.length === 0 ? h("p", {}, t("overview.empty")) : h("ol", { class: "categories" }, categories.map((c) => this.category(c))),
    );
    const me = { id: this.ctx.me.id, name: this.myName(), role: this.ctx.me.role };
    this.exports.refresh();
    this.el.replaceChildren(content, h("aside", { class: "sidebar" }, renderPresence(this.ctx.session.presence(), me, null), this.balance(), this.exports.el));
    if (focusKey) (this.el.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`) as HTMLElement | null)?.focus();
  }

  private balance(): HTMLElement | null {
    if (this.ctx.me.role !== Role.CHAIR) return null;
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

  private visible(i: Indicator): boolean {
    return this.ctx.session.state.inScope(i) && (!this.coreOnly || i.core);
  }

  private category(c: Category): HTMLElement {
    const st = this.ctx.session.state;
    const all = c.themes.flatMap((th) => th.questions.flatMap((q) => q.indicators)).filter((i) => this.visible(i));
    const started = all.filter((i) => st.indicatorSummary(i).draftStarted).length;
    const headingId = `cat-${c.id}`;
    const progressId = `cat-${c.id}-progress`;
    return h(
      "li",
      { class: "category", "aria-labelledby": headingId },
      h("h2", { id: headingId }, h("span", { class: "cat-id" }, c.id), " ", c.title),
      h(
        "div",
        { class: "progress" },
        h("progress", { max: Math.max(1, all.length), value: started, "aria-labelledby": progressId }),
        h("span", { id: progressId }, t("overview.progress", { done: started, total: all.length })),
      ),
      all.length === 0
        ? h("p", { class: "muted" }, t("overview.noneMatch"))
        : h(
            "ul",
            { class: "themes" },
            c.themes
              .map((th) => {
                const questions = th.questions
                  .map((q) => ({ q, inds: q.indicators.filter((i) => this.visible(i)) }))
                  .filter((x) => x.inds.length > 0);
                if (questions.length === 0) return null;
                const count = questions.reduce((n, x) => n + x.inds.length, 0);
                const details = h(
                  "details",
                  { class: "theme", open: this.openThemes.has(th.id) },
                  h(
                    "summary",
                    { "data-focus-key": `theme-${th.id}` },
                    h("span", { class: "theme-title" }, th.title),
                    h("span", { class: "muted count" }, t("overview.indicators", { n: count })),
                  ),
                  questions.map(({ q, inds }) =>
                    h(
                      "div",
                      { class: "question" },
                      h("h3", {}, q.title),
                      h("ul", { class: "indicators" }, inds.map((i) => this.indicatorRow(st.indicatorSummary(i)))),
                    ),
                  ),
                );
                details.addEventListener("toggle", () => {
                  if (details.open) this.openThemes.add(th.id);
                  else this.openThemes.delete(th.id);
                });
                return h("li", {}, details);
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

  private indicatorRow(s: IndicatorSummary): HTMLElement {
    if (s.draftStarted) this.started.add(indicatorDocId(s.id));
    const href = indicatorPath(this.ctx.consultationId, s.id);
    const here = this.ctx.session.presence().filter((p) => p.docId === indicatorDocId(s.id)).length;
    return h(
      "li",
      { class: "indicator-row" },
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
        s.core ? h("span", { class: "badge core" }, t("overview.core")) : null,
        s.status !== undefined ? h("span", { class: `badge status s${s.status}`, "data-status": String(s.status) }, statusName(s.status)) : null,
        s.changedSinceValidation ? h("span", { class: "badge changed" }, t("status.changed")) : null,
        // The status badge already says "Not started"; the draft's state adds
        // something only once text exists.
        s.draftStarted
          ? h("span", { class: "draft-state started" }, t("overview.started"))
          : s.status === undefined
            ? h("span", { class: "draft-state" }, t("overview.notStarted"))
            : null,
        s.assignees?.length ? h("span", { class: "muted" }, t("overview.assignees", { names: s.assignees.join(", ") })) : null,
        s.openThreads ? h("span", { class: "muted open-threads" }, t("overview.openThreads", { n: s.openThreads })) : null,
        s.unreadComments ? h("span", { class: "badge unread", "data-unread": s.unreadComments }, t("overview.unread", { n: s.unreadComments })) : null,
        here > 0 ? h("span", { class: "here-dot", title: t("presence.title") }, `● ${here}`) : null,
      ),
    );
  }
}
