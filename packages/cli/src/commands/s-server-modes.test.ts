// s_server -WWW and -rev against openssl s_server -WWW / -rev: the same request gets the same bytes.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ourServer, Workspace } from '../test/support.js';

const ws = new Workspace('sserver-modes-');
const home = process.cwd();
beforeAll(() => {
  ws.makeCertificate();
  writeFileSync(ws.path('page.html'), '<b>hello</b>\n');
  writeFileSync(ws.path('notes.txt'), 'plain text\nline two\n');
  // -WWW serves the working directory, as OpenSSL's does.
  process.chdir(ws.dir);
});
afterAll(() => {
  process.chdir(home);
  ws.dispose();
});

const get = (path: string): string => `GET ${path} HTTP/1.0\r\n\r\n`;

describe('s_server -WWW and -rev', () => {
  it('-WWW serves files as openssl s_server -WWW does, and refuses what it must', async () => {
    const theirs = await ws.opensslServer(['-cert', ws.cert, '-key', ws.key, '-WWW']);
    const ours = await ourServer(['-WWW', '-naccept', '4']);
    for (const path of ['/page.html', '/notes.txt']) {
      const expected = await ws.opensslClient(theirs.port, ['-quiet'], get(path));
      expect(expected).toContain('HTTP/1.0 200 ok');
      expect(await ws.opensslClient(ours.port, ['-quiet'], get(path))).toBe(expected);
    }
    expect(await ws.opensslClient(ours.port, ['-quiet'], get('/missing.txt'))).toMatch(
      /^HTTP\/1\.0 404 Not Found\r\n/m,
    );
    expect(await ws.opensslClient(ours.port, ['-quiet'], get('/../etc/passwd'))).toMatch(
      /^HTTP\/1\.0 403 Forbidden\r\n/m,
    );
    expect(await ours.serving).toBe(0);
  });

  it('-rev answers each line reversed and stops at CLOSE, as openssl s_server -rev does', async () => {
    const theirs = await ws.opensslServer(['-cert', ws.cert, '-key', ws.key, '-rev']);
    const ours = await ourServer(['-rev', '-naccept', '1']);
    const lines = 'hello world\nabc\r\nCLOSE\nnot answered\n';
    const expected = await ws.opensslClient(theirs.port, ['-quiet'], lines, 1500);
    expect(expected).toContain('dlrow olleh\ncba\n');
    expect(await ws.opensslClient(ours.port, ['-quiet'], lines, 1500)).toBe(expected);
    expect(await ours.serving).toBe(0);
  });
});
