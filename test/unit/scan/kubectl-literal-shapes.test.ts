// kubectl-secret-literal on the shapes a command takes outside a shell script: an argv list
// (Kubernetes command/args, Tekton and Argo steps, JSON arrays, Dockerfile exec form), a YAML
// string that YAML folds over several lines (GitLab `script:` items, `run: >`), PowerShell and
// cmd line continuations, and bash's ANSI-C quoting. Each is read as the program that runs it
// reads it, so the value judged is the one kubectl receives.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {scanText} from '../../../src/scan/scan.js';

const CANARY = 'CANARY-7d41c0e9b2';
const got = (path: string, text: string) => scanText(path, text).findings.map((f) => `${f.rule}@${f.line}:${f.column}:${f.severity}`);
/** `line:column` of the first occurrence of `needle` in `text`. */
function at(text: string, needle: string, from = 0): string {
  const i = text.indexOf(needle, from);
  assert.ok(i >= 0, `${needle} in ${text}`);
  const before = text.slice(0, i).split('\n');
  return `${before.length}:${before.at(-1)!.length + 1}`;
}
const finding = (text: string, needle: string, severity = 'high') => `kubectl-secret-literal@${at(text, needle)}:${severity}`;

test('a kubectl command written as a Kubernetes command/args list (Job, CronJob, initContainers, Helm hooks) is read as its argv', () => {
  const job = `apiVersion: batch/v1
kind: Job
metadata:
  name: make-secret
  annotations:
    "helm.sh/hook": pre-install
spec:
  template:
    spec:
      containers:
        - name: k
          image: bitnami/kubectl
          command:
            - kubectl
            - create
            - secret
            - generic
            - db
            - --from-literal=password=${CANARY}
            - "--from-literal=url=postgres://db:5432"
`;
  assert.deepEqual(got('job.yaml', job), [finding(job, '--from-literal=password'), finding(job, '"--from-literal=url', 'low')]);
  // command + args split, flow style, `--from-literal VALUE` as two items, in a CronJob's initContainers.
  const cron = `apiVersion: batch/v1
kind: CronJob
spec:
  jobTemplate:
    spec:
      template:
        spec:
          initContainers:
            - name: k
              command: ["kubectl"]
              args: ["create", "secret", "generic", "db", "--namespace", "{{ .Release.Namespace }}", "--from-literal", "token=${CANARY}"]
`;
  assert.deepEqual(got('templates/cron.yaml', cron), [finding(cron, '"--from-literal"')]);
  // A template item left unquoted (the file is not valid YAML until Helm renders it).
  const tpl = `args: [create, secret, generic, {{ .Values.name }}, --from-literal=password=${CANARY}]\n`;
  assert.deepEqual(got('templates/hook.yaml', tpl), [finding(tpl, '--from-literal')]);
  // Block args after a flow command, quoted single, `oc`.
  const args = `      containers:
        - command: [/usr/bin/oc]
          args:
            - create
            - secret
            - docker-registry
            - regcred
            - '--docker-password=${CANARY}'
`;
  assert.deepEqual(got('pod.yaml', args), [finding(args, "'--docker-password")]);
  // The whole argv in one list with a path to kubectl.
  const flow = `command: ['/opt/bin/kubectl', 'create', 'secret', 'generic', 'x', '--from-literal=api-key=${CANARY}']\n`;
  assert.deepEqual(got('step.yaml', flow), [finding(flow, "'--from-literal")]);
});

test('Tekton and Argo steps, JSON arrays and Dockerfile exec form are argv lists too', () => {
  const tekton = `apiVersion: tekton.dev/v1
kind: Task
spec:
  steps:
    - name: secret
      image: bitnami/kubectl
      command:
        - kubectl
      args:
        - create
        - secret
        - generic
        - db
        - --from-literal
        - password=${CANARY}
`;
  assert.deepEqual(got('task.yaml', tekton), [finding(tekton, '--from-literal')]);
  const json = `{
  "apiVersion": "v1",
  "kind": "Pod",
  "spec": {"containers": [{
    "name": "k",
    "command": [
      "kubectl",
      "create",
      "secret",
      "generic",
      "db",
      "--from-literal=password=${CANARY}"
    ]
  }]}
}
`;
  assert.deepEqual(got('pod.json', json), [finding(json, '"--from-literal')]);
  const docker = `FROM bitnami/kubectl\nRUN ["kubectl", "create", "secret", "generic", "db", "--from-literal=password=${CANARY}"]\n`;
  assert.deepEqual(got('Dockerfile', docker), [finding(docker, '"--from-literal')]);
  const continued = `FROM bitnami/kubectl\nRUN ["kubectl", "create", "secret", "generic", "db", \\\n     "--from-literal=password=${CANARY}"]\n`;
  assert.deepEqual(got('build/Dockerfile.k8s', continued), [finding(continued, '"--from-literal')]);
  // sh -c with the command as the next item, folded over lines by YAML.
  const shc = `command:\n  - sh\n  - -c\n  - >-\n    kubectl create secret generic db\n    --from-literal=password=${CANARY}\n    --dry-run=client -o yaml | kubectl apply -f -\n`;
  assert.deepEqual(got('argo.yaml', shc), [finding(shc, '--from-literal')]);
});

