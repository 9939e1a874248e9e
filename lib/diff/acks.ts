/**
 * Acknowledgements of platform-label changes: `acknowledgements.yaml` at the repository root, owned
 * by the platform team (CODEOWNERS). A tenant's team approves its own file, so moving it to another
 * team or lowering its compliance tier (which budget, audit level and placement follow) needs the
 * platform team's word too: the diff's flag for such a change blocks until an entry here matches it
 * (docs/gitops.md "Platform labels and acknowledgements").
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { at, ErrorList, isPlainObject, ValidationError } from '../validation';

/** The acknowledgements file, relative to the repository root; read from the working tree. */
export const ACKS_FILE = 'acknowledgements.yaml';

/** One acknowledged label change: `from`/`to` are the label's values, null when it is absent. */
export interface LabelAck {
  readonly tenant: string;
  readonly label: string;
  readonly from: string | null;
  readonly to: string | null;
  /** Why the platform team accepts the change; shown on the flag. */
  readonly reason: string;
}

const ACK_FIELDS = ['tenant', 'label', 'from', 'to', 'reason'] as const satisfies readonly (keyof LabelAck)[];

/** The entries of an acknowledgements file; throws ValidationError with every problem at once. */
export function parseAcks(text: string): LabelAck[] {
  const errs = new ErrorList(ACKS_FILE);
  let doc: unknown;
  try {
    doc = yaml.load(text);
  } catch (err) {
    errs.invalid('(file)', ACKS_FILE, `not YAML: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    throw new ValidationError(errs.errors);
  }
  // A file of comments only is an empty list.
  if (doc === undefined || doc === null) return [];
  if (!Array.isArray(doc)) {
    errs.invalid('(file)', ACKS_FILE, 'must be a list of { tenant, label, from, to, reason } entries (docs/gitops.md)');
    throw new ValidationError(errs.errors);
  }
  const out: LabelAck[] = [];
  (doc as unknown[]).forEach((e, i) => {
    const p = at.index('', i);
    if (!isPlainObject(e)) {
      errs.invalid(p, e, 'must be an entry { tenant, label, from, to, reason }');
      return;
    }
    const before = errs.errors.length;
    for (const k of Object.keys(e)) {
      if (!(ACK_FIELDS as readonly string[]).includes(k)) errs.add(at.field(p, k), 'Unsupported value', k, `unknown field; supported fields: ${ACK_FIELDS.join(', ')}`);
    }
    for (const k of ['tenant', 'label', 'reason'] as const) {
      const v = e[k];
      if (typeof v !== 'string' || v.trim() === '') errs.required(at.field(p, k), k === 'reason' ? 'why the platform team accepts the change, e.g. "PCI scope moved to payments (TICKET-123)"' : `the ${k} the change is about`);
    }
    for (const k of ['from', 'to'] as const) {
      const v = e[k];
      if (v === undefined) errs.required(at.field(p, k), `the label's value ${k === 'from' ? 'before' : 'after'} the change, or null when it is absent`);
      else if (v !== null && typeof v !== 'string') errs.invalid(at.field(p, k), v, 'a label value (quote it), or null when the label is absent');
    }
    if (errs.errors.length === before) {
      out.push({ tenant: e.tenant as string, label: e.label as string, from: e.from as string | null, to: e.to as string | null, reason: (e.reason as string).trim() });
    }
  });
  if (errs.errors.length > 0) throw new ValidationError(errs.errors);
  return out;
}

/** The working tree's acknowledgements; none without the file. */
export function readAcks(root: string): LabelAck[] {
  const file = path.join(root, ACKS_FILE);
  return fs.existsSync(file) ? parseAcks(fs.readFileSync(file, 'utf8')) : [];
}
