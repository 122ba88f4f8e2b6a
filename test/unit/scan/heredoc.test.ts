// A Secret written in a shell here-document (`cat <<EOF | kubectl apply -f -` … `EOF`) is
// applied as written: its values are in git in a script, a Makefile, a CI step or a README's
// shell block just as in a manifest file. The body is read as the shell hands it to kubectl:
// `<<-` strips leading tabs, and with an unquoted delimiter the shell's expansions are computed
// values, not plaintext.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {scanText} from '../../../src/scan/scan.js';

const CANARY = 'CANARY-c0ffee4242';
const got = (path: string, text: string) => scanText(path, text).findings.map((f) => `${f.rule}@${f.line}:${f.column}`);
const secret = (indent = '', value = CANARY) => ['apiVersion: v1', 'kind: Secret', 'metadata:', '  name: db', 'stringData:', `  password: ${value}`].map((l) => indent + l).join('\n') + '\n';

test('a Secret in a heredoc is a plaintext-secret at its key, in scripts of every shape', () => {
  // Line 8 holds `password:` in each.
  assert.deepEqual(got('deploy.sh', `#!/bin/sh\ncat <<EOF | kubectl apply -f -\n${secret()}EOF\n`), ['plaintext-secret@8:3']);
  assert.deepEqual(got('deploy.sh', `#!/bin/sh\nkubectl apply -f - <<'EOF'\n${secret()}EOF\necho done\n`), ['plaintext-secret@8:3']);
  assert.deepEqual(got('deploy.bash', `#!/bin/bash\nkubectl apply -f - << "END_OF_SECRET"\n${secret()}END_OF_SECRET\n`), ['plaintext-secret@8:3']);
  assert.deepEqual(got('deploy.sh', `#!/bin/sh\nkubectl create -f- <<\\EOF\n${secret()}EOF\n`), ['plaintext-secret@8:3']);
  // <<- strips leading tabs (a heredoc inside a function or an if).
  assert.deepEqual(got('deploy.sh', `apply() {\n\tkubectl apply -f - <<-'EOF'\n${secret('\t')}\tEOF\n}\n`), ['plaintext-secret@8:4']);
  // data, base64-encoded; a JSON Secret.
  const b64 = Buffer.from(CANARY).toString('base64');
  assert.deepEqual(got('deploy.sh', `#!/bin/sh\ncat <<EOF > s.yaml\n${secret('', b64).replace('stringData', 'data')}EOF\n`), ['plaintext-secret@8:3']);
  const json = `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"db"},"stringData":{"password":"${CANARY}"}}`;
  assert.deepEqual(got('deploy.sh', `kubectl apply -f - <<EOF\n${json}\nEOF\n`), [`plaintext-secret@2:${json.indexOf('"password"') + 1}`]);
});

test('heredocs in Makefiles, CI steps and Markdown shell blocks', () => {
  const mk = `.ONESHELL:\nsecrets:\n\tkubectl apply -f - <<EOF\n${secret('\t')}\tEOF\n`;
  assert.deepEqual(got('Makefile', mk), ['plaintext-secret@9:4']);
  const gha = `jobs:\n  d:\n    steps:\n      - run: |\n          cat <<EOF | kubectl apply -f -\n${secret('          ')}          EOF\n`;
  assert.deepEqual(got('.github/workflows/d.yml', gha), ['plaintext-secret@11:13']);
  const gitlab = `deploy:\n  script:\n    - |\n      kubectl apply -f - <<'EOF'\n${secret('      ')}      EOF\n`;
  assert.deepEqual(got('.gitlab-ci.yml', gitlab), ['plaintext-secret@10:9']);
  for (const lang of ['bash', 'sh', 'shell', 'console', 'zsh', '']) {
    assert.deepEqual(got('README.md', `# Setup\n\n\`\`\`${lang}\ncat <<EOF | kubectl apply -f -\n${secret()}EOF\n\`\`\`\n`), ['plaintext-secret@10:3'], lang);
  }
  // A console transcript: the shell's `> ` prompt before each line of the heredoc.
  assert.deepEqual(got('docs/x.md', `\`\`\`console\n$ cat <<EOF | kubectl apply -f -\n${secret('> ')}> EOF\nsecret/db created\n\`\`\`\n`), ['plaintext-secret@8:5']);
});

test('what the shell computes, placeholders and other kinds in a heredoc are not findings', () => {
  for (const v of ['${DB_PASSWORD}', '$DB_PASSWORD', '"$DB_PASSWORD"', '$(cat pw.txt)', '$(echo -n "$PW" | base64)', '`cat pw`', 'changeme', '<password>']) {
    assert.deepEqual(got('deploy.sh', `cat <<EOF | kubectl apply -f -\n${secret('', v)}EOF\n`), [], v);
  }
  assert.deepEqual(got('deploy.sh', `cat <<EOF | kubectl apply -f -\n${secret().replace('kind: Secret', 'kind: ConfigMap')}EOF\n`), []);
  // echo … | base64 alone is no Secret.
  assert.deepEqual(got('deploy.sh', `PW=$(echo -n 'hunter2-${CANARY}' | base64)\nkubectl apply -f secret.yaml\n`), []);
  // A heredoc that is not YAML is not read as one.
  assert.deepEqual(got('deploy.sh', `cat <<EOF\nkind: Secret is what we make; stringData: below\nEOF\n`), []);
  // Prose in Markdown is not a script.
  assert.deepEqual(got('README.md', `Run cat <<EOF\n${secret()}EOF\n`), []);
});

test('a manifest given to kubectl as a shell string: echo or printf of a quoted string, a PowerShell here-string', () => {
  const lines = secret().trimEnd().split('\n');
  // A single-quoted string over several lines: line 6 holds `password:`.
  assert.deepEqual(got('apply.sh', `#!/bin/sh\necho '${lines.join('\n')}' | kubectl apply -f -\n`), ['plaintext-secret@7:3']);
  assert.deepEqual(got('apply.sh', `kubectl apply -f - <<< "${lines.join('\n')}"\n`), ['plaintext-secret@6:3']);
  // printf with \n escapes on one line: at the string.
  assert.deepEqual(got('apply.sh', `printf '${lines.join('\\n')}\\n' | kubectl apply -f -\n`), ['plaintext-secret@1:8']);
  assert.deepEqual(got('apply.sh', `echo -e "${lines.join('\\n')}" | kubectl apply -f -\n`), ['plaintext-secret@1:9']);
  // PowerShell here-strings, in a script and a pwsh block.
  const ps = `@"\n${secret()}"@ | kubectl apply -f -\n`;
  assert.deepEqual(got('apply.ps1', ps), ['plaintext-secret@7:3']);
  assert.deepEqual(got('apply.ps1', ps.replace(/"/g, "'")), ['plaintext-secret@7:3']);
  assert.deepEqual(got('README.md', `\`\`\`pwsh\n${ps}\`\`\`\n`), ['plaintext-secret@8:3']);
  // Computed values are not plaintext.
  assert.deepEqual(got('apply.sh', `echo "${lines.join('\n').replace(CANARY, '$DB_PASSWORD')}" | kubectl apply -f -\n`), []);
  assert.deepEqual(got('apply.sh', `printf '${lines.join('\\n').replace(CANARY, '%s')}\\n' "$PW" | kubectl apply -f -\n`), []);
  assert.deepEqual(got('apply.ps1', ps.replace(CANARY, '$env:DB_PASSWORD')), []);
  // Strings that are not a manifest, or not given to a command as data, are not read as one.
  assert.deepEqual(got('apply.sh', `echo 'made kind: Secret from stringData: ok' \n`), []);
});
