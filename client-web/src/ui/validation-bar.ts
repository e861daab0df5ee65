// A validation session on everyone's screen (issue 18): the progress ("37 of
// 109 validated, 2 not passed, 4 skipped"), the item on screen and, once its
// vote closes, its outcome — for every participant until the next item
// opens. The chair starts a session (a queue: the core set, everything, a
// category, a theme or a hand-made list, with the statement and rules set
// once) and walks it: next, close and show the outcome, skip, end.
import { PollKind } from "../gen/kenes/v1/assessment_pb";
import { Role } from "../gen/kenes/v1/protocol_pb";
import { t } from "../i18n";
import { type ConsultationState, type ItemStatus, type PollState, type ValidationSession, reportSlugOf } from "../model";
import { h } from "./dom";
import { agreementCounts } from "./poll-outcome";
import { reportSectionTitle } from "./labels";
import { recommendationPath, indicatorPath, reportSectionPath } from "./router";
import type { Answered, ViewContext } from "./view";

export const DEFAULT_STATEMENT = "The assessment of {item} is accurate and complete.";

export interface Progress {
  readonly total: number;
  readonly passed: number;
  readonly notPassed: number;
  readonly skipped: number;
  readonly voting: number;
}

/** How far the session has come, item by item as the model decides them. */
export function progressOf(st: ConsultationState, session: ValidationSession): Progress {
  const counts: Record<ItemStatus, number> = { pending: 0, voting: 0, passed: 0, notPassed: 0, decided: 0, skipped: 0 };
  for (const item of session.items) counts[st.assessment.itemStatus(session, item)]++;
  return { total: session.items.length, passed: counts.passed, notPassed: counts.notPassed, skipped: counts.skipped, voting: counts.voting };
}

/** An item's name for people: "R.1 Legal framework…", a category's recommendations to a group, a report section. */
export function itemName(st: ConsultationState, item: string): string {
  const section = reportSlugOf(item);
  if (section) return reportSectionTitle(section);
  if (item.startsWith("recommendation/")) {
    const [, category = "", group = ""] = item.split("/");
    const c = st.framework?.categories.find((x) => x.id === category);
    return t("validation.recommendationItem", { category: c?.title ?? category, group: group.replace(/-/g, " ") });
  }
  const i = st.findIndicator(item);
  return i ? `${i.id} ${i.title}` : item;
}

/** Where an item is edited: an indicator's page, a recommendation's, a report section's. */
export function itemPath(consultationId: string, item: string): string {
  const section = reportSlugOf(item);
  if (section) return reportSectionPath(consultationId, section);
  if (item.startsWith("recommendation/")) {
    const [, category = "", group = ""] = item.split("/");
    return recommendationPath(consultationId, category, group);
  }
  return indicatorPath(consultationId, item);
}

/** The session's latest poll (open, or the last closed), if any. */
function latestPoll(st: ConsultationState, session: ValidationSession): PollState | undefined {
  let last: PollState | undefined;
  for (const p of st.assessment.polls.values()) if (p.validationSessionId === session.id && (!last || p.createdSeq > last.createdSeq)) last = p;
  return last;
}

/**
 * The outcome of a closed item's vote, in words, with its counts (worded as
 * the banner words an agreement poll's: poll-outcome.ts). Validation polls
 * are told here, never in the banner.
 */
function outcomeLine(st: ConsultationState, p: PollState): HTMLElement {
  const r = p.update?.results;
  const item = itemName(st, p.validationItem ?? "");
  if (!r?.closed) return h("p", { class: "validation-outcome", role: "status" }, t("validation.closedNoFigures", { item }));
  return h(
    "p",
    { class: "validation-outcome", role: "status", "data-passed": String(r.passed) },
    h("strong", { class: r.passed ? "passed" : "failed" }, r.passed ? t("validation.itemPassed", { item }) : t("validation.itemNotPassed", { item })),
    " ",
    agreementCounts(r),
  );
}

