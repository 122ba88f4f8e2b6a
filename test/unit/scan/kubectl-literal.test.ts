// kubectl-secret-literal: `kubectl create secret … --from-literal=KEY=VALUE` (or
// `--docker-password=…`) written in a script, Makefile, Dockerfile, CI file or a Markdown code
// block puts the value in git as surely as a plaintext manifest does.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {kubectlSecretLiterals, shellWords} from '../../../src/scan/kubectl-literal.js';
import {scanText} from '../../../src/scan/scan.js';

const CANARY = 'CANARY-5e1b7c03aa';
const got = (path: string, text: string) => scanText(path, text).findings.map((f) => `${f.rule}@${f.line}:${f.column}:${f.severity}${f.suppressed ? ':' + f.suppressed : ''}`);

test('shell words are split and unquoted as a POSIX shell does, and expansions are marked', () => {
  const w = shellWords(`kubectl create secret generic db --from-literal="pass word=a b" --from-literal='k=$X' --from-literal=k=\\$Y x\\\n  --from-literal=k=$(cat f) "$PW" a\${B}c # note`);
  assert.deepEqual(w.map((x) => [x.text, x.dynamic]), [
    ['kubectl', false], ['create', false], ['secret', false], ['generic', false], ['db', false],
    ['--from-literal=pass word=a b', false], ['--from-literal=k=$X', false], ['--from-literal=k=$Y', false], ['x', false],
    ['--from-literal=k=$(cat f)', true], ['$PW', true], ['a${B}c', true],
  ]);
});

test('a literal value on a kubectl create secret command line is a finding, in every file that holds commands', () => {
  const cmd = `kubectl create secret generic db --from-literal=password=${CANARY}`;
  const col = cmd.indexOf('--from-literal') + 1;
  assert.deepEqual(got('deploy.sh', `#!/bin/sh\nset -e\n${cmd}\n`), [`kubectl-secret-literal@3:${col}:high`]);
  assert.deepEqual(got('Makefile', `secrets:\n\t@${cmd} --dry-run=client -o yaml | kubectl apply -f -\n`), [`kubectl-secret-literal@2:${col + 2}:high`]);
  assert.deepEqual(got('Dockerfile', `FROM bitnami/kubectl\nRUN ${cmd}\n`), [`kubectl-secret-literal@2:${col + 4}:high`]);
  assert.deepEqual(got('.github/workflows/deploy.yml', `jobs:\n  d:\n    steps:\n      - run: ${cmd}\n      - run: |\n          kubectl -n prod create secret generic api \\\n            --from-literal api-token=${CANARY} \\\n            --from-literal=url=https://api.example.com\n`), [
    `kubectl-secret-literal@4:${col + 13}:high`, 'kubectl-secret-literal@7:13:high', 'kubectl-secret-literal@8:13:low',
  ]);
  assert.deepEqual(got('README.md', `# Setup\n\n\`\`\`bash\n$ ${cmd}\n\`\`\`\n\nOr in prose: ${cmd}\n`), [`kubectl-secret-literal@4:${col + 2}:high`]);
  // docker-registry credentials; oc is kubectl; quoted and `--flag value` spellings.
  const one = (line: string, flag: string) => [`kubectl-secret-literal@1:${line.indexOf(flag) + 1}:high`];
  for (const line of [
    `kubectl create secret docker-registry regcred --docker-server=r.io --docker-username=u --docker-password="${CANARY}"`,
    `oc create secret docker-registry r --docker-password ${CANARY}`,
    `kubectl --namespace prod create --dry-run=client secret generic x --from-literal=token=${CANARY} -o yaml`,
    `k create secret generic x --from-literal=token=${CANARY}`,
    `sudo -E microk8s kubectl --context prod create secret generic a --from-literal=token=${CANARY}`,
  ]) assert.deepEqual(got('s.sh', line + '\n'), one(line, '--'.concat(line.includes('docker-password') ? 'docker-password' : 'from-literal')), line);
  const quoted = `/usr/local/bin/kubectl create secret generic x '--from-literal=db-password=${CANARY} with spaces'`;
  assert.deepEqual(got('s.sh', quoted + '\n'), one(quoted, "'--from"));
  // A command in one quoted word, read again by the shell it is given to: placed at that word.
  for (const line of [
    `bash -c "kubectl create secret generic db --from-literal=password=${CANARY}"`,
    `  - "kubectl create secret generic db --from-literal=password=${CANARY}"`,
    `        command: ["sh", "-c", "kubectl create secret generic db --from-literal=password=${CANARY} --dry-run=client -o yaml"]`,
  ]) assert.deepEqual(got('ci.yaml', line + '\n'), [`kubectl-secret-literal@1:${line.indexOf('"kubectl') + 1}:high`], line);
  assert.deepEqual(got('ci.yaml', `bash -c 'kubectl create secret generic db --from-literal=password=$PW'\n`), []);
  assert.deepEqual(got('ci.yaml', `bash -c "kubectl create configmap db --from-literal=password=${CANARY}"\n`), []);
  // A commented-out command still holds the value in git.
  assert.deepEqual(got('s.sh', `# ${cmd}\n`), [`kubectl-secret-literal@1:${col + 2}:high`]);
});

