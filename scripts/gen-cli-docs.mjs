#!/usr/bin/env node
/**
 * Generates docs/cli.md from the CLI's own help: `aekit --help` gives the list of commands, and
 * `aekit <command> --help` each command's usage, arguments and options. The hand-written text above
 * each usage block comes from docs/cli-intro/<command>.md (docs/cli-intro/_overview.md for the top of
 * the page); a command without such a file still gets its usage block.
 *
 *   node scripts/gen-cli-docs.mjs           write docs/cli.md (npm run docs builds dist/ first)
 *   node scripts/gen-cli-docs.mjs --check   exit 1 if docs/cli.md differs from what would be written
 *
 * Runs the built CLI (dist/cli/main.js). Its stdout is a pipe, so commander wraps help at 80 columns
 * whatever the terminal: the output does not depend on who runs it. test/docs.test.ts imports
 * collectHelp() and renderCliDocs() to compare the committed page with a fresh one.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (this file is scripts/gen-cli-docs.mjs). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The built CLI whose help is documented. */
export const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');
/** The generated page. */
export const CLI_DOC = path.join(ROOT, 'docs', 'cli.md');
/** Hand-written intros, one file per command, merged into the page. */
export const INTRO_DIR = path.join(ROOT, 'docs', 'cli-intro');
/** The intro file for the top of the page (a leading underscore: no command can have this name). */
export const OVERVIEW = '_overview';
/** Message of every "the committed page is stale" failure. */
export const OUT_OF_DATE = 'docs/cli.md is out of date: run npm run docs';

/** Commander's built-in `help [command]`, listed by `aekit --help` but not an aekit command. */
const BUILTIN = new Set(['help']);

/** Runs `node dist/cli/main.js ...args` and returns its stdout; throws unless it exits 0. */
export function runCli(args, cli = CLI) {
  if (!existsSync(cli)) return Promise.reject(new Error(`${path.relative(ROOT, cli)} not found: run npm run build first`));
  return new Promise((resolve, reject) => {
    // A fixed environment: no debug output, no colour, and a pipe (not a terminal) for stdout.
    const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
    delete env.AEKIT_DEBUG;
    const child = spawn(process.execPath, [cli, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0 && stdout.trim() !== '') resolve(stdout);
      else reject(new Error(`aekit ${args.join(' ')} exited with ${code}${stderr ? `: ${stderr.trim()}` : ' and printed no help'}`));
    });
  });
}

/**
 * The command names in the `Commands:` section of `aekit --help`, in its order, without
 * commander's built-in `help`. Each entry starts two spaces in (`  train [options] <model>`);
 * wrapped descriptions are indented further.
 */
export function listCommands(topHelp) {
  const lines = topHelp.split('\n');
  const start = lines.findIndex((l) => /^Commands:\s*$/.test(l));
  if (start < 0) throw new Error('aekit --help has no "Commands:" section');
  const names = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '') continue;
    if (!line.startsWith(' ')) break; // the next section
    const m = /^ {2}([A-Za-z][\w-]*)/.exec(line);
    if (m && !BUILTIN.has(m[1])) names.push(m[1]);
  }
  if (names.length === 0) throw new Error('aekit --help lists no commands');
  return names;
}

/** Runs `fn` over `items` with at most `limit` at a time, keeping the order of the results. */
async function mapLimited(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** `aekit --help` and `aekit <command> --help` for every command it lists. */
export async function collectHelp(cli = CLI) {
  const top = await runCli(['--help'], cli);
  const names = listCommands(top);
  const helps = await mapLimited(names, Math.min(2, availableParallelism()), (name) => runCli([name, '--help'], cli));
  return { top, commands: names.map((name, i) => ({ name, help: helps[i] })) };
}

/** The intro files: { name → text } for every docs/cli-intro/*.md. */
export async function readIntros(dir = INTRO_DIR) {
  const intros = {};
  if (!existsSync(dir)) return intros;
  for (const file of (await readdir(dir)).sort()) {
    if (file.endsWith('.md')) intros[file.slice(0, -3)] = await readFile(path.join(dir, file), 'utf8');
  }
  return intros;
}

/** Help text as printed, without trailing spaces or blank lines at either end. */
function cleanHelp(text) {
  return text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/^\n+|\n+$/g, '');
}

/** An intro file's text, trimmed; '' when there is none. */
function cleanIntro(text) {
  return (text ?? '').replace(/\r\n/g, '\n').trim();
}

/**
 * The whole page, from the collected help and the intros. Also returns warnings: commands with no
 * intro file, and intro files whose command `aekit --help` no longer lists.
 */
export function renderCliDocs({ top, commands }, intros = {}) {
  const warnings = [];
  const known = new Set(commands.map((c) => c.name));
  for (const c of commands) if (!cleanIntro(intros[c.name])) warnings.push(`no intro for '${c.name}': add docs/cli-intro/${c.name}.md`);
  for (const name of Object.keys(intros)) {
    if (name !== OVERVIEW && !known.has(name)) warnings.push(`docs/cli-intro/${name}.md: 'aekit --help' lists no command '${name}'`);
  }

  const out = [];
  out.push(
    "<!-- Generated by scripts/gen-cli-docs.mjs (npm run docs) from the CLI's --help output and docs/cli-intro/*.md: do not edit. -->",
  );
  out.push('');
  out.push('# The aekit command line');
  out.push('');
  const overview = cleanIntro(intros[OVERVIEW]);
  if (overview) out.push(overview, '');
  out.push('Commands:');
  out.push('');
  for (const c of commands) out.push(`- [\`aekit ${c.name}\`](#aekit-${c.name})`);
  out.push('');
  out.push('```text', '$ aekit --help', cleanHelp(top), '```');
  for (const c of commands) {
    out.push('', `## aekit ${c.name}`, '');
    const intro = cleanIntro(intros[c.name]);
    if (intro) out.push(intro, '');
    out.push('```text', `$ aekit ${c.name} --help`, cleanHelp(c.help), '```');
  }
  return { text: `${out.join('\n')}\n`, warnings };
}

/** The page as it would be generated now. */
export async function generateCliDocs() {
  const [help, intros] = await Promise.all([collectHelp(), readIntros()]);
  return renderCliDocs(help, intros);
}

async function main(argv) {
  const check = argv.includes('--check');
  const unknown = argv.filter((a) => a !== '--check');
  if (unknown.length) throw new Error(`unknown argument ${unknown[0]} (usage: gen-cli-docs.mjs [--check])`);
  const { text, warnings } = await generateCliDocs();
  for (const w of warnings) console.error(`gen-cli-docs: warning: ${w}`);
  const current = existsSync(CLI_DOC) ? await readFile(CLI_DOC, 'utf8') : null;
  const rel = path.relative(ROOT, CLI_DOC);
  if (check) {
    if (current !== text) {
      console.error(OUT_OF_DATE);
      process.exitCode = 1;
    } else console.log(`${rel} is up to date`);
  } else if (current === text) {
    console.log(`${rel} is up to date`);
  } else {
    await writeFile(CLI_DOC, text);
    console.log(`wrote ${rel}`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(`gen-cli-docs: ${err.message}`);
    process.exit(1);
  });
}