export function renderValidation(ctx: ViewContext, answer: Answered): HTMLElement | null {
  const st = ctx.session.state;
  const session = st.assessment.runningSession;
  const chair = ctx.me.role === Role.CHAIR;
  if (!session) return chair ? startForm(ctx, answer) : null;
  const p = progressOf(st, session);
  const latest = latestPoll(st, session);
  const open = latest && latest.phase !== "closed" ? latest : undefined;
  const next = (item = "") => ctx.request({ case: "nextValidationItem", value: { sessionId: session.id, item } }, answer);
  const upcoming = session.items.find((i) => st.assessment.itemStatus(session, i) === "pending");
  return h(
    "div",
    { class: "validation-bar", id: "validation-bar", "data-session": session.id },
    h(
      "p",
      { class: "validation-progress", id: "validation-progress" },
      h("strong", {}, t("validation.title")),
      " ",
      t("validation.progress", { passed: p.passed, total: p.total, notPassed: p.notPassed, skipped: p.skipped }),
      " ",
      h("progress", { max: String(p.total), value: String(p.passed + p.notPassed), "aria-label": t("validation.progressLabel") }),
    ),
    open
      ? h("p", { class: "validation-current" }, t("validation.voting", { item: itemName(st, open.validationItem ?? "") }), " ", h("a", { href: itemPath(ctx.consultationId, open.validationItem ?? "") }, t("validation.open")))
      : latest
        ? outcomeLine(st, latest)
        : null,
    chair
      ? h(
          "div",
          { class: "validation-actions" },
          open
            ? h("button", { type: "button", class: "primary", id: "validation-close", onclick: () => ctx.request({ case: "closePoll", value: { pollId: open.id } }, answer) }, t("validation.close"))
            : h("button", { type: "button", class: "primary", id: "validation-next", onclick: () => next() }, t("validation.next")),
          !open && upcoming
            ? h(
                "button",
                { type: "button", id: "validation-skip", onclick: () => ctx.request({ case: "skipValidationItem", value: { sessionId: session.id, item: upcoming } }, answer) },
                t("validation.skip", { item: upcoming.includes("/") ? itemName(st, upcoming) : upcoming }),
              )
            : null,
          !open
            ? h("button", { type: "button", id: "validation-end", onclick: () => ctx.request({ case: "endValidationSession", value: { sessionId: session.id } }, answer) }, t("validation.end"))
            : null,
        )
      : null,
  );
}

type QueueKind = "core" | "all" | "category" | "theme";

/** The queue a choice makes, in framework order. */
export function queueOf(st: ConsultationState, kind: QueueKind, id: string, withRecommendations: boolean): string[] {
  const out: string[] = [];
  for (const c of st.framework?.categories ?? []) {
    if (kind === "category" && c.id !== id) continue;
    for (const theme of c.themes) {
      if (kind === "theme" && theme.id !== id) continue;
      for (const q of theme.questions) for (const i of q.indicators) if (st.inScope(i) && (kind !== "core" || i.core)) out.push(i.id);
    }
  }
  if (withRecommendations) {
    const categories = (st.framework?.categories ?? []).filter((c) => kind !== "category" || c.id === id).filter((c) => c.id !== "C");
    for (const c of categories) for (const slug of ["government", "private-sector", "civil-society", "academia", "technical-community"]) out.push(`recommendation/${c.id}/${slug}`);
  }
  return out;
}

