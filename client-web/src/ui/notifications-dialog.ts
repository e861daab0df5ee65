// The Notifications dialog: one's e-mail digest — an address and how often
// (off, hourly, daily, weekly). It shows the settings from one's own
// NotificationSettingsSet record (model: state.notifications) and sends
// SetNotificationSettings; the server checks the address and says why when
// it refuses. A native <dialog>: Escape closes it and focus stays inside
// while it is open, then returns to the button that opened it.
import { DigestPeriod } from "../gen/kenes/v1/discussion_pb";
import { type MessageKey, formatDateTime, t } from "../i18n";
import { h, replaceChildren } from "./dom";
import type { ViewContext } from "./view";

const PERIODS: [DigestPeriod, MessageKey][] = [
  [DigestPeriod.OFF, "notify.off"],
  [DigestPeriod.HOURLY, "notify.hourly"],
  [DigestPeriod.DAILY, "notify.daily"],
  [DigestPeriod.WEEKLY, "notify.weekly"],
];

export class NotificationsDialog {
  readonly button = h("button", { type: "button", id: "notifications-open", class: "link", "aria-haspopup": "dialog", onclick: () => this.open() });
  private readonly dialog = h("dialog", { id: "notifications-dialog", class: "poll-dialog notifications-dialog", "aria-labelledby": "notifications-title" });
  private readonly email = h("input", { type: "email", id: "notify-email", autocomplete: "email", maxlength: 254, spellcheck: "false" });
  private readonly period = h("select", { id: "notify-period" });
  private readonly statusLine = h("p", { id: "notify-status", role: "status", "aria-live": "polite" });
  private readonly current = h("p", { id: "notify-current", class: "muted" });
  private busy = false;

  constructor(private readonly ctx: () => ViewContext) {
    document.body.append(this.dialog);
    this.render();
  }

  /** The language or one's settings changed. */
  refresh(): void {
    this.button.textContent = t("notify.button");
    if (!this.dialog.open) this.render();
    else this.renderCurrent();
  }

  open(): void {
    this.render();
    this.statusLine.textContent = "";
    this.dialog.showModal();
    this.email.focus();
  }

  private settings() {
    return this.ctx().session.state.notifications;
  }

  private render(): void {
    const s = this.settings();
    this.button.textContent = t("notify.button");
    this.email.value = s.email;
    replaceChildren(
      this.period,
      PERIODS.map(([p, key]) => h("option", { value: p, selected: p === s.period }, t(key))),
    );
    replaceChildren(
      this.dialog,
      h(
        "form",
        { method: "dialog", onsubmit: (e: Event) => this.save(e) },
        h("h2", { id: "notifications-title" }, t("notify.title")),
        h("p", { id: "notify-hint", class: "muted" }, t("notify.hint")),
        h("p", {}, h("label", { for: "notify-email" }, t("notify.email")), " ", this.email),
        h("p", {}, h("label", { for: "notify-period" }, t("notify.period")), " ", this.period),
        this.current,
        this.statusLine,
        h(
          "div",
          { class: "dialog-buttons" },
          h("button", { type: "submit", id: "notify-save" }, t("notify.save")),
          " ",
          h("button", { type: "button", id: "notify-close", onclick: () => this.dialog.close() }, t("notify.close")),
        ),
      ),
    );
    this.email.setAttribute("aria-describedby", "notify-hint");
    this.renderCurrent();
  }

  private renderCurrent(): void {
    const s = this.settings();
    const on = s.period !== DigestPeriod.OFF && s.email !== "";
    const last = s.lastDigestUnixMs ? t("notify.last", { when: formatDateTime(s.lastDigestUnixMs), n: s.lastDigestItems }) : "";
    this.current.textContent = (on ? t("notify.isOn", { email: s.email }) : t("notify.isOff")) + (last ? ` ${last}` : "");
  }

  private save(e: Event): void {
    e.preventDefault();
    if (this.busy) return;
    const period = Number(this.period.value) as DigestPeriod;
    const email = this.email.value.trim();
    if (period !== DigestPeriod.OFF && !email) {
      this.say(t("notify.needEmail"), true);
      this.email.focus();
      return;
    }
    this.busy = true;
    this.say(t("notify.saving"), false);
    this.ctx().request({ case: "setNotificationSettings", value: { email, period } }, (refusal) => {
      this.busy = false;
      if (refusal) {
        this.say(refusal, true);
        this.email.focus();
        return;
      }
      this.say(t("notify.saved"), false);
      this.renderCurrent();
    });
  }

  private say(text: string, error: boolean): void {
    this.statusLine.textContent = text;
    this.statusLine.classList.toggle("error", error);
  }
}
