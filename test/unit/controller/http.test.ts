import {test} from 'node:test';
import assert from 'node:assert/strict';
import {closeServer, parseListen, serveProbes} from '../../../src/controller/http.js';
import {formatLine} from '../../../src/controller/log.js';
import {Metrics} from '../../../src/controller/metrics.js';
import {InputError} from '../../../src/errors.js';

test('--listen takes :PORT, HOST:PORT and [IPv6]:PORT', () => {
  assert.deepEqual(parseListen(':8080'), {host: undefined, port: 8080});
  assert.deepEqual(parseListen('127.0.0.1:0'), {host: '127.0.0.1', port: 0});
  assert.deepEqual(parseListen('[::1]:9090'), {host: '::1', port: 9090});
  for (const bad of ['8080', 'host:', ':99999', 'a:b:c']) assert.throws(() => parseListen(bad), InputError, bad);
});

test('/healthz follows the probe, /metrics serves the text format, anything else is 404', async () => {
  let ok = true;
  const {server, address} = await serveProbes('127.0.0.1:0', new Metrics(), {healthy: () => ({ok, message: ok ? 'ok' : 'lease not renewed'})});
  try {
    const get = (p: string) => fetch(`http://${address}${p}`);
    assert.equal((await get('/healthz')).status, 200);
    ok = false;
    const bad = await get('/healthz');
    assert.equal(bad.status, 500);
    assert.match(await bad.text(), /lease not renewed/);
    const m = await get('/metrics');
    assert.equal(m.status, 200);
    assert.match(m.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    assert.match(await m.text(), /kubectl_secret_controller_objects_synced 0/);
    assert.equal((await get('/nope')).status, 404);
    assert.equal((await fetch(`http://${address}/metrics`, {method: 'POST'})).status, 405);
  } finally {
    await closeServer(server);
  }
});

test('log lines are logfmt: quoted only when needed', () => {
  const line = formatLine('warn', 'cannot sync', {sealedSecret: 'a/b', reason: 'Tampered', message: 'key "x": failed', n: 2, skip: undefined}, new Date(0));
  assert.equal(line, 'time=1970-01-01T00:00:00.000Z level=warn msg="cannot sync" sealedSecret=a/b reason=Tampered message="key \\"x\\": failed" n=2\n');
});
