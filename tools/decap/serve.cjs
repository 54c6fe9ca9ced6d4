// Decap's local backend (decap-server's file-system middleware) on 127.0.0.1, for `gongshi edit`
// and the tests. Unlike `decap-server` itself it takes port 0 and prints the port it got:
//   node serve.cjs REPO_DIR [PORT]   ->  prints "GONGSHI_DECAP_PORT <port>"
"use strict";
const path = require("path");
process.env.GIT_REPO_DIRECTORY = path.resolve(process.argv[2] || ".");
const express = require("express");
const { registerLocalFs } = require("decap-server/dist/middlewares");

(async () => {
  const app = express();
  await registerLocalFs(app, { logLevel: process.env.LOG_LEVEL || "warn" });
  const server = app.listen(parseInt(process.argv[3] || "0", 10), "127.0.0.1", () => {
    console.log(`GONGSHI_DECAP_PORT ${server.address().port}`);
  });
})();
