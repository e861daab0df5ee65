// The chair's people page (issue 18): who is on the roster and whether they
// have come, invitations one by one or from a CSV file, each person's link
// (copy, QR code, e-mail), a new link for someone who lost theirs, removal,
// registration links for a workshop's walk-ins, and the board's balance.
//
// Links are minted by the server on request (GetInviteLinks) and kept only
// in this page: the log knows who was invited, never a link.
import { StakeholderGroup } from "../gen/kenes/v1/log_pb";
import { Role } from "../gen/kenes/v1/protocol_pb";
import { formatDate, t } from "../i18n";
import type { Participant, Registration } from "../model";
import { HistoryRefusal } from "../net";
import { emailsByRow, toCsv } from "./csv";
import { h } from "./dom";
import { errorSentence, groupName, roleName } from "./labels";
import { renderQr } from "./qr";
import { renderRosterBalance } from "./roster-balance";
import type { View, ViewContext } from "./view";

const GROUPS = Object.values(StakeholderGroup).filter((v): v is StakeholderGroup => typeof v === "number" && v > 0);
const INVITABLE = [Role.MEMBER, Role.RESEARCHER, Role.OBSERVER];
const HOUR_MS = 3_600_000;

interface Link {
  readonly token: string;
  readonly expiresUnixMs: number;
}

/** An id the server accepts for a new participant or registration (8-64 of A-Z a-z 0-9 _ -). */
export function newId(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  return `${prefix}-${btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_")}`;
}

/** The address a link's token opens. */
export function joinLink(token: string): string {
  return `${location.origin}/join#token=${token}`;
}

/** Where a participant stands: removed, not yet come, registered through a link, or joined. */
export function personStatus(p: Participant, registrations: ReadonlyMap<string, Registration>): string {
  if (p.revoked) return t("people.statusRemoved");
  if (!p.joined) return t("people.statusInvited");
  if (p.registrationId) return t("people.statusRegistered", { label: registrations.get(p.registrationId)?.label || p.registrationId });
  return t("people.statusJoined");
}

export class PeopleView implements View {
  readonly el = h("section", { class: "page people", "aria-labelledby": "people-title" });
  private readonly links = new Map<string, Link>();
  private readonly emails = new Map<string, string>();
  /** The person or registration whose link is open below its row. */
  private shown = "";
  private removing = "";
  private inviteProblem = "";
  private importProblems: string[] = [];
  private importDone = "";
  private lastImport: string[] = [];
  private registrationProblem = "";
  private askedBalance = false;
  private form = { name: "", email: "", role: Role.MEMBER, group: StakeholderGroup.UNSPECIFIED, gender: "" };
  private registrationForm = { label: "", role: Role.MEMBER, cap: 100, hours: 8 };

  constructor(private readonly ctx: ViewContext) {
    this.refresh();
  }

  refresh(): void {
    const focusId = (document.activeElement as HTMLElement | null)?.id;
    if (this.ctx.me.role !== Role.CHAIR) {
      this.el.replaceChildren(h("h1", { id: "people-title", tabindex: "-1" }, t("people.title")), h("p", {}, t("people.chairOnly")));
      return;
    }
    if (!this.askedBalance) {
      this.askedBalance = true;
      this.ctx.request({ case: "getRosterBalance", value: {} });
    }
    this.el.replaceChildren(
      h("h1", { id: "people-title", tabindex: "-1" }, t("people.title")),
      h("div", { class: "people-columns" }, h("div", { class: "people-main" }, this.inviteForm(), this.roster()), h("aside", { class: "sidebar" }, this.balance(), this.importForm(), this.registrations())),
    );
    if (focusId) (this.el.querySelector(`#${CSS.escape(focusId)}`) as HTMLElement | null)?.focus();
  }

  focus(): void {
    (this.el.querySelector("#people-title") as HTMLElement | null)?.focus();
  }

  destroy(): void {}

  // ------------------------------------------------------------ inviting

