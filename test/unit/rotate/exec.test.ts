import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, existsSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {runExec, runExecOnce} from '../../../src/rotate/exec.js';
import {IncompleteError} from '../../../src/errors.js';

const CANARY = 'CANARY-exec-a9c4';

test('the command gets the value on stdin and KEY, SECRET_NAME, NAMESPACE in its environment, not on its command line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ks-exec-'));
  const cmd = `cat > "${dir}/$KEY.value"; printf '%s %s %s' "$KEY" "$SECRET_NAME" "$NAMESPACE" > "${dir}/$KEY.env"; cat /proc/$$/cmdline > "${dir}/$KEY.argv" 2>/dev/null || true; env > "${dir}/$KEY.allenv"`;
  const err: Buffer[] = [];
  const sink = {write: (d: Buffer) => err.push(d)} as any;
  const r = await runExecOnce(cmd, Buffer.from(CANARY), {key: 'password', secretName: 'db', namespace: 'payments'}, sink);
  assert.deepEqual(r, {ok: true, status: 'exit code 0'});
  assert.equal(readFileSync(join(dir, 'password.value'), 'utf8'), CANARY);
  assert.equal(readFileSync(join(dir, 'password.env'), 'utf8'), 'password db payments');
  if (existsSync(join(dir, 'password.argv'))) assert.ok(!readFileSync(join(dir, 'password.argv'), 'utf8').includes(CANARY));
  assert.ok(!readFileSync(join(dir, 'password.allenv'), 'utf8').includes(CANARY));
});

test('a failing command stops the run and names the keys it already succeeded for', async () => {
  const seen: string[] = [];
  const values = new Map([['a', Buffer.from('1')], ['b', Buffer.from('2')], ['c', Buffer.from('3')]]);
  await assert.rejects(runExec('test "$KEY" != b', values, 'db', 'payments', (k) => seen.push(k)), (e: unknown) => {
    assert.ok(e instanceof IncompleteError);
    assert.match(e.message, /--exec failed for key "b" \(exit code 1\); nothing was written to Secret payments\/db; it already succeeded for a/);
    return true;
  });
  assert.deepEqual(seen, ['a', 'b']);
});

test('a command that does not read its stdin still succeeds', async () => {
  const r = await runExecOnce('exit 0', Buffer.alloc(1 << 20, 'x'), {key: 'k', secretName: 's', namespace: 'n'}, {write: () => true} as any);
  assert.equal(r.ok, true);
});
