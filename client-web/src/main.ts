// Entry point of the browser app (bundled into dist/assets/app.js).
import { App } from "./ui/app";

const root = document.getElementById("app");
if (root) new App(root).start();

// The app shell kept for a page opened without a network (static/sw.js).
// Service workers need a secure context: https, or localhost.
if ("serviceWorker" in navigator && window.isSecureContext) {
  navigator.serviceWorker.register("/sw.js").catch((e) => console.warn("kenes: no offline app shell", e));
}
