// The chair's choice of what the assessment covers (issue 19), on the
// overview under the line that says it: all indicators, the core ones, or
// the core ones plus others she ticks (SetScope; the server checks the ids
// and writes them in framework order). The choice being made is kept here,
// not in the DOM, because the overview redraws itself often (presence,
// drafts starting): a half-ticked list survives that. What is in force is
// the state's (ConsultationState.scope / scopeSelected), told by the line.
import type { Indicator } from "../gen/kenes/v1/framework_pb";
import { Scope } from "../gen/kenes/v1/framework_pb";
import type { ConsultationState } from "../model";
import { t } from "../i18n";
import { h } from "./dom";
import type { ViewContext } from "./view";

interface Choice {
  scope: Scope;
  selected: Set<string>;
}

/** Every indicator of the framework, in framework order. */
function allIndicators(st: ConsultationState): Indicator[] {
  const out: Indicator[] = [];
  for (const c of st.framework?.categories ?? []) for (const th of c.themes) for (const q of th.questions) out.push(...q.indicators);
  return out;
}

/** The sentence the overview says of the scope in force. */
export function scopeLine(st: ConsultationState): string {
  switch (st.scope) {
    case Scope.CORE:
      return t("overview.scopeCore");
    case Scope.CORE_PLUS_SELECTED:
      return t("overview.scopeCorePlus", { n: st.scopeSelected.size });
    default:
      return t("overview.scopeAll");
  }
}

export class ScopeForm {
  private open = false;
  // The choice being made; null: as in force.
  private choice: Choice | null = null;
  private problem = "";

  /** `redraw` asks the overview to draw again (the list shows or hides with the choice). */
  constructor(
    private readonly ctx: ViewContext,
    private readonly redraw: () => void,
  ) {}

  render(): HTMLElement {
    const st = this.ctx.session.state;
    const indicators = allIndicators(st);
    const others = indicators.filter((i) => !i.core);
    const choice = this.choice ?? { scope: st.scope === Scope.UNSPECIFIED ? Scope.ALL : st.scope, selected: new Set(st.scopeSelected) };
    const choose = (scope: Scope) => {
      this.choice = { scope, selected: choice.selected };
      this.problem = "";
      this.redraw();
    };
    const radio = (id: string, scope: Scope, label: string) =>
      h(
        "div",
        { class: "check" },
        h("input", { type: "radio", name: "scope", id, "data-focus-key": id, value: String(scope), checked: choice.scope === scope, onchange: () => choose(scope) }),
        h("label", { for: id }, label),
      );
    const picks =
      choice.scope !== Scope.CORE_PLUS_SELECTED
        ? null
        : others.length === 0
          ? h("p", { class: "muted" }, t("scope.noOthers"))
          : h(
              "fieldset",
              { class: "scope-picks" },
              h("legend", {}, t("scope.pick")),
              h(
                "ul",
                { class: "scope-pick-list" },
                others.map((i) => {
                  const id = `scope-pick-${i.id}`;
                  return h(
                    "li",
                    { class: "check" },
                    h("input", {
                      type: "checkbox",
                      id,
                      "data-focus-key": id,
                      value: i.id,
                      checked: choice.selected.has(i.id),
                      onchange: (e) => {
                        if ((e.target as HTMLInputElement).checked) choice.selected.add(i.id);
                        else choice.selected.delete(i.id);
                        this.choice = choice;
                      },
                    }),
                    h("label", { for: id }, h("span", { class: "ind-id" }, i.id), " ", i.title),
                  );
                }),
              ),
            );
    const details = h(
      "details",
      { class: "scope-setter", open: this.open },
      h("summary", { "data-focus-key": "scope-change", id: "scope-change" }, t("scope.change")),
      h(
        "form",
        {
          id: "scope-form",
          onsubmit: (e) => {
            e.preventDefault();
            this.save(choice);
          },
        },
        h(
          "fieldset",
          {},
          h("legend", {}, t("scope.legend")),
          radio("scope-all", Scope.ALL, t("scope.all", { n: indicators.length })),
          radio("scope-core", Scope.CORE, t("scope.core", { n: indicators.length - others.length })),
          radio("scope-core-plus", Scope.CORE_PLUS_SELECTED, t("scope.corePlus")),
        ),
        picks,
        h("button", { type: "submit", id: "scope-save", "data-focus-key": "scope-save" }, t("scope.save")),
        h("p", { class: "field-error", role: "alert", id: "scope-problem" }, this.problem),
      ),
    );
    details.addEventListener("toggle", () => {
      this.open = details.open;
    });
    return details;
  }

  private save(choice: Choice): void {
    const st = this.ctx.session.state;
    // In the framework's order, as the server will write them; ticked ones
    // that are no longer offered (none: the framework does not change) drop out.
    const selected = choice.scope === Scope.CORE_PLUS_SELECTED ? allIndicators(st).filter((i) => !i.core && choice.selected.has(i.id)).map((i) => i.id) : [];
    if (choice.scope === Scope.CORE_PLUS_SELECTED && selected.length === 0) {
      this.problem = t("scope.pickOne");
      this.redraw();
      return;
    }
    this.ctx.request({ case: "setScope", value: { scope: choice.scope, selectedIndicatorIds: selected } }, (refusal) => {
      if (refusal) {
        this.problem = t("status.refused", { reason: refusal });
      } else {
        // Done: the line above says what is in force now.
        this.problem = "";
        this.choice = null;
        this.open = false;
      }
      this.redraw();
    });
  }
}
