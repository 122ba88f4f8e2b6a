// Readers of the YAML we write that we did not write: Debian's python3-yaml (PyYAML, a YAML 1.1
// reader, run with /usr/bin/python3, not a pyenv python first on PATH) and the real kubectl
// (go-yaml v2, YAML 1.1). A file reads back identically when both agree with the YAML 1.2
// reading and with what was meant.
import {spawn, spawnSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {parseAllDocuments} from 'yaml';

const PYTHON = '/usr/bin/python3';

/** Why PyYAML cannot be used here, or undefined when it can. */
export function pyyamlMissing(): string | undefined {
  if (!existsSync(PYTHON)) return `${PYTHON} is not installed`;
  const r = spawnSync(PYTHON, ['-c', 'import yaml'], {encoding: 'utf8'});
  return r.status === 0 ? undefined : 'python3-yaml is not installed (apt-get install python3-yaml)';
}

/**
 * Every document as PyYAML's safe_load_all reads it, through JSON. A timestamp (datetime) is
 * written as {"$non-string": "..."} so it never compares equal to the string it looked like;
 * a value PyYAML refuses to construct (`=`, a `<<` merge of a string) is an error.
 */
export function pyyamlLoad(text: string): unknown[] {
  const script = [
    'import sys, json, yaml',
    'def other(o): return {"$non-string": repr(o)}',
    'docs = list(yaml.safe_load_all(sys.stdin.buffer.read().decode("utf-8")))',
    'sys.stdout.write(json.dumps(docs, default=other))',
  ].join('\n');
  const r = spawnSync(PYTHON, ['-c', script], {input: text, encoding: 'utf8'});
  if (r.status !== 0) throw new Error(`PyYAML could not read the YAML: ${r.stderr.trim().split('\n').slice(-4).join(' / ')}`);
  return JSON.parse(r.stdout);
}

/** The documents as the `yaml` library (YAML 1.2 core schema) reads them. */
export function yaml12Load(text: string): unknown[] {
  return parseAllDocuments(text).map((d) => {
    if (d.errors.length) throw d.errors[0];
    return d.toJS();
  }).filter((d) => d !== null);
}

/** kubectl's reading of a manifest file: `kubectl create --dry-run=client -o json -f FILE`, as items. */
export async function kubectlLoad(kubeconfig: string, file: string, home: string): Promise<unknown[]> {
  // Asynchronous: the test server runs in this process and must answer kubectl's discovery.
  const r = await new Promise<{code: number | null; stdout: string; stderr: string}>((res, rej) => {
    const c = spawn('kubectl', ['--kubeconfig', kubeconfig, 'create', '--dry-run=client', '-o', 'json', '-f', file], {env: {...process.env, HOME: home}});
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d) => (stdout += d));
    c.stderr.on('data', (d) => (stderr += d));
    c.on('error', rej);
    c.on('close', (code) => res({code, stdout, stderr}));
  });
  if (r.code !== 0) throw new Error(`kubectl could not read ${file}: ${r.stderr.trim()}`);
  const o = JSON.parse(r.stdout);
  return o.kind === 'List' ? o.items : [o];
}

export function kubectlMissing(): string | undefined {
  return spawnSync('kubectl', ['version', '--client'], {encoding: 'utf8'}).status === 0 ? undefined : 'kubectl is not installed';
}

/**
 * Strings a YAML 1.1 reader takes for something else when they are written plain: booleans
 * (y/n too, as go-yaml has them), nulls, ints in every base with `_`, sexagesimal, floats,
 * .inf/.nan, merge and value keys, timestamps; and characters 1.1 reads as line breaks.
 */
export const YAML11_LOOKALIKES = [
  'yes', 'Yes', 'YES', 'no', 'No', 'on', 'On', 'off', 'OFF', 'y', 'Y', 'n', 'N', 'true', 'False', '~', 'null', 'Null',
  '1_000', '0777', '0o17', '0x1F', '0b1010', '-0x_1f', '+12', '123', '1:20', '-1:20:30', '190:20:30.15', '1.0', '.5', '1e3', '6.8523015e+5', '685_230.15',
  '.inf', '-.Inf', '+.INF', '.nan', '.NaN', '+Inf', '-infinity', '=', '<<', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10 -5', '2002-12-14',
];

/** Secret keys and label keys allow only [-._a-zA-Z0-9]. */
export const KEY_LOOKALIKES = YAML11_LOOKALIKES.filter((s) => /^[a-zA-Z0-9]([-._a-zA-Z0-9]*[a-zA-Z0-9])?$/.test(s));

/** Annotation values only: characters YAML 1.1 treats as line breaks or does not allow raw. */
export const YAML11_ODD_CHARS = ['a\u2028b', 'a\u2029b', 'a\u0085b', 'del\u007f', 'c1\u0090', 'bom\ufeff', 'tab\tand\nnewline', ' lead', 'trail ', '#hash', 'a: b', '- dash', '"quoted"', "it's"];
