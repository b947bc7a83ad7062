/**
 * The noisy partner of bench-rate-limits: a separate process (as a partner's client is on a machine of
 * its own) that sends one operation with one API key from many concurrent connections until it is told
 * to stop (SIGTERM), then prints what it got as one JSON line.
 *
 *   tsx scripts/noisy-client.ts <graphql url> <api key> <concurrency>
 */
const [url = '', key = '', concurrencyText = '16'] = process.argv.slice(2);
const QUERY = '{ me { id organization { id name } } }';
const counts = { sent: 0, accepted: 0, refused: 0, other: 0 };
let running = true;

async function hammer(): Promise<void> {
  while (running) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({ query: QUERY }),
    });
    await response.arrayBuffer();
    counts.sent += 1;
    if (response.status === 200) counts.accepted += 1;
    else if (response.status === 429) counts.refused += 1;
    else counts.other += 1;
    // The parent waits for the first refusal (or, without a limit to reach, for the noise to be
    // under way) before it measures.
    if (counts.refused === 1 && response.status === 429) process.stdout.write('refused\n');
    if (counts.sent === 200) process.stdout.write('under way\n');
  }
}

const started = Date.now();
const hammers = Array.from({ length: Number(concurrencyText) }, () => hammer());
process.on('SIGTERM', () => {
  running = false;
  void Promise.all(hammers).then(() => {
    process.stdout.write(`${JSON.stringify({ ...counts, seconds: (Date.now() - started) / 1000 })}\n`);
    process.exit(0);
  });
});
