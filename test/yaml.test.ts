/** The manifest YAML writer: whatever it writes, a YAML parser reads back as the same value. */
import fc from 'fast-check';
import * as yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { toYamlDocument } from '../lib/yaml';

const roundTrip = (v: unknown): unknown => yaml.load(toYamlDocument(v));
const viaJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

describe('toYamlDocument', () => {
  it('writes Kubernetes-looking values readably', () => {
    expect(
      toYamlDocument({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'x', labels: { 'app.kubernetes.io/name': 'web' } },
        data: { cpu: '50', on: 'yes', empty: '', script: 'if a then\n  return b\nend\n' },
        list: [{ a: 1 }, [], {}],
      }),
    ).toBe(
      [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: x',
        '  labels:',
        '    app.kubernetes.io/name: web',
        'data:',
        '  cpu: "50"',
        '  "on": "yes"',
        '  empty: ""',
        '  script: |',
        '    if a then',
        '      return b',
        '    end',
        'list:',
        '  - a: 1',
        '  - []',
        '  - {}',
        '',
      ].join('\n'),
    );
  });

  it('round-trips strings that look like other YAML types', () => {
    for (const s of ['true', 'No', 'null', '~', '1e3', '0x1F', '012', '.inf', '2001-12-14', '- a', 'a: b', 'a #b', '#c', '@x', '*x', '&x', '!x', '%x', '|', '>', '"q"', "'q'", '[a]', '{a}', ' lead', 'trail ', 'tab\tin', 'multi\nline', 'multi\nline\n', 'two\n\n', '\nlead', ' x\ny', 'x \ny', 'cr\r\nlf', '\u0007bell', 'ünïcödé', '']) {
      expect(roundTrip({ s }), JSON.stringify(s)).toEqual({ s });
    }
  });

  it('round-trips any JSON value (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (v) => {
        expect(roundTrip(v)).toEqual(viaJson(v));
      }),
      { numRuns: 500 },
    );
  });
});
