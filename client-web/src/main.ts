// Entry point of the browser app (bundled into dist/assets/app.js).
import { App } from "./ui/app";

const root = document.getElementById("app");
if (root) new App(root).start();
