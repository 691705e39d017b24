import processOnSpawn from 'process-on-spawn';

// tap runs every test file with @tapjs/processinfo, which puts its module
// loader into NODE_OPTIONS of every process the file spawns (through
// process-on-spawn). Our controllers, agents and CLI runs then start with a
// loader hook on every import: 0.5-1 s more per start, thousands of starts per
// run. Its records feed only coverage, so children start without it unless
// coverage is on (`npm run coverage` sets NODE_V8_COVERAGE).
const PROCESSINFO = /@tapjs[/\\]processinfo/;

/** NODE_OPTIONS without processinfo's --import/--loader, quoted or not (everything else kept as written). */
export function withoutProcessinfo(nodeOptions: string): string {
  return nodeOptions
    .replace(/(^|\s)"?--(?:import|loader|experimental-loader)[=\s]"?[^"\s]*@tapjs[/\\]processinfo[^"\s]*"?/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

if (!process.env['NODE_V8_COVERAGE']) {
  processOnSpawn.addListener((opts) => {
    const no = opts.env['NODE_OPTIONS'];
    if (no === undefined || !PROCESSINFO.test(no)) return;
    const kept = withoutProcessinfo(no);
    if (kept) opts.env['NODE_OPTIONS'] = kept;
    else delete opts.env['NODE_OPTIONS'];
  });
}
