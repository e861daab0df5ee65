// The connection state, always visible in the top bar: online (and whether
// everything is saved), reconnecting, offline with N edits waiting, stopped.
import { formatNearby, t } from "../i18n";
import type { SessionStatus } from "../net";
import { h, replaceChildren } from "./dom";
import { errorSentence } from "./labels";

/**
 * Draws the badge. `announcer` is a visually hidden live region: it speaks
 * only when the connection state itself changes, not on every keystroke's
 * saving/saved flip, which would drown a screen reader user who is typing.
 */
export function renderConnectionBadge(el: HTMLElement, s: SessionStatus, announcer?: HTMLElement): void {
  const changed = el.dataset.state !== s.state;
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
      // A page opened on its kept state: say how old it is.
      if (s.lastSyncedUnixMs > 0) detail = away(s);
      break;
    case "reconnecting":
      label = t("conn.reconnecting");
      detail = away(s);
      break;
    case "offline":
      label = t("conn.offline");
      detail = away(s);
      break;
    case "stopped":
      label = t("conn.stopped");
      if (s.stopReason !== undefined) detail = errorSentence(s.stopReason);
      break;
  }
  if (announcer && changed && el.dataset.lang === document.documentElement.lang) {
    announcer.textContent = detail ? `${label}. ${detail}` : label;
  }
  el.dataset.lang = document.documentElement.lang;
  const text = `${label}|${detail}`;
  if (el.dataset.text === text) return;
  el.dataset.text = text;
  replaceChildren(
    el,
    h("span", { class: "conn-dot", "aria-hidden": "true" }),
    h("span", { class: "conn-label" }, label),
    detail ? h("span", { class: "conn-detail" }, detail) : null,
  );
  el.title = s.state === "offline" || s.state === "reconnecting" ? t("conn.offlineHint") : "";
}

/** While not live: edits waiting, and when the page was last in step with the server. */
function away(s: SessionStatus): string {
  const parts: string[] = [];
  if (s.unsentEdits > 0) parts.push(t("conn.unsent", { n: s.unsentEdits }));
  if (s.lastSyncedUnixMs > 0) parts.push(t("conn.lastSynced", { time: syncedAt(s.lastSyncedUnixMs) }));
  return parts.join(" · ");
}

/** The time alone when it was today, else the date too. */
function syncedAt(ms: number): string {
  return formatNearby(ms);
}
