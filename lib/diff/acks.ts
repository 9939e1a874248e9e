/**
 * Acknowledgements of platform-label and owner changes: `acknowledgements.yaml` at the repository
 * root, owned by the platform team (CODEOWNERS). A tenant's team approves its own file, so moving it
 * to another team or lowering its compliance tier (which budget, audit level and placement follow),
 * or handing its Profile to another owner (which stops the Profile controller until the namespace is
 * re-keyed), needs the platform team's word too: the diff's flag for such a change blocks until an
 * entry here matches it (docs/gitops.md "Platform labels and acknowledgements", docs/identity.md).
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

/** One acknowledged owner change (Profile `spec.owner.name`, before and after). */
export interface OwnerAck {
  readonly tenant: string;
  readonly owner: { readonly from: string; readonly to: string };
  /** Why the platform team accepts the change; shown on the flag. */
  readonly reason: string;
}

/** An entry of the acknowledgements file. */
export type Ack = LabelAck | OwnerAck;

export const isOwnerAck = (k: Ack): k is OwnerAck => 'owner' in k;

const ACK_FIELDS = ['tenant', 'label', 'from', 'to', 'reason'] as const satisfies readonly (keyof LabelAck)[];
const OWNER_ACK_FIELDS = ['tenant', 'owner', 'reason'] as const satisfies readonly (keyof OwnerAck)[];

/** The entries of an acknowledgements file; throws ValidationError with every problem at once. */
export function parseAcks(text: string): Ack[] {
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
    errs.invalid('(file)', ACKS_FILE, 'must be a list of { tenant, label, from, to, reason } or { tenant, owner: { from, to }, reason } entries (docs/gitops.md)');
    throw new ValidationError(errs.errors);
  }
  const out: Ack[] = [];
  (doc as unknown[]).forEach((e, i) => {
    const p = at.index('', i);
    if (!isPlainObject(e)) {
      errs.invalid(p, e, 'must be an entry { tenant, label, from, to, reason }');
      return;
    }
    const before = errs.errors.length;
    if ('owner' in e) {
      const o = parseOwnerAck(errs, p, e);
      if (o && errs.errors.length === before) out.push(o);
      return;
    }
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

/** An owner entry `{ tenant, owner: { from, to }, reason }`; errors go to `errs`. */
function parseOwnerAck(errs: ErrorList, p: string, e: Record<string, unknown>): OwnerAck | undefined {
  for (const k of Object.keys(e)) {
    if (!(OWNER_ACK_FIELDS as readonly string[]).includes(k)) errs.add(at.field(p, k), 'Unsupported value', k, `unknown field of an owner acknowledgement; supported fields: ${OWNER_ACK_FIELDS.join(', ')}`);
  }
  for (const k of ['tenant', 'reason'] as const) {
    const v = e[k];
    if (typeof v !== 'string' || v.trim() === '') errs.required(at.field(p, k), k === 'reason' ? 'why the platform team accepts the new owner, e.g. "lead moved to platform team (TICKET-123)"' : 'the tenant whose owner changes');
  }
  const o = e.owner;
  if (!isPlainObject(o)) {
    errs.invalid(at.field(p, 'owner'), o, 'must be { from: <old owner>, to: <new owner> }, the Profile owners (identities) before and after');
    return undefined;
  }
  const ok: Record<'from' | 'to', string> = { from: '', to: '' };
  for (const k of Object.keys(o)) {
    if (k !== 'from' && k !== 'to') errs.add(at.field(at.field(p, 'owner'), k), 'Unsupported value', k, 'supported fields: from, to');
  }
  for (const k of ['from', 'to'] as const) {
    const v = o[k];
    if (typeof v !== 'string' || v === '') errs.required(at.field(at.field(p, 'owner'), k), `the owner's identity ${k === 'from' ? 'at the base' : 'in the change'} (e-mail or IdP subject, as the diff shows it)`);
    else ok[k] = v;
  }
  if (typeof e.tenant !== 'string' || typeof e.reason !== 'string') return undefined;
  return { tenant: e.tenant, owner: { from: ok.from, to: ok.to }, reason: e.reason.trim() };
}

/** The working tree's acknowledgements; none without the file. */
export function readAcks(root: string): Ack[] {
  const file = path.join(root, ACKS_FILE);
  return fs.existsSync(file) ? parseAcks(fs.readFileSync(file, 'utf8')) : [];
}
