// A Markdown code block often holds several manifests without a `---` between them: JSON
// objects one after another, YAML documents separated by a blank line, or both. Each is read as
// the object the reader meant to copy, not only the first (nor one object merged from all).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {scanText} from '../../../src/scan/scan.js';

const CANARY = 'CANARY-3f9a1e77c2';
const got = (path: string, text: string) => scanText(path, text).findings.map((f) => `${f.rule}@${f.line}:${f.column}`);
const fence = (lang: string, body: string) => `# Setup\n\nApply these:\n\n\`\`\`${lang}\n${body}\`\`\`\n`;
const cmJson = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"a":"b"}}';
const secJson = `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"stringData":{"password":"${CANARY}"}}`;
const cmYaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  a: b\n';
const secYaml = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  password: ${CANARY}\n`;
const messages = (text: string) => scanText('README.md', text).findings.map((f) => f.message);

test('several JSON objects in one block: each is read (one per line, on one line, pretty-printed)', () => {
  // The Secret's `password` key is on Markdown line 7 in the first two layouts.
  assert.deepEqual(got('README.md', fence('json', `${cmJson}\n${secJson}\n`)), [`plaintext-secret@7:${secJson.indexOf('"password"') + 1}`]);
  assert.deepEqual(got('README.md', fence('json', `${cmJson}${secJson}\n`)), [`plaintext-secret@6:${cmJson.length + secJson.indexOf('"password"') + 1}`]);
  assert.deepEqual(got('README.md', fence('', `${cmJson}\n\n${secJson}\n`)), [`plaintext-secret@8:${secJson.indexOf('"password"') + 1}`]);
  const pretty = JSON.stringify(JSON.parse(cmJson), null, 2) + '\n' + JSON.stringify(JSON.parse(secJson), null, 2) + '\n';
  const line = 6 + pretty.split('\n').findIndex((l) => l.includes('"password"'));
  assert.deepEqual(got('README.md', fence('json', pretty)), [`plaintext-secret@${line}:5`]);
  // The Secret first, then objects after it.
  assert.deepEqual(got('README.md', fence('json', `${secJson}\n${cmJson}\n${cmJson}\n`)), [`plaintext-secret@6:${secJson.indexOf('"password"') + 1}`]);
});

test('several YAML documents without --- in one block: each is read as its own object', () => {
  // ConfigMap then Secret, with and without a blank line between them.
  assert.deepEqual(got('README.md', fence('yaml', `${cmYaml}\n${secYaml}`)), ['plaintext-secret@18:3']);
  assert.deepEqual(got('README.md', fence('yaml', `${cmYaml}${secYaml}`)), ['plaintext-secret@17:3']);
  // The Secret's values are not misreported as the ConfigMap's keys.
  assert.deepEqual(messages(fence('yaml', `${cmYaml}\n${secYaml}`)), ['Secret s has a plaintext value in stringData.password']);
  // Secret first: a ConfigMap after it used to win the merge and hide the Secret.
  assert.deepEqual(got('README.md', fence('yaml', `${secYaml}\n${cmYaml}`)), ['plaintext-secret@11:3']);
  assert.deepEqual(got('README.md', fence('yml', `${secYaml}${cmYaml}`)), ['plaintext-secret@11:3']);
  // A comment introducing the second document, kind before apiVersion.
  const second = `# the credentials\nkind: Secret\napiVersion: v1\nmetadata:\n  name: s\ndata:\n  password: ${Buffer.from(CANARY).toString('base64')}\n`;
  assert.deepEqual(got('README.md', fence('yaml', `${cmYaml}\n${second}`)), ['plaintext-secret@19:3']);
  // Three documents, the Secret in the middle.
  assert.deepEqual(got('README.md', fence('yaml', `${cmYaml}\n${secYaml}\n${cmYaml}`)), ['plaintext-secret@18:3']);
  // A blank line inside a document (between its keys) does not split it.
  assert.deepEqual(got('README.md', fence('yaml', `apiVersion: v1\nkind: Secret\n\nmetadata:\n  name: s\n\nstringData:\n  password: ${CANARY}\n`)), ['plaintext-secret@13:3']);
});

test('JSON and YAML mixed in one block are read one object after another', () => {
  assert.deepEqual(got('README.md', fence('', `${cmJson}\n${secYaml}`)), ['plaintext-secret@12:3']);
  assert.deepEqual(got('README.md', fence('', `${cmYaml}${secJson}\n`)), [`plaintext-secret@12:${secJson.indexOf('"password"') + 1}`]);
  assert.deepEqual(got('README.md', fence('yaml', `${secYaml}\n${cmJson}\n`)), ['plaintext-secret@11:3']);
});

test('blocks that are one object, placeholders, and indented blocks stay as they were', () => {
  assert.deepEqual(got('README.md', fence('yaml', secYaml.replace(CANARY, '<your-password>') + '\n' + cmYaml)), []);
  assert.deepEqual(got('README.md', fence('json', `${cmJson}\n${cmJson}\n`)), []);
  assert.deepEqual(got('README.md', fence('yaml', `${cmYaml}---\n${secYaml}`)), ['plaintext-secret@18:3']);
  // A block indented in a list item: columns are the Markdown file's.
  const indented = `1. Apply:\n\n   \`\`\`yaml\n${(cmYaml + '\n' + secYaml).replace(/^(?=.)/gm, '   ')}   \`\`\`\n`;
  assert.deepEqual(got('README.md', indented), ['plaintext-secret@16:6']);
});

test('a code block inside a blockquote (> ```yaml) is read like any other, at the Markdown columns', () => {
  const quoted = `> **Note**: apply this first:\n>\n> \`\`\`yaml\n${secYaml.replace(/^/gm, '> ').replace(/> $/, '')}> \`\`\`\n`;
  assert.deepEqual(got('README.md', quoted), ['plaintext-secret@9:5']);
  const nested = `> > \`\`\`json\n> > ${secJson}\n> > \`\`\`\n`;
  assert.deepEqual(got('README.md', nested), [`plaintext-secret@2:${4 + secJson.indexOf('"password"') + 1}`]);
  const cmd = `> \`\`\`sh\n> kubectl create secret generic db \\\n>   --from-literal=password=${CANARY}\n> \`\`\`\n`;
  assert.deepEqual(got('README.md', cmd), ['kubectl-secret-literal@3:5']);
});
