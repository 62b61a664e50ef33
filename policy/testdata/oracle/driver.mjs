// driver.mjs runs @cloud-copilot/iam-simulate for policy's differential
// test (oracle_test.go). It reads one JSON simulation per input line and
// writes one JSON answer per line, in the same order:
// {"result": "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied",
// "blockedBy": [...], "ignored": [context keys the simulator dropped]}, or
// {"error": "..."}. Simulations run a batch at a time, concurrently, since
// the simulator spends most of its time waiting on its data files.
import { createInterface } from 'node:readline'
import { runSimulation } from '@cloud-copilot/iam-simulate'

async function simulate(line) {
  try {
    const r = await runSimulation(JSON.parse(line), { simulationMode: 'Strict' })
    if (r.resultType === 'error') {
      return { error: r.errors.message || 'simulation error', details: r.errors }
    }
    const one = r.resultType === 'single' ? r.result : r.results[0]
    return {
      result: r.overallResult,
      blockedBy: (one && one.analysis && one.analysis.blockedBy) || [],
      ignored: (one && one.ignoredContextKeys) || []
    }
  } catch (e) {
    return { error: String((e && e.message) || e) }
  }
}

const batch = []
async function flush() {
  const answers = await Promise.all(batch.map(simulate))
  batch.length = 0
  process.stdout.write(answers.map((a) => JSON.stringify(a)).join('\n') + '\n')
}
for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  if (line.trim() === '') continue
  batch.push(line)
  if (batch.length >= 256) await flush()
}
if (batch.length > 0) await flush()
