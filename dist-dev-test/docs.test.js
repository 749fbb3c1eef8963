/**
 * The documentation stays true to the code: docs/cli.md is what scripts/gen-cli-docs.mjs makes from
 * the CLI's --help now, every relative link in README.md and docs/*.md leads somewhere, the README's
 * tour names every command `aekit --help` lists, and no `aekit …` example uses an option its
 * command does not have. Runs the built CLI (npm test builds it first).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const gen = (await import(pathToFileURL(path.join(ROOT, 'scripts', 'gen-cli-docs.mjs')).href));
/** README.md and every docs/*.md (docs/cli.md included: its links come from docs/cli-intro/). */
const PAGES = [
    'README.md',
    ...readdirSync(path.join(ROOT, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .sort()
        .map((f) => `docs/${f}`),
];
let help;
before(async () => {
    help = await gen.collectHelp();
});
/** The text outside fenced code blocks, and the lines inside them, of a Markdown page. */
function splitFences(markdown) {
    const prose = [];
    const code = [];
    let fence = null;
    for (const line of markdown.split('\n')) {
        const m = /^\s*(`{3,}|~{3,})/.exec(line);
        if (fence === null && m) {
            fence = m[1][0].repeat(m[1].length);
            continue;
        }
        if (fence !== null && m && m[1].startsWith(fence)) {
            fence = null;
            continue;
        }
        (fence === null ? prose : code).push(line);
    }
    return { prose, code };
}
/** GitHub's anchor for a heading: lower case, punctuation dropped, each space a hyphen. */
function slug(heading) {
    return heading
        .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
        .replace(/<[^>]+>/g, '')
        .replace(/[`*]/g, '')
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
        .replace(/ /g, '-');
}
/** Every anchor a Markdown file's headings give (repeated headings get -1, -2, … as on GitHub). */
function anchors(file) {
    const seen = new Map();
    const out = new Set();
    for (const line of splitFences(readFileSync(file, 'utf8')).prose) {
        const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
        if (!m)
            continue;
        const base = slug(m[1]);
        const n = seen.get(base) ?? 0;
        seen.set(base, n + 1);
        out.add(n === 0 ? base : `${base}-${n}`);
    }
    return out;
}
/** Link targets of a page: inline links and images, and reference definitions; code is skipped. */
function linkTargets(markdown) {
    const prose = splitFences(markdown)
        .prose.join('\n')
        .replace(/`[^`\n]*`/g, '``');
    const targets = [];
    for (const m of prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g))
        targets.push(m[1]);
    for (const m of prose.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s.*)?$/gm))
        targets.push(m[1]);
    return targets;
}
/** The help text of a command, or undefined when `aekit --help` does not list it. */
function helpOf(name) {
    return help.commands.find((c) => c.name === name)?.help;
}
test("listCommands reads the Commands section of aekit --help, without commander's own help command", () => {
    const top = [
        'Usage: aekit [options] [command]',
        '',
        'Options:',
        '  -h, --help          display help for command',
        '',
        'Commands:',
        '  summary [options] <model>  print a summary',
        '                             of a model',
        '  train-more [options]       another',
        '  help [command]             display help for command',
        '',
    ].join('\n');
    assert.deepEqual(gen.listCommands(top), ['summary', 'train-more']);
    assert.throws(() => gen.listCommands('Usage: aekit\n'), /no "Commands:" section/);
});
test('docs/cli.md is what npm run docs generates from the current --help output', async (t) => {
    assert.ok(help.commands.length > 0, 'aekit --help lists no commands');
    const { text, warnings } = gen.renderCliDocs(help, await gen.readIntros());
    for (const w of warnings)
        t.diagnostic(w);
    const committed = existsSync(gen.CLI_DOC) ? readFileSync(gen.CLI_DOC, 'utf8') : '';
    if (committed === text)
        return;
    const a = committed.split('\n');
    const b = text.split('\n');
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i])
        i++;
    assert.fail(`${gen.OUT_OF_DATE}\n(first difference at line ${i + 1}:\n  committed: ${a[i] ?? '<end of file>'}\n  generated: ${b[i] ?? '<end of file>'})`);
});
test('every relative link in README.md and docs/*.md points to an existing file (and heading)', () => {
    const broken = [];
    for (const page of PAGES) {
        const file = path.join(ROOT, page);
        for (const target of linkTargets(readFileSync(file, 'utf8'))) {
            if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//'))
                continue; // http:, mailto:, …
            const [rawPath, anchor] = target.split('#', 2);
            const dest = rawPath === '' ? file : path.resolve(path.dirname(file), decodeURI(rawPath));
            if (!dest.startsWith(ROOT + path.sep) && dest !== ROOT) {
                broken.push(`${page}: ${target} leaves the repository`);
                continue;
            }
            if (!existsSync(dest)) {
                broken.push(`${page}: ${target} (no such file ${path.relative(ROOT, dest)})`);
                continue;
            }
            if (anchor && dest.endsWith('.md') && !anchors(dest).has(anchor)) {
                broken.push(`${page}: ${target} (${path.relative(ROOT, dest)} has no heading #${anchor})`);
            }
        }
    }
    assert.deepEqual(broken, [], `broken links:\n  ${broken.join('\n  ')}`);
});
test("the README's tour names every command aekit --help lists", () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const start = readme.search(/^## Tour of the commands\s*$/m);
    assert.ok(start >= 0, 'README.md has no "## Tour of the commands" section');
    const rest = readme.slice(start).split('\n').slice(1).join('\n');
    const end = rest.search(/^## /m);
    const tour = end < 0 ? rest : rest.slice(0, end);
    const missing = help.commands.map((c) => c.name).filter((name) => !new RegExp(`(^|[^\\w-])aekit ${name}(?![\\w-])`).test(tour));
    assert.deepEqual(missing, [], `README.md's tour does not mention ${missing.map((n) => `'aekit ${n}'`).join(', ')}: add a line and an example for each`);
});
test('the aekit examples in README.md and docs/*.md use only commands and options that --help lists', () => {
    const wrong = [];
    for (const page of PAGES) {
        const { prose, code } = splitFences(readFileSync(path.join(ROOT, page), 'utf8'));
        const examples = [];
        for (const line of code) {
            const m = /^\s*(?:\$\s+)?(?:npx\s+)?aekit\s+(.*)$/.exec(line);
            if (m)
                examples.push(m[1].replace(/\s+#.*$/, ''));
        }
        for (const m of prose.join('\n').matchAll(/`(?:npx\s+)?aekit\s+([^`]*)`/g))
            examples.push(m[1]);
        for (const example of examples) {
            const [command, ...args] = example.trim().split(/\s+/);
            if (!command || !/^[a-z][\w-]*$/.test(command))
                continue; // `aekit --help`, `aekit <command>`, `aekit …`
            const text = helpOf(command);
            if (text === undefined) {
                wrong.push(`${page}: 'aekit ${example}': aekit --help lists no command '${command}'`);
                continue;
            }
            for (const arg of args) {
                const flag = /^(--[a-z][\w-]*)/.exec(arg)?.[1];
                if (flag && !new RegExp(`(^|[\\s,])${flag}(?![\\w-])`, 'm').test(text)) {
                    wrong.push(`${page}: 'aekit ${example}': 'aekit ${command} --help' lists no ${flag}`);
                }
            }
        }
    }
    assert.deepEqual(wrong, [], `examples that do not match the CLI:\n  ${wrong.join('\n  ')}`);
});
//# sourceMappingURL=docs.test.js.map