  private inviteForm(): HTMLElement {
    const f = this.form;
    return h(
      "form",
      { class: "card form invite-form", id: "invite-form", "aria-labelledby": "invite-title", novalidate: true, onsubmit: (e: Event) => this.invite(e) },
      h("h2", { id: "invite-title" }, t("people.inviteTitle")),
      h(
        "div",
        { class: "field-row" },
        field("invite-name", t("people.name"), h("input", { id: "invite-name", type: "text", required: true, autocomplete: "off", value: f.name, oninput: (e: Event) => (f.name = (e.target as HTMLInputElement).value) })),
        field("invite-email", t("people.email"), h("input", { id: "invite-email", type: "email", autocomplete: "off", value: f.email, "aria-describedby": "invite-email-help", oninput: (e: Event) => (f.email = (e.target as HTMLInputElement).value) }), t("people.emailHelp")),
      ),
      h(
        "div",
        { class: "field-row" },
        field(
          "invite-role",
          t("people.role"),
          h(
            "select",
            { id: "invite-role", onchange: (e: Event) => (f.role = Number((e.target as HTMLSelectElement).value) as Role) },
            INVITABLE.map((r) => h("option", { value: String(r), selected: r === f.role }, roleName(r))),
          ),
        ),
        field(
          "invite-group",
          t("people.group"),
          h(
            "select",
            { id: "invite-group", onchange: (e: Event) => (f.group = Number((e.target as HTMLSelectElement).value) as StakeholderGroup) },
            h("option", { value: "0" }, t("people.groupTheirs")),
            GROUPS.map((g) => h("option", { value: String(g), selected: g === f.group }, groupName(g))),
          ),
        ),
        field("invite-gender", t("people.gender"), h("input", { id: "invite-gender", type: "text", autocomplete: "off", value: f.gender, "aria-describedby": "invite-gender-help", oninput: (e: Event) => (f.gender = (e.target as HTMLInputElement).value) }), t("people.genderHelp")),
      ),
      this.inviteProblem ? h("p", { class: "field-error", role: "alert", id: "invite-problem" }, this.inviteProblem) : null,
      h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", id: "invite-submit" }, t("people.invite"))),
    );
  }

  private invite(e: Event): void {
    e.preventDefault();
    const f = this.form;
    const name = f.name.trim();
    if (!name) {
      this.inviteProblem = t("join.nameRequired");
      this.refresh();
      (this.el.querySelector("#invite-name") as HTMLElement | null)?.focus();
      return;
    }
    const id = newId("p");
    this.ctx.request(
      {
        case: "inviteParticipant",
        value: { participantId: id, displayName: name, role: f.role, stakeholderGroup: f.group, gender: f.group ? f.gender.trim() : "" },
      },
      (refusal) => {
        this.inviteProblem = refusal ?? "";
        if (!refusal) {
          if (f.email.trim()) this.emails.set(id, f.email.trim());
          this.form = { name: "", email: "", role: f.role, group: StakeholderGroup.UNSPECIFIED, gender: "" };
          this.shown = id;
          void this.fetchLinks([id]);
        }
        this.refresh();
        if (!refusal) (this.el.querySelector("#invite-name") as HTMLElement | null)?.focus();
      },
    );
  }

  private importForm(): HTMLElement {
    const text = h("textarea", { id: "import-csv", rows: "5", "aria-describedby": "import-help", placeholder: "name,role,email,group,gender" });
    const file = h("input", {
      id: "import-file",
      type: "file",
      accept: ".csv,text/csv",
      onchange: async (e: Event) => {
        const f = (e.target as HTMLInputElement).files?.[0];
        if (f) (this.el.querySelector("#import-csv") as HTMLTextAreaElement).value = await f.text();
      },
    });
    return h(
      "form",
      { class: "panel form", id: "import-form", "aria-labelledby": "import-title", onsubmit: (e: Event) => this.importFile(e) },
      h("h2", { id: "import-title", class: "panel-title" }, t("people.importTitle")),
      h("p", { id: "import-help", class: "help" }, t("people.importHelp")),
      h("div", { class: "field" }, h("label", { for: "import-file" }, t("people.importFile")), file),
      h("div", { class: "field" }, h("label", { for: "import-csv" }, t("people.importPaste")), text),
      this.importProblems.length
        ? h("div", { class: "field-error", role: "alert", id: "import-problems" }, h("p", {}, this.importProblems[0]), h("ul", {}, this.importProblems.slice(1).map((p) => h("li", {}, p))))
        : null,
      this.importDone ? h("p", { role: "status", id: "import-done" }, this.importDone) : null,
      this.lastImport.length ? h("button", { type: "button", id: "import-download", onclick: () => this.downloadLinks(this.lastImport) }, t("people.downloadLinks")) : null,
      h("div", { class: "actions" }, h("button", { type: "submit", id: "import-submit" }, t("people.importSubmit"))),
    );
  }

