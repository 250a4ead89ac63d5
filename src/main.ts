#!/usr/bin/env -S node --max-semi-space-size=1 --v8-pool-size=1
import { runCli } from './cli.ts';
import { PRIVATE_UMASK } from './core/fs.ts';

// The `treff` executable: run the command line and exit with its code. The shebang's flags are
// SERVER_NODE_FLAGS (src/core/node-flags.ts, which says why; a test keeps the two equal).
const argv = process.argv.slice(2);
// Everything treff writes holds personal data or secrets, except what `sync` and `services`
// write for the daemons (their modes are set explicitly): a private umask as a second line of
// defence behind the explicit modes (README, Private files).
if (argv[0] !== 'sync' && argv[0] !== 'services') process.umask(PRIVATE_UMASK);
process.exitCode = await runCli(argv);
