// unparseable-secret: a document that may hold Secret material (a Secret with data or
// stringData, a secretGenerator or SecretGenerator, private-key armour) but cannot be read in
// full. The rules cannot see inside it, so "nothing found" would be a guess; the scan fails
// closed and names the line and the reason instead. Files over --max-file-size and files that
// are not text (a NUL byte) reach the same verdict in run.ts, with the same rule id.
import {describeYamlError} from '../manifests/parse.js';
import {parseCost, splitDocuments} from './documents.js';
import {readTree} from './plain-yaml.js';
import {privateKey} from './private-key.js';
import type {RawFinding} from './rule.js';
import {parseChunk, type ParseCache} from './yaml-parse.js';

// Bounded whitespace keeps each test linear in the text however many `kind` words it holds.
const SECRET_KIND_RE = /kind\\?["']?[ \t]{0,16}:[ \t]{0,16}\\?["']?Secret\b/;
const SECRET_FIELDS_RE = /\b(?:data|stringData)\b/;
const GENERATOR_RE = /secretGenerator|kind\\?["']?[ \t]{0,16}:[ \t]{0,16}\\?["']?SecretGenerator\b/;
const ARMOUR_RE = /-----BEGIN [A-Z0-9 ]{0,64}PRIVATE KEY/;

export type Material = 'secret' | 'generator' | 'armour';

/** What Secret material `text` may hold, if any (cheap: regular expressions, no parse). */
export function secretMaterial(text: string): Material | undefined {
  if (SECRET_KIND_RE.test(text) && SECRET_FIELDS_RE.test(text)) return 'secret';
  if (GENERATOR_RE.test(text)) return 'generator';
  if (ARMOUR_RE.test(text)) return 'armour';
  return undefined;
}

export const MATERIAL_NAMES: Record<Material, string> = {
  secret: 'a Secret with data',
  generator: 'a secretGenerator',
  armour: 'private-key armour',
};

/**
 * A template that closes (`{{ … }}`, `{% … %}`, `{# … #}`, `${VAR…`): the tolerant reader reads those. A run
 * of `{` is no template, and must not excuse a document from being readable. Searches, not one
 * regular expression with a lazy middle, so the time stays linear.
 */
function closedTemplate(text: string): boolean {
  for (const [open, close] of [['{{', '}}'], ['{%', '%}'], ['{#', '#}']]) {
    const at = text.indexOf(open);
    if (at >= 0 && text.indexOf(close, at + 2) >= 0) return true;
  }
  // `${A:-x` with no `}` after it is no template (envsubst and Flux leave it as it is), as the
  // rules' exemption already says: such a document must still be readable.
  const m = /\$\{[A-Za-z_][A-Za-z0-9_]*(\}|:?[-=?+])/.exec(text);
  return m !== null && (m[1] === '}' || text.indexOf('}', m.index + m[0].length) >= 0);
}

/** `cache` keeps each parse for the manifest reader, which then reads the same chunks without a second parse. */
export function unparseableSecret(text: string, cache?: ParseCache, o: {exhaustive?: boolean} = {}): RawFinding[] {
  const out: RawFinding[] = [];
  for (const chunk of splitDocuments(text)) {
    const material = secretMaterial(chunk.text);
    // Templates are read by the tolerant reader, which does not need valid YAML.
    if (!material || closedTemplate(chunk.text)) continue;
    const cost = parseCost(chunk.text);
    if (cost) {
      out.push({rule: 'unparseable-secret', severity: 'high', line: chunk.startLine, column: 1, message: `${MATERIAL_NAMES[material]} in a document too complex to parse (${cost}), so its values could not be checked`});
      continue;
    }
    // Armour with a key body is already a private-key finding: the same leak, reported once,
    // whether the document parses or not (so asked first: a key file is rarely YAML).
    if (material === 'armour' && privateKey(chunk.text).length > 0) continue;
    // A plain block mapping or JSON is valid YAML without asking `yaml` (most Secrets in a
    // repository), and its tree is kept for the manifest reader.
    if (!o.exhaustive) {
      const doc = readTree(chunk.text);
      if (doc) {
        cache?.set(chunk.text, doc);
        continue;
      }
    }
    const failed = parseChunk(chunk.text, cache).docs.find((d) => d.errors.length > 0);
    if (!failed) continue;
    const e = failed.errors[0];
    out.push({
      rule: 'unparseable-secret',
      severity: 'high',
      line: chunk.startLine + lineOf(chunk.text, e.pos[0]) - 1,
      column: 1,
      message: `${MATERIAL_NAMES[material]} that is not valid YAML (${describeYamlError(e.message)}), so its values could not be checked`,
    });
  }
  return out;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
