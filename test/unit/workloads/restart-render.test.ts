import {test} from 'node:test';
import assert from 'node:assert/strict';
import {restartView} from '../../../src/workloads/restart-render.js';
import type {WorkloadResult} from '../../../src/workloads/restart.js';

const api: WorkloadResult = {kind: 'Deployment', apiVersion: 'apps/v1', name: 'api', namespace: 'ns', action: 'restart', applied: true, reason: '', references: []};
const web: WorkloadResult = {...api, name: 'web'};

function sink(columns = 200) {
  const chunks: string[] = [];
  return {chunks, stream: {isTTY: false, columns, write: (s: string) => (chunks.push(s), true)} as any};
}

function play(live: boolean): string[] {
  const {chunks, stream} = sink();
  const v = restartView(stream, {live});
  v.onEvent({type: 'waiting', workloads: [api, web], timeoutMs: 300_000});
  v.onEvent({type: 'progress', workload: api, status: {done: false, message: 'Waiting for deployment "api" rollout to finish: 0 out of 2 new replicas have been updated...'}});
  v.onEvent({type: 'progress', workload: web, status: {done: false, message: 'Waiting for deployment spec update to be observed...'}});
  v.onEvent({type: 'progress', workload: api, status: {done: true, message: 'deployment "api" successfully rolled out'}});
  v.onEvent({type: 'rollout', result: {...api, rollout: {state: 'done', message: 'deployment "api" successfully rolled out'}}});
  v.onEvent({type: 'rollout', result: {...web, rollout: {state: 'timeout', message: 'Waiting for deployment spec update to be observed...'}}});
  return chunks;
}

test('off a terminal, one line per change of a rollout, and one for each that did not finish', () => {
  assert.deepEqual(play(false).join('').split('\n').filter(Boolean), [
    'Waiting for 2 rollouts to finish (timeout 5m)...',
    'deployment.apps/api: Waiting for deployment "api" rollout to finish: 0 out of 2 new replicas have been updated...',
    'deployment.apps/web: Waiting for deployment spec update to be observed...',
    'deployment.apps/api: deployment "api" successfully rolled out',
    'deployment.apps/web: timed out after 5m: Waiting for deployment spec update to be observed...',
  ]);
});

test('on a terminal, a block with one line per workload is redrawn in place', () => {
  const chunks = play(true);
  const last = chunks.at(-1)!;
  assert.ok(last.startsWith('\x1b[2F'), 'moves up over the two lines it drew');
  assert.deepEqual(last.split('\x1b[2K').slice(1), [
    'deployment.apps/api: deployment "api" successfully rolled out\n',
    'deployment.apps/web: timed out after 5m: Waiting for deployment spec update to be observed...\n',
  ]);
});

test('live lines are cut to the terminal width so the redraw stays aligned', () => {
  const {chunks, stream} = sink(40);
  const v = restartView(stream, {live: true});
  v.onEvent({type: 'waiting', workloads: [api], timeoutMs: 1000});
  v.onEvent({type: 'progress', workload: api, status: {done: false, message: 'Waiting for deployment spec update to be observed...'}});
  const line = chunks.at(-1)!.split('\x1b[2K')[1].replace('\n', '');
  assert.equal(line.length, 39);
  assert.ok(line.endsWith('…'));
});
