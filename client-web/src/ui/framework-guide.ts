// What the framework says to the researcher (issue 19), above the draft on
// the indicator page: the question the indicator answers, always shown, then
// a collapsible part with the guidance, the means of verification and the
// framework file's other columns (extra values). It sits between the heading
// and the draft, not behind a tab of the side panel, so that it is read
// while writing; on a wide screen it takes at most about a quarter of the
// draft's column and scrolls inside itself, so the editor keeps the rest of
// the screen (styles.css, "indicator-guide"). Open or closed is remembered
// in this browser for every indicator.
import type { Indicator, Question } from "../gen/kenes/v1/framework_pb";
import { IndicatorType } from "../gen/kenes/v1/framework_pb";
import { type MessageKey, language, t } from "../i18n";
import { h, replaceChildren } from "./dom";

const OPEN_KEY = "kenes.guideOpen";

const TYPE_KEYS: Partial<Record<IndicatorType, MessageKey>> = {
  [IndicatorType.QUANTITATIVE]: "indicator.type.quantitative",
  [IndicatorType.QUALITATIVE]: "indicator.type.qualitative",
  [IndicatorType.INSTITUTIONAL]: "indicator.type.institutional",
};

/** The words for an indicator's type ("Institutional indicator"), or null when the framework does not say. */
export function indicatorTypeName(type: IndicatorType): string | null {
  const key = TYPE_KEYS[type];
  return key ? t(key) : null;
}

function savedOpen(): boolean {
  try {
    return localStorage.getItem(OPEN_KEY) !== "0";
  } catch {
    return true;
  }
}

export class FrameworkGuide {
  readonly el = h("section", { class: "indicator-guide", "aria-labelledby": "guide-title" });
  // What the last render showed: the guide is redrawn only when it changes,
  // so a focused summary or a reader's scroll position survives the page's
  // frequent refreshes.
  private shown = "";

  /** Shows what the framework says of `ind`, under `question` (the one holding it). */
  render(ind: Indicator, question: Question | undefined): void {
    const key = JSON.stringify([language(), ind.id, ind.guidance, ind.meansOfVerification, ind.extras.map((x) => [x.name, x.value]), question?.id, question?.title, question?.text]);
    if (key === this.shown) return;
    this.shown = key;
    const questionText = question ? question.text || question.title : "";
    const more = ind.guidance || ind.meansOfVerification || ind.extras.length > 0;
    const details = more
      ? h(
          "details",
          { class: "guide-more", open: savedOpen() },
          h("summary", { id: "guide-summary" }, t("indicator.guideMore")),
          ind.guidance ? [h("h3", {}, t("indicator.guidance")), h("p", { class: "guide-text", id: "guide-guidance" }, ind.guidance)] : null,
          ind.meansOfVerification ? [h("h3", {}, t("indicator.meansOfVerification")), h("p", { class: "guide-text", id: "guide-means" }, ind.meansOfVerification)] : null,
          ind.extras.length
            ? [
                h("h3", {}, t("indicator.extras")),
                h(
                  "dl",
                  { class: "guide-extras", id: "guide-extras" },
                  ind.extras.flatMap((x) => [h("dt", {}, x.name), h("dd", {}, x.value)]),
                ),
              ]
            : null,
        )
      : null;
    details?.addEventListener("toggle", () => {
      try {
        localStorage.setItem(OPEN_KEY, details.open ? "1" : "0");
      } catch {
        /* not remembered, still shown */
      }
    });
    this.el.hidden = !questionText && !more;
    // With nothing to open, the section itself is what may scroll: it then
    // takes the focus, so a keyboard can scroll it too.
    if (more) this.el.removeAttribute("tabindex");
    else this.el.setAttribute("tabindex", "0");
    replaceChildren(
      this.el,
      h("h2", { id: "guide-title", class: "visually-hidden" }, t("indicator.fromFramework")),
      questionText
        ? h("p", { class: "guide-question", id: "guide-question" }, h("span", { class: "guide-label" }, t("indicator.question", { id: question!.id })), " ", questionText)
        : null,
      details,
    );
  }
}
