// Save workbooks as another kind with SheetJS, as the web systems that export with it do:
//   node convert.js <source> <target> [<source> <target> ...]
// the kind from each target's suffix: .xls (BIFF8), .xlsb, .ods or .xlsx. Cells keep their values and number
// formats (a date stays a date serial with its date format); merged ranges and hidden sheets are kept.
// Used by tests/ingest/convert.py.
"use strict";
const path = require("path");
const XLSX = require("xlsx");

const KINDS = { ".xls": "biff8", ".xlsb": "xlsb", ".ods": "ods", ".xlsx": "xlsx" };
const args = process.argv.slice(2);
if (args.length === 0 || args.length % 2) {
  process.stderr.write("usage: node convert.js <source> <target.xls|.xlsb|.ods|.xlsx> [...]\n");
  process.exit(2);
}
for (let i = 0; i < args.length; i += 2) {
  const [source, target] = [args[i], args[i + 1]];
  const kind = KINDS[path.extname(target).toLowerCase()];
  if (!kind) {
    process.stderr.write(`${target}: not a kind SheetJS writes here (.xls, .xlsb, .ods, .xlsx)\n`);
    process.exit(2);
  }
  const book = XLSX.readFile(source, { cellNF: true, cellDates: false, cellStyles: true });
  XLSX.writeFile(book, target, { bookType: kind, compression: true });
}
