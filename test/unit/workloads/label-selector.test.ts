import {test} from 'node:test';
import assert from 'node:assert/strict';
import {parseLabelSelector} from '../../../src/workloads/label-selector.js';

const labels = {app: 'api', tier: 'web', 'example.com/team': 'pay'};

test('equality, inequality, existence and set requirements, all of which must hold', () => {
  const cases: Array<[string, boolean]> = [
    ['app=api', true], ['app==api', true], ['app=db', false], ['app!=db', true], ['app!=api', false],
    ['missing!=x', true], ['tier', true], ['!tier', false], ['!missing', true],
    ['app in (api,db)', true], ['app in (db)', false], ['app notin (db, worker)', true], ['missing notin (a)', true],
    ['app=api,tier=web', true], ['app=api,tier=db', false], ['example.com/team=pay', true], ['', true],
  ];
  for (const [sel, want] of cases) assert.equal(parseLabelSelector(sel)(labels), want, sel);
  assert.equal(parseLabelSelector('app=api')(undefined), false);
});

test('a malformed selector is an input error (exit 2)', () => {
  for (const bad of ['app=a b', '=x', 'app in a,b', 'app in (a b)']) {
    assert.throws(() => parseLabelSelector(bad), (e: any) => e.exitCode === 2, bad);
  }
});
