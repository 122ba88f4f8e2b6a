import {test} from 'node:test';
import assert from 'node:assert/strict';
import {checkLive, type LiveReader} from '../../../src/scan/live-check.js';
import type {HistoryReport, LiveTarget} from '../../../src/scan/history.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const report = (targets: LiveTarget[][]): HistoryReport => ({
  root: '/r', findings: [], warnings: [], commits: 0, blobs: 0, scanned: 0, skipped: {binary: 0, 'too-large': 0},
  targets: new Map(targets.map((t, i) => [i, t])),
});
const target = (name: string, key: string, value: string, o: Partial<LiveTarget> = {}): LiveTarget => ({name, key, value: Buffer.from(value), hashSuffix: false, namespace: 'ns', ...o});

function reader(secrets: Record<string, any>, forbidden: string[] = []): LiveReader & {calls: string[]} {
  const calls: string[] = [];
  return {
    calls,
    defaultNamespace: 'dflt',
    async get(ns, name) {
      calls.push(`get ${ns}/${name}`);
      if (forbidden.includes(ns)) return 'forbidden';
      return secrets[`${ns}/${name}`];
    },
    async list(ns) {
      calls.push(`list ${ns}`);
      if (forbidden.includes(ns)) return 'forbidden';
      return Object.entries(secrets).filter(([k]) => k.startsWith(`${ns}/`)).map(([, v]) => v);
    },
  };
}

test('the same bytes are still live; other bytes, a missing key or an empty value are rotated since', async () => {
  const r = reader({'ns/a': {metadata: {name: 'a', annotations: {'kubectl-secret.dev/rotated-at': 'T'}}, data: {k: b64('v1'), other: b64('x')}}});
  const live = await checkLive(report([[target('a', 'k', 'v1')], [target('a', 'k', 'v0')], [target('a', 'gone', 'v1')], [target('a', 'k', 'v1 ')]]), r);
  assert.deepEqual([0, 1, 2, 3].map((i) => live.get(i)![0].status), ['still live', 'rotated since', 'rotated since', 'rotated since']);
  assert.equal(live.get(1)![0].rotatedAt, 'T');
  assert.equal(live.get(0)![0].command, 'kubectl secret rotate a -n ns --generate k');
  assert.deepEqual(r.calls, ['get ns/a'], 'one read per Secret, however many keys');
});

test('a Secret without a namespace is looked up in the default one; 404 is secret gone, 403 cannot read', async () => {
  const r = reader({'dflt/a': {metadata: {name: 'a'}, data: {k: b64('v')}}}, ['locked']);
  const live = await checkLive(report([[target('a', 'k', 'v', {namespace: undefined})], [target('b', 'k', 'v')], [target('c', 'k', 'v', {namespace: 'locked'})]]), r);
  assert.deepEqual([0, 1, 2].map((i) => live.get(i)![0].status), ['still live', 'secret gone', 'cannot read']);
});

test('kustomize hashed names: any NAME-<10 chars> Secret holding the value is still live; lookalike names are not considered', async () => {
  const r = reader({
    'ns/app-5tm7c7ht2g': {metadata: {name: 'app-5tm7c7ht2g'}, data: {k: b64('old')}},
    'ns/app-k2h9fd7m4b': {metadata: {name: 'app-k2h9fd7m4b'}, data: {k: b64('new')}},
    'ns/app-extra-5tm7c7ht2g': {metadata: {name: 'app-extra-5tm7c7ht2g'}, data: {k: b64('other')}},
  });
  const live = await checkLive(report([[target('app', 'k', 'old', {hashSuffix: true})], [target('app', 'k', 'other', {hashSuffix: true})], [target('nope', 'k', 'x', {hashSuffix: true})]]), r);
  assert.equal(live.get(0)![0].status, 'still live');
  assert.equal(live.get(0)![0].name, 'app-5tm7c7ht2g');
  assert.equal(live.get(1)![0].status, 'rotated since');
  assert.equal(live.get(2)![0].status, 'secret gone');
});

test('no answer carries the value, its base64 or its length', async () => {
  const value = 'CANARY-live-check-7f3a';
  const r = reader({'ns/a': {metadata: {name: 'a'}, data: {k: b64(value)}}});
  const live = await checkLive(report([[target('a', 'k', value)]]), r);
  const text = JSON.stringify([...live]);
  assert.ok(!text.includes(value) && !text.includes(b64(value)) && !text.includes(String(value.length)));
});
