import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { RouteHandler } from '@platform/service-kit';

/**
 * GraphiQL for development, served from the gateway's own dependencies (graphiql, react, react-dom):
 * no CDN, nothing fetched from outside. Off in production mode.
 */
export const IDE_PATH = '/graphiql';

const ASSETS: Readonly<Record<string, { pkg: string; file: string; type: string }>> = {
  'react.js': { pkg: 'react', file: 'umd/react.production.min.js', type: 'text/javascript' },
  'react-dom.js': { pkg: 'react-dom', file: 'umd/react-dom.production.min.js', type: 'text/javascript' },
  'graphiql.js': { pkg: 'graphiql', file: 'graphiql.min.js', type: 'text/javascript' },
  'graphiql.css': { pkg: 'graphiql', file: 'graphiql.min.css', type: 'text/css' },
};

/** The folder of an installed package: up from its entry point to its package.json. */
function packageDirectory(name: string): string {
  let directory = path.dirname(require.resolve(name));
  while (!existsSync(path.join(directory, 'package.json'))) {
    const parent = path.dirname(directory);
    if (parent === directory) throw new Error(`cannot find the package folder of ${name}`);
    directory = parent;
  }
  return directory;
}

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>CRM platform · GraphiQL</title>
    <link rel="stylesheet" href="${IDE_PATH}/graphiql.css" />
    <style>body { margin: 0; } #graphiql { height: 100vh; }</style>
  </head>
  <body>
    <div id="graphiql">Loading…</div>
    <script src="${IDE_PATH}/react.js"></script>
    <script src="${IDE_PATH}/react-dom.js"></script>
    <script src="${IDE_PATH}/graphiql.js"></script>
    <script>
      const fetcher = GraphiQL.createFetcher({ url: '/graphql' });
      ReactDOM.createRoot(document.getElementById('graphiql')).render(
        React.createElement(GraphiQL, { fetcher, defaultEditorToolsVisibility: true }),
      );
    </script>
  </body>
</html>
`;

function send(
  response: Parameters<RouteHandler>[1],
  status: number,
  type: string,
  body: string | Buffer,
): void {
  response.writeHead(status, {
    'content-type': `${type}; charset=utf-8`,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-cache',
  });
  response.end(body);
}

/** The IDE's routes: the page and its four assets (read once, on first request). */
export function ideRoutes(): Record<string, RouteHandler> {
  const loaded = new Map<string, Buffer>();
  const routes: Record<string, RouteHandler> = {
    [IDE_PATH]: (request, response) => {
      if (request.method !== 'GET') return send(response, 405, 'text/plain', 'use GET');
      send(response, 200, 'text/html', PAGE);
    },
  };
  for (const [name, asset] of Object.entries(ASSETS)) {
    routes[`${IDE_PATH}/${name}`] = (request, response) => {
      if (request.method !== 'GET') return send(response, 405, 'text/plain', 'use GET');
      let body = loaded.get(name);
      if (!body) {
        body = readFileSync(path.join(packageDirectory(asset.pkg), asset.file));
        loaded.set(name, body);
      }
      send(response, 200, asset.type, body);
    };
  }
  return routes;
}
