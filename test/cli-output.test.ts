// The command line writes all of its output before it exits, also when stdout is a pipe read more
// slowly than it is written (`urtuu dcc conformance DIR | less`): a pipe holds about 64 KB, and an
// exit with writes still queued would cut the report off mid-line.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('urtuu output through a pipe', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'urtuu-cli-output-'));
  const files = 1500;

  before(() => {
    // Test files whose base45 stage cannot decode: each is one line of the report, ~150 KB in all.
    const raw = path.join(dir, 'XX', '2DCode', 'raw');
    mkdirSync(raw, { recursive: true });
    for (let index = 0; index < files; index += 1) {
      writeFileSync(path.join(raw, `${String(index).padStart(5, '0')}.json`), JSON.stringify({ TESTCTX: { DESCRIPTION: `broken file ${index}` }, BASE45: '!!!!', EXPECTEDRESULTS: { EXPECTEDB45DECODE: true } }));
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('delivers the whole conformance report to a slow reader', async () => {
    // As a person runs it: piped into a reader that starts late, so the pipe is full when the command ends.
    const command = `"${process.execPath}" "${path.join(root, 'bin', 'urtuu.js')}" dcc conformance "${dir}" 2>/dev/null; echo "exit $?" >&2`;
    const child = spawn('sh', ['-c', `(${command}) | (sleep 6; cat)`], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let status = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (status += chunk.toString()));
    await new Promise((resolve) => child.once('close', resolve));
    assert.ok(out.length > 64 * 1024, `only ${out.length} bytes arrived`);
    assert.match(out, new RegExp(`\\n0 passed, ${files} failed\\n$`));
    assert.equal(out.split('\n').filter((line) => line.startsWith('FAIL ')).length, files);
    assert.equal(status.trim(), 'exit 1');
  });
});
