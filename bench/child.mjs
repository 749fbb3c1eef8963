/**
 * What the benchmark scripts that time in child processes share: `--key=value` options checked
 * against a defaults object, the child side (run when AEKIT_BENCH_CHILD holds its configuration;
 * prints one `RESULT {json}` line and exits), and the parent side (runs the script as a child
 * with a configuration and returns the child's result, or throws with the end of its output).
 */
import { spawnSync } from 'node:child_process';

/** `--key=value` arguments over `defaults` (strings); an unknown key throws, naming `name` and the keys. */
export function parseOptions(name, defaults, argv = process.argv.slice(2)) {
  const o = { ...defaults };
  for (const a of argv) {
    const m = /^--([a-zA-Z]+)=(.*)$/.exec(a);
    if (!m || !(m[1] in defaults)) throw new Error(`${name}: unknown argument '${a}' (keys: ${Object.keys(defaults).join(', ')})`);
    o[m[1]] = m[2];
  }
  return o;
}

/** In a child (AEKIT_BENCH_CHILD set): runs `child(config)`, prints its result, exits. Otherwise returns. */
export async function serveChild(child) {
  if (!process.env.AEKIT_BENCH_CHILD) return;
  const r = await child(JSON.parse(process.env.AEKIT_BENCH_CHILD));
  process.stdout.write(`\nRESULT ${JSON.stringify(r)}\n`);
  process.exit(0);
}

/**
 * Runs `script` as a child with `config` (and extra environment variables `env`, in `cwd`);
 * returns its result, or null with `failure` set to the last lines of its output when it failed.
 */
export function runChild(script, config, { env = {}, cwd } = {}) {
  const r = spawnSync(process.execPath, [script], {
    cwd,
    env: { ...process.env, ...env, AEKIT_BENCH_CHILD: JSON.stringify(config) },
    encoding: 'utf8',
  });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('RESULT '));
  if (line) return { result: JSON.parse(line.slice(7)), failure: null };
  return { result: null, failure: (r.stderr || r.stdout || '').trim().split('\n').slice(-3).join(' | ') };
}
