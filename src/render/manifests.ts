import {stringify} from 'yaml';
import type {KubeObject} from '../manifests/parse.js';

/** Objects as kubectl prints them: YAML documents separated by ---, or JSON (a List when several). */
export function renderManifests(objects: KubeObject[], format: 'yaml' | 'json'): string {
  if (format === 'json') {
    const data = objects.length === 1 ? objects[0] : {apiVersion: 'v1', kind: 'List', items: objects};
    return JSON.stringify(data, null, 2) + '\n';
  }
  return objects.map((o) => stringify(o, {lineWidth: 0})).join('---\n');
}
