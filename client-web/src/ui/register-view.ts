// A workshop's walk-in, opening a registration link: who they are (name,
// stakeholder group, gender) before anything connects. The server makes
// them a participant of their own and sends back a link of their own
// (Welcome.token), which the page keeps from then on.
import { StakeholderGroup } from "../gen/kenes/v1/log_pb";
import type { Role } from "../gen/kenes/v1/protocol_pb";
import { t } from "../i18n";
import type { RegistrationDetails } from "../net";
import { h } from "./dom";
import { groupName, roleName } from "./labels";

const GROUPS = Object.values(StakeholderGroup).filter((v): v is StakeholderGroup => typeof v === "number" && v > 0);

export interface RegisterViewOptions {
  /** The registration's label ("Workshop, 12 March"), from the link. */
  readonly label: string;
  readonly role: Role;
  /** What the server said about an earlier try (a name someone has), or "". */
  readonly problem: string;
  readonly previous?: RegistrationDetails;
  readonly submit: (details: RegistrationDetails) => void;
}

export function renderRegisterView(o: RegisterViewOptions): HTMLElement {
  let name = o.previous?.displayName ?? "";
  let group = o.previous?.stakeholderGroup ?? StakeholderGroup.UNSPECIFIED;
  let gender = o.previous?.gender ?? "";
  const section = h("section", { class: "page join register" });
  const render = (errors: { name?: string; group?: string }) => {
    const form = h(
      "form",
      {
        class: "card form",
        novalidate: true,
        onsubmit: (e: Event) => {
          e.preventDefault();
          const errs: { name?: string; group?: string } = {};
          if (!name.trim()) errs.name = t("join.nameRequired");
          if (group === StakeholderGroup.UNSPECIFIED) errs.group = t("join.groupRequired");
          if (errs.name || errs.group) {
            render(errs);
            (section.querySelector(errs.name ? "#register-name" : "#register-group") as HTMLElement | null)?.focus();
            return;
          }
          o.submit({ displayName: name.trim(), stakeholderGroup: group, gender: gender.trim() });
        },
      },
      h("h1", { id: "register-title", tabindex: "-1" }, o.label ? t("register.titleLabel", { label: o.label }) : t("register.title")),
      h("p", {}, t("register.intro", { role: roleName(o.role) })),
      o.problem ? h("p", { class: "field-error", role: "alert", id: "register-problem" }, o.problem) : null,
      h(
        "div",
        { class: "field" },
        h("label", { for: "register-name" }, t("join.name")),
        h("input", {
          id: "register-name",
          name: "name",
          type: "text",
          autocomplete: "name",
          required: true,
          value: name,
          "aria-invalid": errors.name ? "true" : null,
          "aria-describedby": errors.name ? "register-name-error" : null,
          oninput: (e: Event) => (name = (e.target as HTMLInputElement).value),
        }),
        errors.name ? h("p", { id: "register-name-error", class: "field-error" }, errors.name) : null,
      ),
      h(
        "div",
        { class: "field" },
        h("label", { for: "register-group" }, t("join.group")),
        h("p", { id: "register-group-help", class: "help" }, t("join.groupHelp")),
        h(
          "select",
          {
            id: "register-group",
            name: "group",
            required: true,
            "aria-describedby": errors.group ? "register-group-help register-group-error" : "register-group-help",
            "aria-invalid": errors.group ? "true" : null,
            onchange: (e: Event) => (group = Number((e.target as HTMLSelectElement).value) as StakeholderGroup),
          },
          h("option", { value: "0" }, t("join.groupChoose")),
          GROUPS.map((g) => h("option", { value: String(g), selected: g === group }, groupName(g))),
        ),
        errors.group ? h("p", { id: "register-group-error", class: "field-error" }, errors.group) : null,
      ),
      h(
        "div",
        { class: "field" },
        h("label", { for: "register-gender" }, t("join.gender")),
        h("p", { id: "register-gender-help", class: "help" }, t("join.genderHelp")),
        h("input", {
          id: "register-gender",
          name: "gender",
          type: "text",
          autocomplete: "off",
          "aria-describedby": "register-gender-help",
          value: gender,
          oninput: (e: Event) => (gender = (e.target as HTMLInputElement).value),
        }),
      ),
      h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", id: "register-submit" }, t("register.submit"))),
    );
    section.replaceChildren(form);
  };
  render({});
  return section;
}
