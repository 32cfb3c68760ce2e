#!/usr/bin/env node
// The published entry point runs the compiled CLI (npm's `prepare` builds dist/ on install), through the same
// run() as `src/cli.ts`, so a closed pipe or an exit code behaves alike in both.
import { run } from '../dist/cli.js';

await run();
