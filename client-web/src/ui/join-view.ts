// Asked once, on joining: the display name, and for advisory-board members
// their stakeholder group and (optional, self-described) gender. Sent as
// UpdateProfile, logged as ProfileUpdated.
import { StakeholderGroup } from "../gen/kenes/v1/log_pb";
import { Role } from "../gen/kenes/v1/protocol_pb";
import { t } from "../i18n";
import { h } from "./dom";
import { groupName, roleName } from "./labels";
import type { View, ViewContext } from "./view";

const GROUPS = Object.values(StakeholderGroup).filter((v): v is StakeholderGroup => typeof v === "number" && v > 0);

export class JoinView implements View {
  readonly el = h("section", { class: "page join" });
  private name = "";
  private group: StakeholderGroup = StakeholderGroup.UNSPECIFIED;
  private gender = "";
  private errors: { name?: string; group?: string } = {};

  constructor(
    private readonly ctx: ViewContext,
    private readonly done: () => void,
  ) {
    this.name = ctx.me.name;
    this.refresh();
  }

  private get asksGroup(): boolean {
    return this.ctx.me.role === Role.MEMBER;
  }

  refresh(): void {
    const title = this.ctx.session.state.title || t("app.name");
    const nameInput = h("input", {
      id: "join-name",
      name: "name",
      type: "text",
      autocomplete: "name",
      required: true,
      value: this.name,
      "aria-invalid": this.errors.name ? "true" : null,
      "aria-describedby": this.errors.name ? "join-name-error" : null,
      oninput: (e) => (this.name = (e.target as HTMLInputElement).value),
    });
    const groupSelect = h(
      "select",
      {
        id: "join-group",
        name: "group",
        required: true,
        "aria-describedby": this.errors.group ? "join-group-help join-group-error" : "join-group-help",
        "aria-invalid": this.errors.group ? "true" : null,
        onchange: (e) => (this.group = Number((e.target as HTMLSelectElement).value) as StakeholderGroup),
      },
      h("option", { value: "0" }, t("join.groupChoose")),
      GROUPS.map((g) => h("option", { value: String(g), selected: g === this.group }, groupName(g))),
    );
    const form = h(
      "form",
      { class: "card form", novalidate: true, onsubmit: (e) => this.submit(e) },
      h("h1", { id: "join-title", tabindex: "-1" }, t("join.title", { title })),
      h("p", {}, t("join.invitedAs", { role: roleName(this.ctx.me.role) })),
      h("p", { class: "muted" }, t("join.intro")),
      h(
        "div",
        { class: "field" },
        h("label", { for: "join-name" }, t("join.name")),
        nameInput,
        this.errors.name ? h("p", { id: "join-name-error", class: "field-error" }, this.errors.name) : null,
      ),
      this.asksGroup
        ? [
            h(
              "div",
              { class: "field" },
              h("label", { for: "join-group" }, t("join.group")),
              h("p", { id: "join-group-help", class: "help" }, t("join.groupHelp")),
              groupSelect,
              this.errors.group ? h("p", { id: "join-group-error", class: "field-error" }, this.errors.group) : null,
            ),
            h(
              "div",
              { class: "field" },
              h("label", { for: "join-gender" }, t("join.gender")),
              h("p", { id: "join-gender-help", class: "help" }, t("join.genderHelp")),
              h("input", {
                id: "join-gender",
                name: "gender",
                type: "text",
                autocomplete: "off",
                "aria-describedby": "join-gender-help",
                value: this.gender,
                oninput: (e) => (this.gender = (e.target as HTMLInputElement).value),
              }),
            ),
          ]
        : null,
      h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, t("join.submit"))),
    );
    this.el.replaceChildren(form);
  }

  focus(): void {
    (this.el.querySelector("#join-name") as HTMLElement | null)?.focus();
  }

  private submit(e: Event): void {
    e.preventDefault();
    const name = this.name.trim();
    this.errors = {};
    if (!name) this.errors.name = t("join.nameRequired");
    if (this.asksGroup && this.group === StakeholderGroup.UNSPECIFIED) this.errors.group = t("join.groupRequired");
    if (this.errors.name || this.errors.group) {
      this.refresh();
      (this.el.querySelector(this.errors.name ? "#join-name" : "#join-group") as HTMLElement | null)?.focus();
      return;
    }
    this.ctx.session.updateProfile(name, this.asksGroup ? this.group : StakeholderGroup.UNSPECIFIED, this.asksGroup ? this.gender.trim() : "");
    this.done();
  }

  destroy(): void {}
}
