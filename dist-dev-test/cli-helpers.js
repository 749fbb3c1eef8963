/** Runs the built CLI (`dist/cli/main.js`) and captures its output and exit code. */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
/** Absolute path of the compiled CLI entry point. */
export const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli', 'main.js');
/** Runs `aekit ...args` with an optional environment overlay. */
export function aekit(args, env = {}, timeoutMs = 300_000) {
    return runNode(CLI, args, env, timeoutMs);
}
/** Runs `node script ...args` (a script of the package, e.g. scripts/reproduce-book.mjs) and captures its output. */
export function runNode(script, args, env = {}, timeoutMs = 300_000) {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => {
            stdout += d.toString();
        });
        child.stderr.on('data', (d) => {
            stderr += d.toString();
        });
        const timer = setTimeout(() => {
            child.kill('SIGKILL');
            reject(new Error(`${path.basename(script)} ${args.join(' ')} timed out`));
        }, timeoutMs);
        child.on('error', reject);
        child.on('close', (code) => {
            clearTimeout(timer);
            resolve({ code, stdout, stderr });
        });
    });
}
/** True when the text holds a JavaScript stack trace. */
export function hasStackTrace(text) {
    return /^\s+at .+\(.+:\d+:\d+\)$/m.test(text) || /^\s+at .+:\d+:\d+$/m.test(text);
}
//# sourceMappingURL=cli-helpers.js.map