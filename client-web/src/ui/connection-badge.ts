// The connection state, always visible in the top bar: online (and whether
// everything is saved), reconnecting, offline with N edits waiting, stopped.
import { t } from "../i18n";
import type { SessionStatus } from "../net";
import { h, replaceChildren } from "./dom";
import { errorSentence } from "./labels";

export function renderConnectionBadge(el: HTMLElement, s: SessionStatus): void {
  el.dataset.state = s.state;
  el.dataset.unsent = String(s.unsentEdits);
  let label: string;
  let detail = "";
  switch (s.state) {
    case "online":
      label = s.unsentEdits > 0 ? t("conn.saving") : t("conn.saved");
      break;
    case "connecting":
      label = t("conn.connecting");
      break;
    case "reconnecting":
      label = t("conn.reconnecting");
      if (s.unsentEdits > 0) detail = t("conn.unsent", { n: s.unsentEdits });
      break;
    case "offline":
      label = t("conn.offline");
      if (s.unsentEdits > 0) detail = t("conn.unsent", { n: s.unsentEdits });
      break;
    case "stopped":
      label = t("conn.stopped");
      if (s.stopReason !== undefined) detail = errorSentence(s.stopReason);
      break;
  }
  replaceChildren(
    el,
    h("span", { class: "conn-dot", "aria-hidden": "true" }),
    h("span", { class: "conn-label" }, label),
    detail ? h("span", { class: "conn-detail" }, detail) : null,
  );
  el.title = s.state === "offline" || s.state === "reconnecting" ? t("conn.offlineHint") : "";
}
