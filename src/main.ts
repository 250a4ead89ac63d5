#!/usr/bin/env -S node --max-semi-space-size=1
import { runCli } from './cli.ts';

// The `treff` executable: run the command line and exit with its code. The small young
// generation (1 MiB semi-spaces) keeps an idle server below 100 MB resident at no measurable
// latency cost (bench/registry.ts).
process.exitCode = await runCli(process.argv.slice(2));
