#!/usr/bin/env node
// Entry point of the `anthology` command. The sources are TypeScript and run
// through tsx's loader, so there is no separate compile step to forget.
import { register } from 'tsx/esm/api';
register();
try {
  const { main } = await import('../src/cli.ts');
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  // Every expected problem is reported by main(); this is a bug in anthology.
  process.stderr.write(`anthology: internal error, please report it: ${error?.stack ?? error}\n`);
  process.exitCode = 70;
}