test('a command YAML folds over several lines: GitLab script items, run: > and plain multi-line values', () => {
  const gitlab = `deploy:
  image: bitnami/kubectl
  script:
    - kubectl create secret generic db
      --from-literal=password=${CANARY}
      --dry-run=client -o yaml | kubectl apply -f -
    - echo done
`;
  assert.deepEqual(got('.gitlab-ci.yml', gitlab), [finding(gitlab, '--from-literal')]);
  const folded = `jobs:
  d:
    steps:
      - run: >
          kubectl create secret generic db
          --from-literal=password=${CANARY}
      - name: plain
        run: kubectl create secret generic api
          --from-literal=token=${CANARY}
      - run: "kubectl create secret generic quoted
          --from-literal=token=${CANARY}"
`;
  assert.deepEqual(got('.github/workflows/d.yml', folded), [
    finding(folded, '--from-literal=password'),
    finding(folded, '--from-literal=token'),
    `kubectl-secret-literal@${at(folded, '--from-literal=token', folded.indexOf('quoted'))}:high`,
  ]);
  // The same in a Markdown yaml block.
  const md = `# CI\n\n\`\`\`yaml\n${gitlab}\`\`\`\n`;
  assert.deepEqual(got('docs/ci.md', md), [finding(md, '--from-literal')]);
});

test('argv lists and folded commands: computed values, other commands and other lists are not findings', () => {
  for (const v of ['$(DB_PASSWORD)', '$(params.password)', '${DB_PASSWORD}', '{{ .Values.password }}', 'changeme', '"$PW"']) {
    const job = `command: ["kubectl", "create", "secret", "generic", "db", "--from-literal=password=${v.replace(/"/g, '\\"')}"]\n`;
    assert.deepEqual(got('job.yaml', job), [], job);
    const block = `args:\n  - create\n  - secret\n  - generic\n  - db\n  - --from-literal=password=${v}\n`;
    assert.deepEqual(got('job.yaml', block), [], block);
  }
  assert.deepEqual(got('job.yaml', `command: ["kubectl", "create", "configmap", "c", "--from-literal=password=${CANARY}"]\n`), []);
  assert.deepEqual(got('job.yaml', `args:\n  - create\n  - configmap\n  - c\n  - --from-literal=password=${CANARY}\n`), []);
  assert.deepEqual(got('job.yaml', `args: ["mytool", "--from-literal=password=${CANARY}"]\n`), []);
  // Separate script items are separate commands: the flag after a finished kubectl command is not its.
  assert.deepEqual(got('.gitlab-ci.yml', `a:\n  script:\n    - kubectl create secret generic db --from-file=f\n    - other --from-literal=password=${CANARY}\n`), []);
  // A Markdown shell block is not YAML: a list of words in prose stays prose.
  assert.deepEqual(got('README.md', `Flags: [--from-literal=password=${CANARY}]\n`), []);
});

test('PowerShell backtick and cmd caret continuations join the lines of a command', () => {
  const ps = `$ErrorActionPreference = "Stop"\nkubectl create secret generic db \`\n  --from-literal=password=${CANARY} \`\n  --namespace prod\n`;
  assert.deepEqual(got('deploy.ps1', ps), [finding(ps, '--from-literal')]);
  assert.deepEqual(got('deploy.ps1', ps.replace(/\n/g, '\r\n')), [finding(ps, '--from-literal')]);
  const cmd = `@echo off\r\nkubectl create secret generic db ^\r\n  --from-literal=password=${CANARY} ^\r\n  --namespace prod\r\n`;
  assert.deepEqual(got('deploy.cmd', cmd), [finding(cmd, '--from-literal')]);
  assert.deepEqual(got('setup.bat', cmd.replace(/\r/g, '')), [finding(cmd.replace(/\r/g, ''), '--from-literal')]);
  for (const lang of ['powershell', 'pwsh', 'ps1', '']) {
    const md = `# Windows\n\n\`\`\`${lang}\n${ps}\`\`\`\n`;
    assert.deepEqual(got('README.md', md), [finding(md, '--from-literal')], lang);
  }
  for (const lang of ['bat', 'cmd', 'batch']) {
    const md = `\`\`\`${lang}\n${cmd.replace(/\r/g, '')}\`\`\`\n`;
    assert.deepEqual(got('README.md', md), [finding(md, '--from-literal')], lang);
  }
  // A GitHub Actions step on Windows.
  const gha = `steps:\n  - shell: pwsh\n    run: |\n      kubectl create secret generic db \`\n        --from-literal=password=${CANARY}\n`;
  assert.deepEqual(got('.github/workflows/w.yml', gha), [finding(gha, '--from-literal')]);
  // Their variables are computed: no finding.
  for (const v of ['$env:DB_PASSWORD', '"$env:DB_PASSWORD"', '$DbPassword', '"$($secret.Value)"']) assert.deepEqual(got('d.ps1', `kubectl create secret generic db \`\n  --from-literal=password=${v}\n`), [], v);
  for (const v of ['%DB_PASSWORD%', '"%DB_PASSWORD%"', '!DB_PASSWORD!', 'pre%PW%']) assert.deepEqual(got('d.cmd', `kubectl create secret generic db ^\n  --from-literal=password=${v}\n`), [], v);
});

