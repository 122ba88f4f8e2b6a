import type {KubeObject} from '../manifests/parse.js';
import {toYamlDocuments} from './yaml.js';

/** Objects as kubectl prints them: YAML documents separated by ---, or JSON (a List when several). */
export function renderManifests(objects: KubeObject[], format: 'yaml' | 'json'): string {
  if (format === 'json') {
    const data = objects.length === 1 ? objects[0] : {apiVersion: 'v1', kind: 'List', items: objects};
    return JSON.stringify(data, null, 2) + '\n';
  }
  return toYamlDocuments(objects);
}
