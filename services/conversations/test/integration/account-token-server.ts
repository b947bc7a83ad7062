import { createServer, type Server } from 'node:http';

// Test support: a real OAuth2 token endpoint (what a platform's, or the local platform simulator's,
// would be) recording each grant it receives.

/** A token endpoint: answers each refresh grant with what `answer` says for its refresh token. */
export async function startTokenServer(answer: (refreshToken: string) => { status: number; body: object }) {
  const grants: Array<Record<string, string>> = [];
  const server: Server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    request.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(text));
      grants.push(form);
      const { status, body } = answer(form.refresh_token ?? '');
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/token`,
    grants,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
