#!/usr/bin/env node
// The published entry point runs the compiled CLI (npm's `prepare` builds dist/ on install).
import { main } from '../dist/cli.js';

process.exitCode = await main(process.argv.slice(2));
