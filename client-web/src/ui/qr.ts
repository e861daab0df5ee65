// A link as a QR code, for a registration link on the workshop's screen or
// an invitation handed over on a phone. Drawn as one SVG path of the code's
// dark modules (no markup from the library, no canvas), so it scales to any
// size and prints sharp.
import qrcode from "qrcode-generator";

const SVG = "http://www.w3.org/2000/svg";
/** The quiet zone the QR standard asks for, in modules. */
const MARGIN = 4;

/** The modules of `text`'s QR code (medium error correction): true = dark. */
export function qrModules(text: string): boolean[][] {
  const code = qrcode(0, "M");
  code.addData(text);
  code.make();
  const n = code.getModuleCount();
  return Array.from({ length: n }, (_, row) => Array.from({ length: n }, (_, col) => code.isDark(row, col)));
}

export function renderQr(text: string, label: string): SVGSVGElement {
  const modules = qrModules(text);
  const size = modules.length + 2 * MARGIN;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${size} ${size}`);
  svg.setAttribute("class", "qr");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  svg.setAttribute("shape-rendering", "crispEdges");
  const background = document.createElementNS(SVG, "rect");
  background.setAttribute("width", String(size));
  background.setAttribute("height", String(size));
  background.setAttribute("fill", "#fff");
  const d: string[] = [];
  modules.forEach((row, y) => row.forEach((dark, x) => dark && d.push(`M${x + MARGIN} ${y + MARGIN}h1v1h-1z`)));
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", d.join(""));
  path.setAttribute("fill", "#000");
  svg.append(background, path);
  return svg;
}
