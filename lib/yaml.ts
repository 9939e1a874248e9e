/**
 * A YAML writer for Kubernetes manifests: block style, two-space indentation, keys in the order
 * given. Strings are plain only when they cannot be read back as anything but that string,
 * multi-line strings are literal blocks, everything else is a JSON string (valid YAML).
 * It exists because the general-purpose dumper was a third of synth time at thousands of tenants;
 * test/yaml.test.ts checks that js-yaml reads back exactly what was written.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

// Starts with a letter; then letters, digits and . _ / @ + - only. Such a string is never a
// number, a timestamp, an indicator or a comment, so only the YAML 1.1 keywords need quoting.
const PLAIN = /^[A-Za-z][A-Za-z0-9._/@+-]*$/;
const KEYWORDS = new Set(['true', 'false', 'yes', 'no', 'on', 'off', 'y', 'n', 'null', '~']);
// A literal block keeps every character, so its lines may not end in white space (editors strip
// it silently) or hold control characters other than tab; the first line may not start with white
// space (it sets the block's indentation).
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/;
const TRAILING_WS = /[ \t]$/;

function scalar(s: string): string {
  return PLAIN.test(s) && !KEYWORDS.has(s.toLowerCase()) ? s : JSON.stringify(s);
}

function literalBlock(s: string, indent: string): string | undefined {
  if (!s.includes('\n')) return undefined;
  const clip = s.endsWith('\n');
  const body = clip ? s.slice(0, -1) : s;
  if (body.endsWith('\n') || body === '' || /^[ \t]/.test(body)) return undefined;
  const lines = body.split('\n');
  if (lines.some((l) => CONTROL.test(l) || TRAILING_WS.test(l) || l.includes('\r'))) return undefined;
  return `${clip ? '|' : '|-'}\n${lines.map((l) => (l === '' ? '' : `${indent}${l}`)).join('\n')}`;
}

function value(v: Json, indent: string): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return literalBlock(v, indent) ?? scalar(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`cannot write ${v} to YAML`);
    return String(v);
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return '';
}

function writeNode(v: Json, indent: string, out: string[]): void {
  if (Array.isArray(v)) {
    for (const item of v) {
      if (item !== null && typeof item === 'object' && (Array.isArray(item) ? item.length > 0 : Object.keys(item).length > 0)) {
        // "- " then the first line of the nested block on the same line.
        const inner: string[] = [];
        writeNode(item, `${indent}  `, inner);
        out.push(`${indent}- ${inner[0]!.slice(indent.length + 2)}`, ...inner.slice(1));
      } else {
        out.push(`${indent}- ${inline(item, `${indent}  `)}`);
      }
    }
    return;
  }
  if (v !== null && typeof v === 'object') {
    for (const [k, child] of Object.entries(v)) {
      if (child === undefined) continue;
      const key = scalar(k);
      if (child !== null && typeof child === 'object' && (Array.isArray(child) ? child.length > 0 : Object.keys(child).length > 0)) {
        out.push(`${indent}${key}:`);
        writeNode(child, `${indent}  `, out);
      } else {
        out.push(`${indent}${key}: ${inline(child, `${indent}  `)}`);
      }
    }
    return;
  }
  out.push(`${indent}${inline(v, indent)}`);
}

function inline(v: Json, indent: string): string {
  if (Array.isArray(v)) return '[]';
  if (v !== null && typeof v === 'object') return '{}';
  return value(v, indent);
}

/** One YAML document (no leading `---`), ending with a newline. */
export function toYamlDocument(doc: unknown): string {
  const out: string[] = [];
  writeNode(doc as Json, '', out);
  // An empty map or list writes no lines as a block; say it inline.
  return out.length > 0 ? `${out.join('\n')}\n` : `${inline(doc as Json, '')}\n`;
}
