/** `aekit serve RUN_DIR` and `aekit export RUN_DIR --out DIR`: a run's explorer page, served or written as a static site. */
import { Command, InvalidArgumentError } from 'commander';
import { type BackendName, useBackend } from '../../engine/backend.js';
import { checkExportTarget, exportSite } from '../../serve/export-site.js';
import { serveSite } from '../../serve/server.js';
import { buildSite, SITE_DEFAULTS, type Site, siteBytes } from '../../serve/site.js';
import { backendOption, intFlag } from '../options.js';
import { nextStopSignal } from '../signals.js';

/** Defaults of `aekit serve` (shown in `--help`). */
export const SERVE_DEFAULTS = { port: 8080, host: '127.0.0.1', samples: SITE_DEFAULTS.samples } as const;

interface SiteFlags {
  samples: number;
  backend: BackendName;
}

function addSiteOptions(command: Command): Command {
  return command
    .argument('<run-dir>', "directory written by 'aekit train'")
    .option(
      '--samples <n>',
      'validation samples put into the page (paging, map, interpolation; fewer when they would exceed 48 MiB)',
      intFlag(0),
      SERVE_DEFAULTS.samples,
    )
    .addOption(backendOption(' (for building the site: the map and the threshold; the page runs the model on its own)'));
}

async function build(dir: string, flags: SiteFlags): Promise<Site> {
  await useBackend(flags.backend);
  const site = await buildSite(dir, { samples: flags.samples });
  const { info } = site;
  const mib = (siteBytes(site) / 2 ** 20).toFixed(1);
  console.log(
    `built the page of ${info.run} (${info.model}): ${info.samples.count} of ${info.samples.of} validation samples, ${info.map === null ? 'no map' : 'a PCA map'}, anomaly threshold ${info.threshold.value.toPrecision(4)} (${info.threshold.rule}); ${site.files.size} files, ${mib} MiB`,
  );
  return site;
}

/** Parses `--port`: an integer 0–65535 (0: any free port). */
function portFlag(value: string): number {
  const n = intFlag(0)(value);
  if (n > 65535) throw new InvalidArgumentError(`expected a port number 0–65535, got '${value}'.`);
  return n;
}

/** Builds the `serve` command. */
export function serveCommand(): Command {
  const command = new Command('serve').description(
    "serve a page that runs the run's model in your browser: drop or draw an image and see its reconstruction, error and anomaly verdict; page through validation samples and their reconstructions; hover a 2-D map of the codings; move a VAE's latent sliders and interpolate; per-feature errors for tables. Listens on 127.0.0.1 only unless --host says otherwise; nothing is loaded from the network. Ctrl-C stops it",
  );
  return addSiteOptions(command)
    .option('--port <n>', 'TCP port (0: any free port)', portFlag, SERVE_DEFAULTS.port)
    .option('--host <address>', 'address to listen on (0.0.0.0 makes the page reachable from other machines)', SERVE_DEFAULTS.host)
    .action(async (dir: string, flags: SiteFlags & { port: number; host: string }) => {
      const site = build(dir, flags);
      site.catch(() => {}); // awaited below, once the server listens
      const server = await serveSite(site, { port: flags.port, host: flags.host });
      await site.catch(async (err: unknown) => {
        await server.close();
        throw err;
      });
      if (flags.host !== '127.0.0.1' && flags.host !== 'localhost' && flags.host !== '::1')
        console.warn(`note: --host ${flags.host}: other machines that can reach this address can open the page`);
      console.log(`serving ${server.url} (Ctrl-C to stop)`);
      const signal = await nextStopSignal();
      await server.close();
      console.log(`${signal}: stopped serving ${server.url}`);
    });
}

/** Builds the `export` command. */
export function exportCommand(): Command {
  const command = new Command('export').description(
    "write the page of 'aekit serve' with the run's models as a static site (index.html and its files) for any static web host; open it through a web server (e.g. python3 -m http.server -d DIR), not as a file",
  );
  return addSiteOptions(command)
    .requiredOption('--out <dir>', 'directory to write: new or empty, else replaced only with --overwrite')
    .option('--overwrite', 'replace what --out holds (never a run directory)')
    .action(async (dir: string, flags: SiteFlags & { out: string; overwrite?: boolean }) => {
      const target = { overwrite: flags.overwrite === true, runDir: dir };
      await checkExportTarget(flags.out, target); // before the minutes of building
      const site = await build(dir, flags);
      await exportSite(site, flags.out, target);
      console.log(
        `wrote ${flags.out}: ${site.files.size} files; serve it with any static web server, e.g. python3 -m http.server -d ${flags.out}`,
      );
    });
}
