import {test} from 'node:test';
import assert from 'node:assert/strict';
import {escapeLabelValue, Metrics} from '../../../src/controller/metrics.js';

function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

test('objects synced, failures by reason and the last sync time in the Prometheus text format', () => {
  const m = new Metrics();
  m.synced('a/x', 1_700_000_000_000);
  m.synced('a/y', 1_700_000_001_500);
  m.failed('a/z', 'Tampered');
  m.failed('a/z', 'Tampered');
  m.failed('b/w', 'UnknownKey');
  m.keys = 2;
  m.leader = true;
  const text = m.render();
  const s = samples(text);
  assert.equal(s.get('kubectl_secret_controller_objects_synced'), 2);
  assert.equal(s.get('kubectl_secret_controller_objects_failed'), 2);
  assert.equal(s.get('kubectl_secret_controller_syncs_total'), 2);
  assert.equal(s.get('kubectl_secret_controller_sync_failures_total{reason="Tampered"}'), 2);
  assert.equal(s.get('kubectl_secret_controller_sync_failures_total{reason="UnknownKey"}'), 1);
  assert.equal(s.get('kubectl_secret_controller_last_sync_timestamp_seconds'), 1_700_000_001.5);
  assert.equal(s.get('kubectl_secret_controller_leader'), 1);
  assert.equal(s.get('kubectl_secret_controller_keys'), 2);
  // Every family has HELP and TYPE before its samples.
  for (const name of ['objects_synced', 'sync_failures_total', 'last_sync_timestamp_seconds']) {
    assert.match(text, new RegExp(`# HELP kubectl_secret_controller_${name} .+\\n# TYPE kubectl_secret_controller_${name} (gauge|counter)\\n`));
  }
  assert.ok(text.endsWith('\n'));
});

test('a deleted object leaves the gauges; a re-list forgets what is gone', () => {
  const m = new Metrics();
  m.synced('a/x', 1);
  m.failed('a/y', 'Tampered');
  m.forget('a/x');
  assert.equal(samples(m.render()).get('kubectl_secret_controller_objects_synced'), 0);
  m.retain(new Set());
  assert.equal(samples(m.render()).get('kubectl_secret_controller_objects_failed'), 0);
  assert.equal(samples(m.render()).get('kubectl_secret_controller_sync_failures_total{reason="Tampered"}'), 1, 'counters never go down');
});

test('label values are escaped as the exposition format requires', () => {
  assert.equal(escapeLabelValue('a"b\\c\nd'), 'a\\"b\\\\c\\nd');
});