  private importFile(e: Event): void {
    e.preventDefault();
    const csv = (this.el.querySelector("#import-csv") as HTMLTextAreaElement).value;
    const prefix = newId("i");
    this.ctx.request({ case: "importParticipants", value: { csv, idPrefix: prefix } }, (refusal) => {
      this.importProblems = refusal ? refusal.split("\n") : [];
      this.importDone = "";
      if (!refusal) {
        const emails = emailsByRow(csv);
        const ids = [...this.ctx.session.state.participants.keys()].filter((id) => id.startsWith(`${prefix}-`));
        for (const id of ids) {
          const email = emails.get(Number(id.slice(prefix.length + 1)));
          if (email) this.emails.set(id, email);
        }
        this.lastImport = ids;
        this.importDone = t("people.imported", { n: ids.length });
        void this.fetchLinks(ids);
      }
      this.refresh();
    });
  }

  // ------------------------------------------------------------ the roster

  private roster(): HTMLElement {
    const st = this.ctx.session.state;
    const order = [Role.CHAIR, Role.RESEARCHER, Role.MEMBER, Role.OBSERVER];
    const people = [...st.participants.values()].sort((a, b) => order.indexOf(a.role) - order.indexOf(b.role) || a.displayName.localeCompare(b.displayName));
    const rows: HTMLElement[] = [];
    for (const p of people) {
      const rowId = `person-${p.id}`;
      rows.push(
        h(
          "tr",
          { id: rowId, class: p.revoked ? "removed" : null },
          h("th", { scope: "row" }, p.displayName || p.id),
          h("td", {}, roleName(p.role)),
          h("td", {}, p.stakeholderGroup ? groupName(p.stakeholderGroup) : "—"),
          h("td", { class: "person-status" }, personStatus(p, st.registrations)),
          h("td", { class: "row-actions" }, p.revoked || p.id === this.ctx.me.id ? null : this.personActions(p)),
        ),
      );
      if (this.shown === p.id && !p.revoked) {
        rows.push(h("tr", { class: "link-row" }, h("td", { colspan: "5" }, this.linkPanel(p.id, p.displayName, this.emails.get(p.id)))));
      }
    }
    const invited = people.filter((p) => !p.revoked && !p.joined).length;
    return h(
      "section",
      { class: "card", "aria-labelledby": "roster-list-title" },
      h("h2", { id: "roster-list-title" }, t("people.rosterTitle")),
      h("p", { class: "muted", id: "roster-summary" }, t("people.summary", { n: people.filter((p) => !p.revoked).length, invited })),
      h(
        "table",
        { class: "people-table", id: "people-table" },
        h("thead", {}, h("tr", {}, ...[t("people.name"), t("people.role"), t("people.group"), t("people.status"), t("people.actions")].map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", {}, rows),
      ),
    );
  }

  private personActions(p: Participant): HTMLElement[] {
    const name = p.displayName || p.id;
    const actions = [
      h(
        "button",
        {
          type: "button",
          class: "link",
          "aria-expanded": this.shown === p.id ? "true" : "false",
          "aria-label": t("people.linkOf", { name }),
          onclick: () => {
            this.shown = this.shown === p.id ? "" : p.id;
            if (this.shown && !this.links.has(p.id)) void this.fetchLinks([p.id]);
            this.refresh();
          },
        },
        t("people.link"),
      ),
      h(
        "button",
        {
          type: "button",
          class: "link",
          "aria-label": t("people.newLinkOf", { name }),
          onclick: () =>
            this.ctx.request({ case: "reissueInviteLink", value: { participantId: p.id } }, (refusal) => {
              if (refusal) {
                alertRefusal(this.el, refusal);
                return;
              }
              this.links.delete(p.id);
              this.shown = p.id;
              void this.fetchLinks([p.id]);
              this.refresh();
            }),
        },
        t("people.newLink"),
      ),
    ];
    actions.push(
      this.removing === p.id
        ? h(
            "button",
            {
              type: "button",
              class: "danger",
              id: `remove-confirm-${p.id}`,
              onclick: () =>
                this.ctx.request({ case: "revokeParticipant", value: { participantId: p.id, reason: "" } }, (refusal) => {
                  this.removing = "";
                  if (refusal) alertRefusal(this.el, refusal);
                  this.refresh();
                }),
            },
            t("people.removeConfirm", { name }),
          )
        : h(
            "button",
            {
              type: "button",
              class: "link",
              "aria-label": t("people.removeOf", { name }),
              onclick: () => {
                this.removing = p.id;
                this.refresh();
                (this.el.querySelector(`#remove-confirm-${CSS.escape(p.id)}`) as HTMLElement | null)?.focus();
              },
            },
            t("people.remove"),
          ),
    );
    return actions;
  }

  /** A link with its copy button, QR code and e-mail, once the server has signed it. */
  private linkPanel(key: string, name: string, email: string | undefined): HTMLElement {
    const link = this.links.get(key);
    if (!link) return h("p", { role: "status" }, t("people.linkLoading"));
    const url = joinLink(link.token);
    const input = h("input", { type: "text", readonly: true, value: url, class: "link-text", id: `link-${key}`, "aria-label": t("people.linkOf", { name }) });
    const status = h("span", { role: "status", class: "muted" });
    const copy = h(
      "button",
      {
        type: "button",
        onclick: async () => {
          try {
            await navigator.clipboard.writeText(url);
            status.textContent = t("people.copied");
          } catch {
            // No clipboard (a plain-http address): selected, for Ctrl+C.
            (input as HTMLInputElement).select();
            status.textContent = t("people.copyByHand");
          }
        },
      },
      t("people.copy"),
    );
    const expires = formatDate(link.expiresUnixMs);
    const send = email
      ? h(
          "button",
          {
            type: "button",
            onclick: async () => {
              status.textContent = t("people.sending");
              try {
                await this.ctx.session.emailInviteLink(key, email);
                status.textContent = t("people.sent", { email });
              } catch (e) {
                status.textContent = e instanceof HistoryRefusal ? `${errorSentence(e.code)} (${e.serverMessage})` : String(e);
              }
            },
          },
          t("people.sendMail"),
        )
      : null;
    const mail = email
      ? h("a", { href: `mailto:${encodeURIComponent(email)}?subject=${encodeURIComponent(t("people.mailSubject", { title: this.ctx.session.state.title }))}&body=${encodeURIComponent(t("people.mailBody", { name, link: url }))}` }, t("people.mail", { email }))
      : null;
    return h(
      "div",
      { class: "link-panel" },
      h("div", { class: "link-line" }, input, copy, send, mail, status),
      h("p", { class: "muted" }, t("people.expires", { date: expires })),
      renderQr(url, t("people.qrOf", { name })),
    );
  }

  private async fetchLinks(ids: string[]): Promise<void> {
    if (!ids.length) return;
    try {
      const answer = await this.ctx.session.askInviteLinks({ participantIds: ids });
      for (const l of answer.links) this.links.set(l.participantId, { token: l.token, expiresUnixMs: Number(l.expiresUnixMs) });
    } catch (e) {
      alertRefusal(this.el, e instanceof HistoryRefusal ? `${errorSentence(e.code)} (${e.serverMessage})` : String(e));
    }
    this.refresh();
  }

  private async downloadLinks(ids: string[]): Promise<void> {
    await this.fetchLinks(ids.filter((id) => !this.links.has(id)));
    const st = this.ctx.session.state;
    const rows = [[t("people.name"), t("people.role"), t("people.emailColumn"), t("people.linkColumn")]];
    for (const id of ids) {
      const p = st.participants.get(id);
      const link = this.links.get(id);
      if (p && link) rows.push([p.displayName, roleName(p.role), this.emails.get(id) ?? "", joinLink(link.token)]);
    }
    const a = h("a", { href: URL.createObjectURL(new Blob([toCsv(rows)], { type: "text/csv" })), download: "invite-links.csv" });
    document.body.append(a);
    a.click();
    a.remove();
  }

  // ------------------------------------------------------------ registration links

  private registrations(): HTMLElement {
    const st = this.ctx.session.state;
    const f = this.registrationForm;
    const now = Date.now();
    const items = [...st.registrations.values()].map((r) => {
      const open = !r.closed && r.expiresUnixMs > now && r.registered < r.cap;
      const key = `reg:${r.id}`;
      return h(
        "li",
        { id: `registration-${r.id}` },
        h("strong", {}, r.label || r.id),
        " ",
        h("span", { class: "muted" }, t("people.registrationCount", { n: r.registered, cap: r.cap, role: roleName(r.role) })),
        " ",
        h("span", { class: "registration-state" }, r.closed ? t("people.registrationClosed") : r.expiresUnixMs <= now ? t("people.registrationExpired") : r.registered >= r.cap ? t("people.registrationFull") : t("people.registrationOpen")),
        open
          ? h(
              "div",
              { class: "row-actions" },
              h(
                "button",
                {
                  type: "button",
                  class: "link",
                  "aria-expanded": this.shown === key ? "true" : "false",
                  onclick: () => {
                    this.shown = this.shown === key ? "" : key;
                    if (this.shown && !this.links.has(key)) void this.fetchRegistrationLink(r.id);
                    this.refresh();
                  },
                },
                t("people.link"),
              ),
              h(
                "button",
                {
                  type: "button",
                  class: "link",
                  id: `registration-close-${r.id}`,
                  onclick: () => this.ctx.request({ case: "closeRegistration", value: { registrationId: r.id } }, (refusal) => refusal && alertRefusal(this.el, refusal)),
                },
                t("people.registrationCloseIt"),
              ),
            )
          : null,
        open && this.shown === key ? this.linkPanel(key, r.label || r.id, undefined) : null,
      );
    });
    return h(
      "section",
      { class: "panel", "aria-labelledby": "registration-title" },
      h("h2", { id: "registration-title", class: "panel-title" }, t("people.registrationTitle")),
      h("p", { class: "help" }, t("people.registrationHelp")),
      items.length ? h("ul", { class: "registration-list" }, items) : null,
      h(
        "form",
        { class: "form", id: "registration-form", onsubmit: (e: Event) => this.openRegistration(e) },
        field("registration-label", t("people.registrationLabel"), h("input", { id: "registration-label", type: "text", value: f.label, oninput: (e: Event) => (f.label = (e.target as HTMLInputElement).value) })),
        field(
          "registration-role",
          t("people.role"),
          h("select", { id: "registration-role", onchange: (e: Event) => (f.role = Number((e.target as HTMLSelectElement).value) as Role) }, INVITABLE.map((r) => h("option", { value: String(r), selected: r === f.role }, roleName(r)))),
        ),
        field("registration-cap", t("people.registrationCap"), h("input", { id: "registration-cap", type: "number", min: "1", max: "10000", value: String(f.cap), oninput: (e: Event) => (f.cap = Number((e.target as HTMLInputElement).value)) })),
        field("registration-hours", t("people.registrationHours"), h("input", { id: "registration-hours", type: "number", min: "1", max: "8760", value: String(f.hours), oninput: (e: Event) => (f.hours = Number((e.target as HTMLInputElement).value)) })),
        this.registrationProblem ? h("p", { class: "field-error", role: "alert" }, this.registrationProblem) : null,
        h("div", { class: "actions" }, h("button", { type: "submit", id: "registration-submit" }, t("people.registrationOpenIt"))),
      ),
    );
  }

  private openRegistration(e: Event): void {
    e.preventDefault();
    const f = this.registrationForm;
    const id = newId("r");
    this.ctx.request(
      {
        case: "openRegistration",
        value: { registrationId: id, role: f.role, cap: Math.round(f.cap), label: f.label.trim(), expiresUnixMs: BigInt(Date.now() + Math.round(f.hours * HOUR_MS)) },
      },
      (refusal) => {
        this.registrationProblem = refusal ?? "";
        if (!refusal) {
          this.shown = `reg:${id}`;
          void this.fetchRegistrationLink(id);
        }
        this.refresh();
      },
    );
  }

  private async fetchRegistrationLink(id: string): Promise<void> {
    try {
      const answer = await this.ctx.session.askInviteLinks({ registrationId: id });
      const l = answer.links[0];
      if (l) this.links.set(`reg:${id}`, { token: l.token, expiresUnixMs: Number(l.expiresUnixMs) });
    } catch (e) {
      alertRefusal(this.el, e instanceof HistoryRefusal ? `${errorSentence(e.code)} (${e.serverMessage})` : String(e));
    }
    this.refresh();
  }

  // ------------------------------------------------------------ balance

  private balance(): HTMLElement {
    const st = this.ctx.session.state;
    const box = h("input", {
      type: "checkbox",
      id: "chair-is-member",
      checked: st.chairIsBoardMember,
      onchange: (e: Event) => {
        const on = (e.target as HTMLInputElement).checked;
        this.ctx.request({ case: "setBoardSettings", value: { chairIsBoardMember: on } }, (refusal) => {
          if (refusal) alertRefusal(this.el, refusal);
          else this.ctx.request({ case: "getRosterBalance", value: {} });
        });
      },
    });
    const section = renderRosterBalance(this.ctx);
    section.append(h("div", { class: "check" }, box, h("label", { for: "chair-is-member" }, t("people.chairIsMember"))));
    return section;
  }
}

function field(id: string, label: string, control: HTMLElement, help?: string): HTMLElement {
  return h("div", { class: "field" }, h("label", { for: id }, label), help ? h("p", { class: "help", id: `${id}-help` }, help) : null, control);
}

/** A refusal where no form field owns it. */
function alertRefusal(root: HTMLElement, text: string): void {
  root.querySelector(".people-alert")?.remove();
  root.prepend(h("p", { class: "notice people-alert", role: "alert" }, text));
}
