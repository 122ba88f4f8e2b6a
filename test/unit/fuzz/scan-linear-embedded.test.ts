// The readers added for plaintext that used to slip past the scan (concatenated JSON objects,
// manifests in quoted or folded strings, kubectl command lines) stay linear in their input: the
// same ratio test as scan-linear.test.ts (an 8× larger input must cost well under 64×).
import {test} from 'node:test';
import {scanText} from '../../../src/scan/scan.js';
import {assertLinear, assertLinearForRepeatedUnits, build} from '../../helpers/linear.js';

const scanAll = (text: string) => {
  scanText('f.ps1', text);
  scanText('f.json', text);
  scanText('f.sh', text);
  scanText('f.md', '```\n' + text);
  scanText('f.tf', text);
};

const HEADS = [
  '{"kind":"Secret","stringData":{"a":"b"}}',
  'patch: "apiVersion: v1\\nkind: Secret\\n',
  "values: 'kind: Secret\n\n",
  'values: >\n  kind: Secret\n',
  'kubectl create secret generic x --from-literal=',
  'kubectl create secret docker-registry x --docker-password ',
  'command: ["kubectl", "create", "secret", "generic", "x", ',
  'args:\n  - create\n  - secret\n  - generic\n  - x\n',
  'script:\n  - kubectl create secret generic x\n    ',
  'run: >\n  kubectl create secret generic x\n  ',
  'run: "kubectl create secret generic x\n  ',
  '```json\n{"kind":"Secret","stringData":{"a":"b"}}',
  '```yaml\napiVersion: v1\nkind: Secret\n',
  'cat <<EOF | kubectl apply -f -\napiVersion: v1\nkind: Secret\nstringData:\n',
  'kind: Secret\n',
  "echo 'apiVersion: v1\nkind: Secret\nstringData:\n",
  "echo -n 'pw' | kubectl create secret generic x --from-file=a=/dev/stdin ",
  '@"\napiVersion: v1\nkind: Secret\n',
  'resource "kubernetes_secret" "x" {\n  data = {\n',
  'resource "kubernetes_manifest" "x" {\n  manifest = {\n    kind = "Secret"\n    stringData = {\n',
];
const FRAGMENTS = ['{', '}', '}{', '"', '\\"', '\\n', '\\', '\\\n', "'", "''", '$(', '${', '`', ')', ' ', '\n', '\n  ', 'kind: Secret', '\\nkind: Secret', '--from-literal=a=b ', '--docker-password ', 'kubectl create secret generic ', ';', '|', '>', '#', ': "', "- '", '\\u0053', '```\n', '[', ']', ', ', '"--from-literal=a=b", ', "'a'', ", '- ', '- --from-literal=a=b\n', '  - x\n', ' `\n', ' ^\n', "$'", "\\x41", '{{ ', ' }}', '{"kind":"Secret"}', 'apiVersion: v1\n', 'kind: Secret\n', '\n\n', ': >\n', 'a: b\n', '<<EOF\n', '<<-\'EOF\'\n', 'EOF\n', '\tEOF\n', '> ', '1 << x\n', '  password: $(', '<<<', 'a = "b"\n', 'jsonencode({', 'password = ', '"aaaa', '<<EOT\n', 'EOT\n', '/*', '//', '"kubernetes_secret" "x" {', 'echo ', 'printf ', '@"\n', '"@', '\\n', '--from-file=a=/dev/stdin ', '--from-env-file=<(echo A=b) ', '<<< ', '--from-file=', '> ```yaml\n', '> > '];