test("bash ANSI-C quoting $'…' is a literal value", () => {
  const line = `kubectl create secret generic db --from-literal=password=$'${CANARY}\\n'\n`;
  assert.deepEqual(got('s.sh', line), [finding(line, '--from-literal')]);
  const quotedFlag = `kubectl create secret generic db $'--from-literal=token=\\x41${CANARY}'\n`;
  assert.deepEqual(got('s.sh', quotedFlag), [finding(quotedFlag, "$'--from")]);
  // $"…" is a double-quoted string (translated): its expansions are still expansions.
  assert.deepEqual(got('s.sh', `kubectl create secret generic db --from-literal=password=$"$PW"\n`), []);
  assert.deepEqual(got('s.sh', `kubectl create secret generic db --from-literal=password=$"${CANARY}"\n`), [finding(`kubectl create secret generic db --from-literal=password=`, '--from-literal')]);
});

test('Makefile recipes continued with a backslash and tabs are one command', () => {
  const mk = `secrets:\n\tkubectl create secret generic db \\\n\t\t--from-literal=password=${CANARY} \\\n\t\t--dry-run=client -o yaml | kubectl apply -f -\n`;
  assert.deepEqual(got('Makefile', mk), [finding(mk, '--from-literal')]);
  assert.deepEqual(got('Makefile', mk.replace(CANARY, '$(DB_PASSWORD)')), []);
  assert.deepEqual(got('Makefile', mk.replace(CANARY, '$$DB_PASSWORD')), []);
});

test('a value kubectl reads from stdin or a process substitution the command line writes is a literal too', () => {
  for (const line of [
    `echo -n '${CANARY}' | kubectl create secret generic db --from-file=password=/dev/stdin`,
    `printf '%s' "${CANARY}" | kubectl create secret generic db --from-file=password=/dev/stdin`,
    `kubectl create secret generic db --from-file=password=/dev/stdin <<< '${CANARY}'`,
    `kubectl create secret generic db --from-file=password=<(echo -n ${CANARY})`,
    `kubectl create secret generic db --from-env-file=<(echo "PASSWORD=${CANARY}")`,
  ]) assert.deepEqual(got('s.sh', line + '\n'), [finding(line, '--from-')], line);
  // Computed, or not kubectl's input.
  for (const line of [
    `echo -n "$PW" | kubectl create secret generic db --from-file=password=/dev/stdin`,
    `vault kv get -field=pw secret/db | kubectl create secret generic db --from-file=password=/dev/stdin`,
    `kubectl create secret generic db --from-file=password=<(vault kv get -field=pw secret/db)`,
    `kubectl create secret generic db --from-env-file=<(echo "PASSWORD=$PW")`,
    `echo -n '${CANARY}' | base64`,
    `echo -n '${CANARY}' > pw.txt; kubectl create secret generic db --from-file=password=pw.txt`,
    `echo -n 'changeme' | kubectl create secret generic db --from-file=password=/dev/stdin`,
  ]) assert.deepEqual(got('s.sh', line + '\n'), [], line);
});

test('an argv in program code: Go exec.Command, Python subprocess, Node spawn', () => {
  const go = `cmd := exec.Command("kubectl", "create", "secret", "generic", "db",\n\t"--from-literal=password=${CANARY}")\n`;
  assert.deepEqual(got('deploy.go', go), [finding(go, '"--from-literal')]);
  const py = `subprocess.run(["kubectl", "create", "secret", "generic", "db", "--from-literal=password=${CANARY}"], check=True)\n`;
  assert.deepEqual(got('deploy.py', py), [finding(py, '"--from-literal')]);
  const js = `spawnSync('kubectl', ['create', 'secret', 'generic', 'db', '--from-literal=password=${CANARY}'])\n`;
  assert.deepEqual(got('deploy.js', js), [finding(js, "'--from-literal")]);
  // Computed in the program: no finding.
  assert.deepEqual(got('deploy.go', `exec.Command("kubectl", "create", "secret", "generic", "db", "--from-literal=password="+pw)\n`), []);
  assert.deepEqual(got('deploy.py', `subprocess.run(["kubectl", "create", "secret", "generic", "db", f"--from-literal=password={pw}"])\n`), []);
  // A shell substitution is a shell line, read once.
  const sub = `X=$(kubectl create secret generic db --from-literal=password=${CANARY} --dry-run=client -o yaml)\n`;
  assert.deepEqual(got('s.sh', sub), [finding(sub, '--from-literal')]);
});
