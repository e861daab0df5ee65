// "What changed since your last visit" on the overview (issue 6): per
// indicator (or recommendation draft, or report section), the edits others
// made, the new threads and the replies since the seen_seq of this
// participant's previous visit. The baseline is fixed once per page load,
// before this visit's own RecordVisit is sent, so the list does not empty
// itself while one reads it.
import { t } from "../i18n";
import { reportSlugOf } from "../model";
import { h } from "./dom";
import { personName, reportSectionTitle } from "./labels";
import { indicatorPath, reportSectionPath } from "./router";
import type { ViewContext } from "./view";

export function renderVisitSummary(ctx: ViewContext): HTMLElement | null {
  const st = ctx.session.state;
  const since = st.discussion.previousVisit;
  if (since === undefined) return null;
  const section = h("section", { class: "visit-summary panel", id: "visit-summary", "aria-labelledby": "visit-summary-title" }, h("h2", { id: "visit-summary-title", class: "panel-title" }, t("visit.title")));
  if (since === null) {
    section.append(h("p", { class: "muted" }, t("visit.first")));
    return section;
  }
  const changes = st.discussion.changesSince(since);
  if (!changes.length) {
    section.append(h("p", { class: "muted" }, t("visit.nothing")));
    return section;
  }
  const name = (id: string) => personName(st, id);
  section.append(
    h(
      "ul",
      { class: "visit-changes" },
      changes.map((c) => {
        const indicator = st.findIndicator(c.key);
        const parts: string[] = [];
        if (c.edits) parts.push(`${t("visit.edits", { n: c.edits })} ${t("visit.by", { names: [...c.editors].map(name).join(", ") })}`);
        if (c.newThreads) parts.push(t("visit.threads", { n: c.newThreads }));
        if (c.replies) parts.push(t("visit.replies", { n: c.replies }));
        const section = indicator ? null : reportSlugOf(c.key);
        const label = indicator ? `${indicator.id} ${indicator.title}` : section ? reportSectionTitle(section) : c.key;
        const href = indicator ? indicatorPath(ctx.consultationId, indicator.id) : section ? reportSectionPath(ctx.consultationId, section) : null;
        return h(
          "li",
          { "data-key": c.key },
          href ? h("a", { href }, label) : h("span", {}, label),
          ": ",
          parts.join(" · "),
        );
      }),
    ),
  );
  return section;
}
