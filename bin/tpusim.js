#!/usr/bin/env node
import { main } from '../dist/cli/main.js';

// A closed pipe (tpusim ... | head) ends the output quietly, as Unix tools do.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
process.exitCode = await main(process.argv.slice(2));
