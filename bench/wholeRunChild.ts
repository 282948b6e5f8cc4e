// Child process of the memory metric: one whole run on the 100k-file repository, then
// prints {"wallMs", "maxRssKB"} (this process's own peak RSS) on stdout.
import { wholeRunOnce, startWholeRunFake } from './wholeRunCore';

async function main(): Promise<void> {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: wholeRunChild.ts REPO');
  const fake = await startWholeRunFake();
  try {
    const t = await wholeRunOnce(dir, fake);
    process.stdout.write(JSON.stringify({ wallMs: t.wallMs, maxRssKB: process.resourceUsage().maxRSS }) + '\n');
  } finally {
    await fake.close();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