test('the message names the Secret and the key, never the value; severity follows the key name', () => {
  const r = scanText('s.sh', `kubectl create secret generic db --from-literal=password=${CANARY} --from-literal=host=db.internal\n`);
  assert.deepEqual(r.findings.map((f) => [f.message, f.severity]), [
    ['kubectl create secret generic db has a literal value for password on its command line', 'high'],
    ['kubectl create secret generic db has a literal value for host on its command line', 'low'],
  ]);
  for (const f of r.findings) assert.ok(!JSON.stringify(f).includes(CANARY));
  // A public-looking name whose value holds a URL password is high.
  assert.deepEqual(got('s.sh', `kubectl create secret generic db --from-literal=url=postgres://u:${CANARY}@db/x\n`), ['kubectl-secret-literal@1:34:high']);
  assert.deepEqual(got('s.sh', `kubectl create secret generic db --from-literal=url=postgres://db/x\n`), ['kubectl-secret-literal@1:34:low']);
});

test('variables, substitutions, placeholders and empty values are not findings', () => {
  for (const v of ['$PW', '${PW}', '"$PW"', '"$(cat pw.txt)"', '$(vault kv get -field=pw secret/db)', '`cat f`', "'$PW'", '"${{ secrets.DB_PASSWORD }}"', '$(PW)', '$$PW',
    'changeme', '"<your password>"', 'XXXXXXXX', 'your-password-here', '""', "''", '', '{{ .Values.pw }}', '%DB_PASSWORD%']) {
    assert.deepEqual(got('s.sh', `kubectl create secret generic db --from-literal=password=${v}\n`), [], v);
    assert.deepEqual(got('s.sh', `kubectl create secret docker-registry r --docker-password=${v}\n`), [], v);
  }
  // A shell default is deployed whenever the variable is unset: a literal one is plaintext.
  assert.deepEqual(got('s.sh', `kubectl create secret generic db --from-literal=password="\${DB_PASSWORD:-${CANARY}}"\n`), ['kubectl-secret-literal@1:34:high']);
  for (const v of ['${DB_PASSWORD:-}', '${DB_PASSWORD:-changeme}', '${DB_PASSWORD:?set it}', '${DB_PASSWORD:-$OTHER}']) assert.deepEqual(got('s.sh', `kubectl create secret generic db --from-literal=password="${v}"\n`), [], v);
  // A key the shell computes does not make a literal value any less literal.
  assert.deepEqual(got('s.sh', `kubectl create secret generic db --from-literal=$KEY=${CANARY}\n`), ['kubectl-secret-literal@1:34:high']);
  // Not kubectl create secret: a ConfigMap's literals are not secret, other tools' flags are theirs.
  assert.deepEqual(got('s.sh', `kubectl create configmap c --from-literal=password=${CANARY}\n`), []);
  assert.deepEqual(got('s.sh', `mytool --from-literal=password=${CANARY}\n`), []);
  assert.deepEqual(got('s.sh', `echo done; kubectl create configmap c --from-literal=k=${CANARY} && kubectl get secret x\n`), []);
  // A line of another command after a kubectl command that ended is not part of it.
  assert.deepEqual(got('s.sh', `kubectl create secret generic a --from-file=f; other --from-literal=k=${CANARY}\n`), []);
  // A Markdown paragraph is prose, not a command that was run.
  assert.deepEqual(got('README.md', `Run \`kubectl create secret generic db --from-literal=password=${CANARY}\` once.\n`), []);
});

test('an allow comment on the line, the rule switched off, or the file allowed, is respected', () => {
  const text = `kubectl create secret generic db --from-literal=password=${CANARY} # kubectl-secret:allow\n`;
  assert.deepEqual(got('s.sh', text), ['kubectl-secret-literal@1:34:high:inline']);
  const rules = new Set(['plaintext-secret'] as const);
  assert.deepEqual(scanText('s.sh', text.replace(' # kubectl-secret:allow', ''), {rules}).findings, []);
  assert.deepEqual(scanText('s.sh', text.replace(' # kubectl-secret:allow', ''), {allow: () => true}).findings.map((f) => f.suppressed), ['config']);
});

test('the pure core reads the flag, key and line, and costs nothing on text without the flags', () => {
  assert.deepEqual(kubectlSecretLiterals('echo hi\n', {}).findings, []);
  const f = kubectlSecretLiterals(`x\nkubectl create secret generic n \\\n  --from-literal=token=${CANARY}\n`, {}).findings;
  assert.deepEqual(f.map((x) => [x.rule, x.line, x.column, x.anchorLine]), [['kubectl-secret-literal', 3, 3, 2]]);
});
