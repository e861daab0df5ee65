// A poll's results as the server sent them (PollUpdate.results): bars per
// option, then the breakdown by stakeholder group and by gender. Plain DOM
// bars; every figure is also written as text, so the chart reads the same to
// a screen reader. Nothing is computed from ballots here: anonymous polls
// have none on the client, and small groups are merged by the server.
import type { Breakdown, PollResults } from "../gen/kenes/v1/assessment_pb";
import { PollKind, RankingMethod } from "../gen/kenes/v1/assessment_pb";
import { t } from "../i18n";
import type { PollState } from "../model";
import { h } from "./dom";
import { breakdownLabel } from "./labels";

export function optionLabels(poll: PollState): string[] {
  const d = poll.definition;
  if (d.kind === PollKind.AGREEMENT) return [0, 1, 2, 3].map((i) => t(`poll.agree.${i}` as "poll.agree.0"));
  return [...d.options];
}

function usesPoints(poll: PollState): boolean {
  const d = poll.definition;
  return d.kind === PollKind.RANKING && d.rankingMethod !== RankingMethod.INSTANT_RUNOFF;
}

function bar(value: number, max: number, cls = ""): HTMLElement {
  const pct = max > 0 ? Math.round((value / max) * 100) : 0;
  return h("span", { class: `bar-track ${cls}`, "aria-hidden": "true" }, h("span", { class: "bar-fill", style: `width: ${pct}%` }));
}

/**
 * Turnout, quorum, outcome and the charts; the "hidden" sentence while hidden.
 * `beforeMyVote`: the viewer may vote in this open poll and has not yet, so
 * only the turnout is shown (issue 20: figures leading the ballot sway the
 * later voters; "0 of 2 voted · Did not pass" in red says nothing yet).
 */
/**
 * `nameOf` names a voter whose reservations are shown (a named poll's; an
 * anonymous poll's come without a voter).
 */
export function renderPollResults(poll: PollState, beforeMyVote = false, nameOf: (id: string) => string = (id) => id): HTMLElement {
  const u = poll.update;
  const out = h("div", { class: "poll-results", "data-poll": poll.id });
  if (!u) return out;
  if (beforeMyVote) {
    out.append(
      h("p", { class: "turnout" }, h("span", { class: "turnout-figure" }, t("poll.turnout", { voters: Number(u.voters), eligible: Number(u.eligible) }))),
      h("p", { class: "note results-after-vote" }, t("poll.resultsAfterVote")),
    );
    return out;
  }
  out.append(
    h(
      "p",
      { class: "turnout" },
      h("span", { class: "turnout-figure" }, t("poll.turnout", { voters: Number(u.voters), eligible: Number(u.eligible) })),
      " · ",
      u.quorumMet ? t("poll.quorumMet") : t("poll.quorumNotMet"),
    ),
  );
  const r = u.results;
  if (!r) {
    // Withheld by the server: until the close, or (issue 20) until this
    // viewer's own ballot counts.
    const hiddenUntilClosed = poll.definition.resultsHiddenUntilClosed || poll.phase !== "open";
    out.append(
      hiddenUntilClosed
        ? h("p", { class: "note results-hidden" }, t("poll.hiddenUntilClosed"))
        : h("p", { class: "note results-after-vote" }, t("poll.resultsAfterVote")),
    );
    return out;
  }
  out.append(outcome(poll, r));
  const labels = optionLabels(poll);
  const points = usesPoints(poll);
  const values = r.options.map((o) => Number(points ? o.points : o.votes));
  const max = Math.max(1, ...values);
  out.append(
    h(
      "figure",
      { class: "chart" },
      h("figcaption", { class: "panel-title" }, t("poll.byOption")),
      h(
        "ul",
        { class: "bars", "aria-label": t("poll.chartLabel") },
        r.options.map((o, i) =>
          h(
            "li",
            { class: "bar-row", "data-option": String(i) },
            h("span", { class: "bar-label" }, poll.definition.kind === PollKind.AGREEMENT ? labels[i] : o.label || labels[i] || String(i + 1)),
            bar(values[i] ?? 0, max),
            h("span", { class: "bar-value" }, points ? t("poll.points", { n: values[i] ?? 0 }) : t("poll.votes", { n: values[i] ?? 0 })),
          ),
        ),
      ),
    ),
  );
  if (r.abstentions > 0n && poll.definition.kind !== PollKind.AGREEMENT)
    out.append(h("p", { class: "muted" }, t("poll.abstentions", { n: Number(r.abstentions) })));
  out.append(breakdown(t("poll.byGroup"), "by-group", r.byGroup, labels, points));
  out.append(breakdown(t("poll.byGender"), "by-gender", r.byGender, labels, points));
  if (r.reservations.length) {
    out.append(
      h(
        "section",
        { class: "reservations" },
        h("h4", {}, t("poll.reservations", { n: r.reservations.length })),
        h(
          "ul",
          {},
          r.reservations.map((x) => h("li", {}, x.voter ? [h("strong", {}, nameOf(x.voter)), ": "] : null, x.text)),
        ),
      ),
    );
  }
  return out;
}

function outcome(poll: PollState, r: PollResults): HTMLElement {
  const labels = optionLabels(poll);
  const parts: (string | HTMLElement)[] = [];
  parts.push(h("strong", { class: r.passed ? "passed" : "failed" }, r.passed ? t("poll.passed") : t("poll.failed")));
  if (r.tied) parts.push(" · ", t("poll.tied"));
  else if (r.winner >= 0) parts.push(" · ", t("poll.winner", { option: r.options[r.winner]?.label || labels[r.winner] || "" }));
  if (!r.closed) parts.push(h("span", { class: "muted" }, " · ", t("poll.provisional")));
  return h("p", { class: "outcome", "data-passed": String(r.passed), "data-closed": String(r.closed) }, parts);
}

function breakdown(title: string, cls: string, b: Breakdown | undefined, labels: string[], points: boolean): HTMLElement {
  const section = h("section", { class: `breakdown ${cls}` }, h("h4", {}, title));
  if (!b || b.withheld || b.groups.length === 0) {
    section.append(h("p", { class: "muted withheld" }, t("poll.withheld")));
    return section;
  }
  let max = 1;
  for (const g of b.groups) for (const v of points ? g.points : g.votes) max = Math.max(max, Number(v));
  section.append(
    h(
      "ul",
      { class: "groups" },
      b.groups.map((g) =>
        h(
          "li",
          { class: "group", "data-label": g.label },
          h("span", { class: "group-label" }, breakdownLabel(g.label), " ", h("span", { class: "muted" }, `(${t("poll.voters", { n: Number(g.voters) })})`)),
          h(
            "ul",
            { class: "bars small" },
            (points ? g.points : g.votes).map((v, i) =>
              h(
                "li",
                { class: "bar-row" },
                h("span", { class: "bar-label" }, labels[i] ?? String(i + 1)),
                bar(Number(v), max, "small"),
                h("span", { class: "bar-value" }, String(Number(v))),
              ),
            ),
          ),
        ),
      ),
    ),
  );
  return section;
}
