// Preloaded (node -r) where GNU time is missing: prints the process's peak RSS (KiB) to stderr at exit,
// in the form scripts/bench/measured-process.ts reads.
'use strict';
process.on('exit', () => process.stderr.write(`\n__bench_maxrss_kib=${process.resourceUsage().maxRSS}\n`));
