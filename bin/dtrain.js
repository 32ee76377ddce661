#!/usr/bin/env node
// The installed entry point: runs the compiled CLI (built by `npm run build`, which `npm ci` runs via `prepare`).
import { main } from '../dist/cli/main.js';

main(process.argv).then((code) => {
  process.exitCode = code;
  // Once the command is done nothing may keep dtrain alive (a socket to an unreachable host, say):
  // this timer does not hold the process open, but ends it if something else does.
  setTimeout(() => process.exit(code), 1000).unref();
});
