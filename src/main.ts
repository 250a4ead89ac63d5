#!/usr/bin/env -S node --max-semi-space-size=1 --v8-pool-size=1
import { runCli } from './cli.ts';

// The `treff` executable: run the command line and exit with its code. The shebang's flags are
// SERVER_NODE_FLAGS (src/core/node-flags.ts, which says why; a test keeps the two equal).
process.exitCode = await runCli(process.argv.slice(2));
