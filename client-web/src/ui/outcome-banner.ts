// The outcome of a poll that just closed, on every page but the wall (issue
// 20): "Poll closed — “Which data source…?”: Option B won (5 of 7 votes)."
// with a link to the poll. A polite live region that is always in the page
// (a region added with its text is not reliably read out), pinned to the
// bottom left of the window so it is on screen wherever one has scrolled;
// it stays until dismissed or replaced by the next close. Which closes are
// news is closed-poll-news.ts's decision; the words are poll-outcome.ts's.
import { t } from "../i18n";
import type { ConsultationState } from "../model";
import { h, replaceChildren } from "./dom";
import { pollVerdict, shortQuestion } from "./poll-outcome";

export class OutcomeBanner {
  readonly el = h("div", { class: "outcome-host", role: "status", "aria-live": "polite", "aria-label": t("outcome.region") });
  private pollId = "";
  private href = "";
  /** What is on show, so that an unchanged banner is not rewritten (and read out) again. */
  private drawn = "";

  /** `onDismiss`: where the focus goes when the banner it was in goes away. */
  constructor(
    private readonly state: () => ConsultationState,
    private readonly onDismiss: () => void,
  ) {}

  /** The poll on show, "" when none. */
  get shown(): string {
    return this.pollId;
  }

  /** Tells this poll's outcome, replacing any before; `href` is its page. */
  show(pollId: string, href: string): void {
    this.pollId = pollId;
    this.href = href;
    this.render();
  }

  /** Redraws in the current language, with the figures the page has now. */
  refresh(): void {
    if (this.pollId) this.render();
  }

  dismiss(): void {
    const hadFocus = this.el.contains(document.activeElement);
    this.pollId = "";
    this.drawn = "";
    this.el.replaceChildren();
    if (hadFocus) this.onDismiss();
  }

  private render(): void {
    this.el.setAttribute("aria-label", t("outcome.region"));
    const poll = this.state().assessment.polls.get(this.pollId);
    if (!poll) {
      this.dismiss();
      return;
    }
    const verdict = pollVerdict(poll.definition, poll.update?.results);
    const question = t("outcome.question", { question: shortQuestion(poll.definition.question) });
    const drawn = [poll.id, t("outcome.title"), question, verdict.text, this.href, t("outcome.see"), t("outcome.dismiss")].join("\n");
    if (drawn === this.drawn) return;
    this.drawn = drawn;
    const cls = verdict.passed === undefined ? "" : verdict.passed ? "passed" : "failed";
    replaceChildren(
      this.el,
      h(
        "div",
        { class: "outcome-banner", "data-poll": poll.id, "data-passed": verdict.passed === undefined ? "" : String(verdict.passed) },
        h(
          "p",
          { class: "outcome-text" },
          h("strong", {}, t("outcome.title")),
          " — ",
          h("span", { class: "outcome-question" }, question),
          ": ",
          h("span", { class: `outcome-verdict ${cls}` }, verdict.text),
        ),
        h(
          "p",
          { class: "outcome-actions" },
          this.href ? h("a", { href: this.href, class: "outcome-link" }, t("outcome.see")) : null,
          h("button", { type: "button", class: "link outcome-dismiss", onclick: () => this.dismiss() }, t("outcome.dismiss")),
        ),
      ),
    );
  }
}