function startForm(ctx: ViewContext, answer: Answered): HTMLElement {
  const st = ctx.session.state;
  const categories = st.framework?.categories ?? [];
  const themes = categories.flatMap((c) => c.themes);
  const kind = h(
    "select",
    { id: "validation-queue" },
    h("option", { value: "core" }, t("validation.queueCore")),
    h("option", { value: "all" }, t("validation.queueAll")),
    categories.map((c) => h("option", { value: `category:${c.id}` }, t("validation.queueCategory", { title: `${c.id} ${c.title}` }))),
    themes.map((th) => h("option", { value: `theme:${th.id}` }, t("validation.queueTheme", { title: `${th.id} ${th.title}` }))),
    h("option", { value: "picked" }, t("validation.queuePicked")),
  );
  // A hand-made list: any indicators and recommendations, in framework order.
  const picked = h(
    "select",
    { id: "validation-picked", multiple: true, size: 8, "aria-describedby": "validation-picked-help" },
    queueOf(st, "all", "", true).map((item) => h("option", { value: item }, itemName(st, item))),
  );
  const pickedField = h(
    "div",
    { class: "field", hidden: true },
    h("label", { for: "validation-picked" }, t("validation.picked")),
    h("p", { class: "help", id: "validation-picked-help" }, t("validation.pickedHelp")),
    picked,
  );
  kind.addEventListener("change", () => (pickedField.hidden = (kind as HTMLSelectElement).value !== "picked"));
  const recommendations = h("input", { type: "checkbox", id: "validation-recommendations" });
  const statement = h("input", { type: "text", id: "validation-statement", value: DEFAULT_STATEMENT, "aria-describedby": "validation-statement-help" });
  const anonymous = h("input", { type: "checkbox", id: "validation-anonymous", checked: true });
  const live = h("input", { type: "checkbox", id: "validation-live" });
  const threshold = h(
    "select",
    { id: "validation-threshold" },
    h("option", { value: "2/3" }, t("validation.twoThirds")),
    h("option", { value: "1/2" }, t("validation.majority")),
  );
  const problem = h("p", { class: "field-error", role: "alert", id: "validation-problem" });
  return h(
    "details",
    { class: "validation-start" },
    h("summary", { id: "validation-start-summary" }, t("validation.start")),
    h(
      "form",
      {
        class: "form",
        onsubmit: (e: Event) => {
          e.preventDefault();
          const [k, id = ""] = (kind as HTMLSelectElement).value.split(":");
          const items =
            k === "picked"
              ? [...(picked as HTMLSelectElement).selectedOptions].map((o) => o.value)
              : queueOf(st, k as QueueKind, id, (recommendations as HTMLInputElement).checked);
          if (!items.length) {
            problem.textContent = t("validation.emptyQueue");
            return;
          }
          const [num, den] = (threshold as HTMLSelectElement).value.split("/").map(Number);
          ctx.request(
            {
              case: "startValidationSession",
              value: {
                items,
                statement: (statement as HTMLInputElement).value.trim() || DEFAULT_STATEMENT,
                rules: {
                  kind: PollKind.AGREEMENT,
                  anonymous: (anonymous as HTMLInputElement).checked,
                  liveResults: (live as HTMLInputElement).checked,
                  eligibleRoles: [Role.MEMBER, ...(st.chairIsBoardMember ? [Role.CHAIR] : [])],
                  threshold: { num, den },
                },
              },
            },
            (refusal) => {
              problem.textContent = refusal ?? "";
              answer(refusal);
            },
          );
        },
      },
      h("div", { class: "field" }, h("label", { for: "validation-queue" }, t("validation.queue")), kind),
      pickedField,
      h("div", { class: "check" }, recommendations, h("label", { for: "validation-recommendations" }, t("validation.withRecommendations"))),
      h(
        "div",
        { class: "field" },
        h("label", { for: "validation-statement" }, t("validation.statement")),
        h("p", { class: "help", id: "validation-statement-help" }, t("validation.statementHelp")),
        statement,
      ),
      h("div", { class: "field" }, h("label", { for: "validation-threshold" }, t("validation.threshold")), threshold),
      h("div", { class: "check" }, anonymous, h("label", { for: "validation-anonymous" }, t("poll.anonymous"))),
      h("div", { class: "check" }, live, h("label", { for: "validation-live" }, t("poll.liveResults"))),
      problem,
      h("button", { type: "submit", class: "primary", id: "validation-start-submit" }, t("validation.startSubmit")),
    ),
  );
}
