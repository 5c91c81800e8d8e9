import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { type RunningServer, startHttpServer } from '../fake-servers';

const ROOT = resolve(__dirname, '../../..');
const CLIENT_PACKAGE = join(ROOT, 'clients/typescript');
const CONSOLE_SCRIPT = join(__dirname, 'console.ts');

const PAGE = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>Registry console</title>
  <script type="module" src="/console.js"></script></head>
  <body><h1>Registry console</h1></body>
</html>
`;

interface PackResult {
  name: string;
  filename: string;
  files: { path: string }[];
}

export interface ConsoleBundle {
  /** The page's script: console.ts bundled with the packed client and openapi-fetch. */
  script: string;
  /** The files `npm pack` put in the client's tarball. */
  packedFiles: string[];
  /** The client's package.json as the tarball carries it. */
  packedManifest: Record<string, unknown>;
  /** Every file the bundle was made of, relative to the directory it was built in. */
  inputs: string[];
}

/**
 * Packs clients/typescript as a frontend would receive it (`npm pack`, which builds it), unpacks
 * the tarball into `directory`/node_modules and bundles the console's script against it with
 * esbuild, out of reach of the repository's tsconfig paths: the page runs the package, not the
 * sources. openapi-fetch, the package's peer dependency, comes from the project's node_modules.
 */
export async function buildConsoleBundle(directory: string): Promise<ConsoleBundle> {
  const output = execFileSync('npm', ['pack', '--json', '--pack-destination', directory], {
    cwd: CLIENT_PACKAGE,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [packed] = JSON.parse(output) as PackResult[];
  const unpacked = join(directory, 'node_modules', ...packed.name.split('/'));
  mkdirSync(unpacked, { recursive: true });
  execFileSync('tar', [
    '-xzf',
    join(directory, packed.filename),
    '-C',
    unpacked,
    '--strip-components=1',
  ]);

  const entry = join(directory, 'console.ts');
  copyFileSync(CONSOLE_SCRIPT, entry);
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: directory,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    nodePaths: [join(ROOT, 'node_modules')],
    logLevel: 'silent',
  });
  return {
    script: result.outputFiles[0].text,
    packedFiles: packed.files.map((file) => file.path),
    packedManifest: JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >,
    inputs: Object.keys(result.metafile.inputs),
  };
}

/** Serves the console page and its script, as a static host on its own origin would. */
export function serveConsolePage(bundle: ConsoleBundle): Promise<RunningServer> {
  return startHttpServer((request, response) => {
    const [type, body] =
      request.url === '/'
        ? ['text/html; charset=utf-8', PAGE]
        : request.url === '/console.js'
          ? ['text/javascript; charset=utf-8', bundle.script]
          : [undefined, 'Not found'];
    response.writeHead(type === undefined ? 404 : 200, { 'Content-Type': type ?? 'text/plain' });
    response.end(body);
  });
}
