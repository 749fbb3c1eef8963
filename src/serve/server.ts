/**
 * `aekit serve`'s web server: a {@link Site} handed out from memory by node:http, on 127.0.0.1
 * unless told otherwise, GET and HEAD only.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Site, SiteError } from './site.js';

/** Options of {@link serveSite}. */
export interface ServeOptions {
  /** TCP port; 0 takes any free one. Default 8080. */
  port?: number;
  /** Address to listen on. Default 127.0.0.1 (this machine only). */
  host?: string;
}

/** A running server. */
export interface RunningSite {
  /** The page's address, e.g. `http://127.0.0.1:8080/`. */
  url: string;
  port: number;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/**
 * The page may load and fetch only what this server hands out (no network); `unsafe-eval` is not
 * granted, and tfjs's CPU backend needs none.
 */
const CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; connect-src 'self'";

function answer(site: Site | null, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('only GET and HEAD\n');
    return;
  }
  let name: string;
  try {
    name = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname).replace(/^\/+/, '');
  } catch {
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('bad URL\n');
    return;
  }
  if (site === null) {
    res
      .writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '5' })
      .end('the page is being built: try again in a moment\n');
    return;
  }
  const file = site.files.get(name === '' ? 'index.html' : name);
  if (file === undefined) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`not part of this site: /${name}\n`);
    return;
  }
  res.writeHead(200, {
    'content-type': file.type,
    'content-length': file.body.byteLength,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-security-policy': CONTENT_SECURITY_POLICY,
  });
  res.end(req.method === 'HEAD' ? undefined : file.body);
}

/**
 * Serves `site` until `close` is called. `site` may still be being built: the server listens at
 * once (so that a busy port is reported before minutes of work) and answers 503 until it is ready
 * (or for good, if building it fails; the caller then closes the server).
 *
 * @throws SiteError `E_PORT_IN_USE` (argument `port`) when another program listens on the port,
 *   `E_PORT` when the port may not be used, `E_HOST` (argument `host`) when the address is not one of this machine's.
 * @example
 * const server = await serveSite(await buildSite('runs/conv-1'), { port: 0 });
 * console.log(server.url);
 */
export async function serveSite(site: Site | Promise<Site>, options: ServeOptions = {}): Promise<RunningSite> {
  const { port = 8080, host = '127.0.0.1' } = options;
  let ready: Site | null = null;
  Promise.resolve(site).then(
    (s) => {
      ready = s;
    },
    () => {},
  );
  const server = createServer((req, res) => answer(ready, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const where = `${host}:${port}`;
      if (err.code === 'EADDRINUSE')
        reject(
          new SiteError(
            `{port} ${port}: another program listens on ${where} (EADDRINUSE): expected a free port; choose another {port} (0 takes any free one)`,
            'E_PORT_IN_USE',
            { argument: 'port', cause: err },
          ),
        );
      else if (err.code === 'EACCES')
        reject(
          new SiteError(`{port} ${port}: this user may not listen on ${where} (EACCES): expected a port above 1023`, 'E_PORT', {
            argument: 'port',
            cause: err,
          }),
        );
      else
        reject(
          new SiteError(
            `{host} '${host}': cannot listen there (${err.code ?? err.message}): expected an address of this machine, such as 127.0.0.1`,
            'E_HOST',
            { argument: 'host', cause: err },
          ),
        );
    });
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}/`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
