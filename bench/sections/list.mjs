// `convoy list --json` over the imported replica (100,000+ tasks): wall time,
// output size, and a check that it is a JSON array of every task.
import { assertOk, fmt, runConvoy, summarize } from '../lib.mjs';
import { ensureImported } from './import.mjs';

export default {
  name: 'list',
  summary: '`convoy list --json` on the imported replica, parsed and counted',
  async run(ctx) {
    const { home, tasks } = await ensureImported(ctx);
    const { listRuns } = ctx.options;
    ctx.log(`list: ${listRuns} runs of list --json over ${fmt.int(tasks)} tasks`);
    const results = [];
    for (let i = 0; i < listRuns; i++) {
      const result = assertOk(await runConvoy(home, ['list', '--all', '--json'], { capture: true }), 'convoy list --all --json');
      const parsed = JSON.parse(result.stdout.toString('utf8'));
      if (!Array.isArray(parsed) || parsed.length !== tasks) {
        throw new Error(`list: expected a JSON array of ${tasks} tasks, got ${Array.isArray(parsed) ? `${parsed.length} items` : typeof parsed}`);
      }
      results.push(result);
    }
    const wall = summarize(results.map((r) => r.wallMs));
    const bytes = results[0].stdoutBytes;
    const figures = {
      tasks,
      runs: listRuns,
      wallMs: wall,
      outputBytes: bytes,
      cpuMs: summarize(results.map((r) => r.cpuMs)),
      maxRssMb: summarize(results.map((r) => (r.maxRssKb === null ? null : r.maxRssKb / 1024))),
      verified: true,
    };
    const rows = [
      { metric: `list --json, ${fmt.int(tasks)} tasks: wall median`, value: `${fmt.ms(wall.median)} (p90 ${fmt.ms(wall.p90)}, n=${wall.n})` },
      { metric: 'list: output', value: `${fmt.bytes(bytes)}, JSON array of ${fmt.int(tasks)}` },
      { metric: 'list: CPU / peak RSS', value: `${fmt.ms(figures.cpuMs?.median)} / ${fmt.mib(figures.maxRssMb?.median * 1024)}` },
    ];
    return { figures, rows };
  },
};