test('fuzz: no repeated unit makes the embedded-string, JSON-stream or command-line readers superlinear', () => {
  assertLinearForRepeatedUnits(HEADS, FRAGMENTS, scanAll, {numRuns: 25, headChars: 16});
});
test('known shapes are linear: many objects in a stream, many escaped manifests, a long continued command', () => {
  const obj = JSON.stringify({apiVersion: 'v1', kind: 'Secret', metadata: {name: 's'}, stringData: {password: 'x'}});
  assertLinear('JSON stream', (n) => build('', obj, n), scanAll);
  assertLinear('escaped manifests', (n) => build('', `- "apiVersion: v1\\nkind: Secret\\nmetadata: {name: s}\\nstringData: {p: x}"\n`, n), scanAll);
  assertLinear('continued command', (n) => build('kubectl create secret generic x \\\n', '  --from-literal=a=b \\\n', n), scanAll);
  assertLinear('one long command line', (n) => build('kubectl create secret generic x ', '--from-literal=a=b ', n), scanAll);
  assertLinear('unclosed substitutions', (n) => build('kubectl create secret generic x --from-literal=a=', '$($(', n), scanAll);
  assertLinear('nested defaults', (n) => build('kubectl create secret generic x --from-literal=a=', '${A:-', n), scanAll);
  assertLinear('long argv list', (n) => build('command: ["kubectl", "create", "secret", "generic", "x"', ', "--from-literal=a=b"', n), scanAll);
  assertLinear('long block list', (n) => build('args:\n  - create\n  - secret\n  - generic\n  - x\n', '  - --from-literal=a=b\n', n), scanAll);
  assertLinear('unclosed lists', (n) => build('kubectl create secret generic x --from-literal=a=b ', '["a", ', n), scanAll);
  assertLinear('long folded item', (n) => build('script:\n  - kubectl create secret generic x\n', '    --from-literal=a=b\n', n), scanAll);
  assertLinear('long quoted string', (n) => build('run: "kubectl create secret generic x\n', '    --from-literal=a=b     \n', n), scanAll);
  assertLinear('blanks inside a folded line', (n) => build('script:\n  - kubectl create secret generic x --from-literal=a=b\n    a', ' ', n), scanAll);
  assertLinear('many objects in a code block', (n) => build('```json\n', '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"stringData":{"a":"b"}}\n', n), scanAll);
  assertLinear('many documents without --- in a code block', (n) => build('```yaml\n', 'apiVersion: v1\nkind: Secret\nstringData:\n  a: b\n\n', n), scanAll);
  assertLinear('many heredocs', (n) => build('', 'cat <<EOF | kubectl apply -f -\napiVersion: v1\nkind: Secret\nstringData:\n  a: $(b)\nEOF\n', n), scanAll);
  assertLinear('shifts that look like heredocs', (n) => build('kind: Secret\n', 'x = 1 << shift\n', n), scanAll);
  assertLinear('many Terraform resources', (n) => build('', 'resource "kubernetes_secret" "x" {\n  metadata { name = "x" }\n  data = {\n    a = "b"\n    c = var.d\n  }\n}\n', n), scanAll);
  assertLinear('one long Terraform map', (n) => build('resource "kubernetes_secret" "x" {\n  data = {\n', '    a = "b", c = jsonencode({password = "x"})\n', n), scanAll);
  assertLinear('an unclosed Terraform resource', (n) => build('resource "kubernetes_secret" "x" {\n  data = {\n    a = ', '{(["', n), scanAll);
  assertLinear('many echoed manifests', (n) => build('', "echo 'apiVersion: v1\nkind: Secret\nstringData:\n  a: b' | kubectl apply -f -\n", n), scanAll);
  assertLinear('an unclosed echoed string', (n) => build("echo 'kind: Secret\n", "a: b\n", n), scanAll);
  assertLinear('many stdin flags on one line', (n) => build("echo -n 'pw' | kubectl create secret generic x ", '--from-file=a=/dev/stdin ', n), scanAll);
  assertLinear('many process substitutions', (n) => build('kubectl create secret generic x ', '--from-env-file=<(echo A=b) ', n), scanAll);
  assertLinear('a long flag word', (n) => build('kubectl create secret generic x ', '--from-file=', n), scanAll);
  assertLinear('PowerShell continuations', (n) => build('kubectl create secret generic x `\n', '  --from-literal=a=b `\n', n), scanAll);
  assertLinear('closed nested defaults', (n) => build('kubectl create secret generic x --from-literal=a=', '${A:-x}', n), scanAll);
});
