// The chair's view of the board's balance: the board (members, and the chair
// if she is one) by stakeholder group and by gender, people invited who have
// not come yet included, the research team counted apart — as the server
// counts them (GetRosterBalance -> RosterBalance), every count of at least 3
// people.
import { StakeholderGroup } from "../gen/kenes/v1/log_pb";
import { t } from "../i18n";
import { h } from "./dom";
import { groupName } from "./labels";
import type { ViewContext } from "./view";

function table(id: string, caption: string, head: string, rows: [string, number][], max: number): HTMLElement {
  return h(
    "table",
    { class: "balance-table", id },
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, head), h("th", { scope: "col" }, t("roster.count")))),
    h(
      "tbody",
      {},
      rows.map(([label, n]) =>
        h(
          "tr",
          {},
          h("th", { scope: "row" }, label),
          h(
            "td",
            {},
            h("span", { class: "bar-track small", "aria-hidden": "true" }, h("span", { class: "bar-fill", style: `width: ${Math.round((n / Math.max(1, max)) * 100)}%` })),
            " ",
            h("span", { class: "bar-value" }, String(n)),
          ),
        ),
      ),
    ),
  );
}

export function renderRosterBalance(ctx: ViewContext): HTMLElement {
  const b = ctx.session.state.assessment.rosterBalance;
  const section = h(
    "section",
    { class: "roster-balance panel", "aria-labelledby": "roster-title" },
    h("h2", { id: "roster-title", class: "panel-title" }, t("roster.title")),
  );
  const refresh = h("button", { type: "button", id: "roster-refresh", onclick: () => ctx.request({ case: "getRosterBalance", value: {} }) }, b ? t("roster.refresh") : t("roster.load"));
  if (!b) {
    section.append(refresh);
    return section;
  }
  // Counts as the server gives them: none under 3 people (issue 18), the
  // smaller ones summed into one "groups under 3 people" row.
  const label = (merged: boolean, name: string) => (merged ? t("roster.merged") : name);
  const groups: [string, number][] = b.byGroup.map((c) => [
    label(c.merged, c.stakeholderGroup === StakeholderGroup.UNSPECIFIED ? t("roster.notStated") : groupName(c.stakeholderGroup)),
    Number(c.participants),
  ]);
  const genders: [string, number][] = b.byGender.map((c) => [label(c.merged, c.gender.trim() || t("roster.notStated")), Number(c.participants)]);
  const max = Math.max(1, ...groups.map((g) => g[1]), ...genders.map((g) => g[1]));
  section.append(
    h("p", { id: "roster-total" }, t("roster.total", { n: Number(b.total) })),
    b.invited > 0n ? h("p", { id: "roster-invited", class: "muted" }, t("roster.invited", { n: Number(b.invited) })) : "",
    h("p", { id: "roster-research-team", class: "muted" }, t("roster.researchTeam", { n: Number(b.researchTeam) })),
    table("roster-by-group", t("roster.byGroup"), t("roster.group"), groups, max),
    table("roster-by-gender", t("roster.byGender"), t("roster.gender"), genders, max),
    refresh,
  );
  return section;
}
