// Reading and writing CSV (RFC 4180) in the browser: the chair's roster file
// is read here only for its e-mail column (the server reads the rest and
// never logs addresses), and the links she downloads are written as CSV.

/** The rows of `text`: fields split on commas, quotes ("" inside) and CRLF or LF line ends. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"' && field === "") {
      quoted = true;
    } else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else {
      field += c;
    }
  }
  if (field !== "" || row.length) {
    row.push(field);
    rows.push(row);
  }
  // Blank lines are no one (the server skips them too, so row numbers agree).
  return rows.filter((r) => r.some((f) => f.trim() !== ""));
}

/** One field, quoted when it must be; a formula-like value gets an apostrophe (a spreadsheet would run it). */
export function csvField(value: string): string {
  const formula = /^[=+\-@\t\r]/.test(value);
  if (!formula && !/[",\r\n]/.test(value) && value.trim() === value) return value;
  return `"${formula ? "'" : ""}${value.replace(/"/g, '""')}"`;
}

export function toCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => r.map(csvField).join(",")).join("\r\n") + "\r\n";
}

/** The e-mail address of each data row (1-based, as the server numbers them) of a roster file, where given. */
export function emailsByRow(text: string): Map<number, string> {
  const rows = parseCsv(text);
  const out = new Map<number, string>();
  const header = rows[0]?.map((h) => h.trim().toLowerCase()) ?? [];
  const col = header.findIndex((h) => h === "email" || h === "e-mail");
  if (col < 0) return out;
  rows.slice(1).forEach((r, i) => {
    const email = (r[col] ?? "").trim();
    if (email) out.set(i + 1, email);
  });
  return out;
}
