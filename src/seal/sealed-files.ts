// Reading sealed files: every SealedSecret document, with where it came from.
import {InputError} from '../errors.js';
import {readManifestFile} from '../io/input.js';
import {parseManifests, type SourcedObject} from '../manifests/parse.js';
import {schemeOf} from './sealed-object.js';

export function readSealedFile(file: string, opts: {allowOther?: boolean} = {}): {text: string; docs: SourcedObject[]} {
  const text = readManifestFile(file, 'sealed file');
  const all = parseManifests(text, file);
  const docs = all.filter((d) => schemeOf(d.object));
  if (!opts.allowOther) {
    const other = all.find((d) => !schemeOf(d.object));
    if (other) throw new InputError(`${file}:${other.line}: ${other.object.kind ?? 'object'} ${other.object.metadata?.name ?? ''} is not a SealedSecret`, 'pass files produced by `kubectl secret seal` or kubeseal');
  }
  if (docs.length === 0) throw new InputError(`${file}: no SealedSecret found`, 'pass a file produced by `kubectl secret seal` or kubeseal');
  return {text, docs};
}
