// plaintext-secret in Terraform: a kubernetes_secret(_v1) resource or a kubernetes_manifest
// Secret with a literal value creates that Secret from the .tf file, so the value is in git. What
// Terraform computes (variables, other resources' attributes, files, interpolation) is not.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {scanText} from '../../../src/scan/scan.js';

const CANARY = 'CANARY-7e7e7e7e11';
const got = (text: string, path = 'main.tf') => scanText(path, text).findings.map((f) => `${f.rule}@${f.line}:${f.column}:${f.severity}${f.suppressed ? ':' + f.suppressed : ''}`);
const secretTf = (data: string, type = 'kubernetes_secret') => `resource "${type}" "db" {\n  metadata {\n    name      = "db"\n    namespace = "prod"\n  }\n\n  data = {\n${data}\n  }\n}\n`;

test('a literal in a kubernetes_secret resource is a plaintext-secret at its key', () => {
  assert.deepEqual(got(secretTf(`    password = "${CANARY}"\n    host     = "db.internal"`)), ['plaintext-secret@8:5:high', 'plaintext-secret@9:5:low']);
  assert.deepEqual(scanText('main.tf', secretTf(`    password = "${CANARY}"`)).findings.map((f) => f.message), ['Secret db has a plaintext value in data.password']);
  assert.deepEqual(got(secretTf(`    "db-password" = "${CANARY}"`, 'kubernetes_secret_v1')), ['plaintext-secret@8:5:high']);
  assert.deepEqual(got(secretTf(`    token = sensitive("${CANARY}")`)), ['plaintext-secret@8:5:high']);
  assert.deepEqual(got(secretTf(`    "tls.key" = <<-EOT\n      ${CANARY}\n    EOT`)), ['plaintext-secret@8:5:high']);
  assert.deepEqual(got(secretTf(`    password = "${CANARY}", user = "admin"`)), ['plaintext-secret@8:5:high', 'plaintext-secret@8:37:high']);
  // binary_data is base64; data_wo (write-only) is still written in the file.
  const binary = secretTf(`    key = "${Buffer.from(CANARY).toString('base64')}"`).replace('data = {', 'binary_data = {');
  assert.deepEqual(got(binary), ['plaintext-secret@8:5:high']);
  assert.deepEqual(got(secretTf(`    password = "${CANARY}"`).replace('data = {', 'data_wo = {')), ['plaintext-secret@8:5:high']);
  // A docker config written with jsonencode: at its password.
  const docker = secretTf(`    ".dockerconfigjson" = jsonencode({\n      auths = {\n        "ghcr.io" = {\n          username = "bot"\n          password = "${CANARY}"\n        }\n      }\n    })`);
  assert.deepEqual(got(docker), ['plaintext-secret@12:11:high']);
});

test('values Terraform computes, placeholders and other resources are not findings', () => {
  for (const v of ['var.db_password', 'random_password.db.result', '"${var.db_password}"', 'file("${path.module}/pw.txt")', 'base64encode(var.x)', '"changeme"', '"<password>"', '""', 'data.vault_generic_secret.db.data["password"]', 'local.pw', '"%{if var.x}a%{endif}"']) {
    assert.deepEqual(got(secretTf(`    password = ${v}`)), [], v);
  }
  assert.deepEqual(got(secretTf(`    password = "${CANARY}"`).replace('kubernetes_secret', 'kubernetes_config_map')), []);
  // Only .tf files are read as Terraform.
  assert.deepEqual(got(secretTf(`    password = "${CANARY}"`), 'notes.txt'), []);
  // An allow comment on the resource line covers it.
  assert.deepEqual(got(secretTf(`    password = "${CANARY}"`).replace('"db" {', '"db" { # kubectl-secret:allow')), ['plaintext-secret@8:5:high:inline']);
});

test('kubernetes_manifest with a Secret, and kubectl_manifest yaml_body in a heredoc', () => {
  const manifest = `resource "kubernetes_manifest" "db" {\n  manifest = {\n    apiVersion = "v1"\n    kind       = "Secret"\n    metadata = {\n      name      = "db"\n      namespace = "prod"\n    }\n    stringData = {\n      password = "${CANARY}"\n    }\n  }\n}\n`;
  assert.deepEqual(got(manifest), ['plaintext-secret@10:7:high']);
  assert.deepEqual(got(manifest.replace('"Secret"', '"ConfigMap"')), []);
  const kubectl = `resource "kubectl_manifest" "db" {\n  yaml_body = <<-YAML\n    apiVersion: v1\n    kind: Secret\n    metadata:\n      name: db\n    stringData:\n      password: ${CANARY}\n  YAML\n}\n`;
  assert.deepEqual(got(kubectl), ['plaintext-secret@8:7:high']);
  assert.deepEqual(got(kubectl.replace(CANARY, '${var.db_password}')), []);
});
