/**
 * The capacity picture's renderers on hand-made reports (test/support/capacity-reports.ts):
 * the text table, the Markdown with its Mermaid chart, the standalone SVG, and the PR change lines.
 * test/capacity-browser.test.ts renders the chart and the SVG in chromium.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { amount, guaranteedShare, scaleMax } from '../lib/capacity/format';
import { MERMAID_LABEL_MAX, chartLabel, chartLabels, mermaidLabel } from '../lib/capacity/markdown';
import { MERMAID_CHART, MERMAID_VERSION, capacityChange, renderMarkdown, renderMermaid, renderSvg, renderText } from '../lib/capacity/render';
import { SVG_LAYOUT } from '../lib/capacity/svg';
import type { CapacityReport } from '../lib/capacity/types';
import { baseReport, cell, headReport, hostileReport } from './support/capacity-reports';
import { ROOT } from './support/fixtures';

const GI = 2 ** 30;

describe('amounts', () => {
  it('bytes take the largest readable binary suffix; other units stay plain numbers', () => {
    expect(amount(4 * 2 ** 40, 'bytes')).toBe('4Ti');
    expect(amount(1280 * GI, 'bytes')).toBe('1.25Ti');
    expect(amount(512 * GI, 'bytes')).toBe('512Gi');
    expect(amount(-4 * GI, 'bytes')).toBe('-4Gi');
    expect(amount(1000, 'bytes')).toBe('1000');
    expect(amount(128.5, 'cores')).toBe('128.5');
    expect(amount(64, 'GPU')).toBe('64');
  });
});

describe('text', () => {
  const text = renderText(headReport());

  it('per flavor and resource: capacity, guaranteed with its share, free, and every allocation', () => {
    expect(text).toContain('a100-80gb nvidia.com/gpu (GPU)\n  capacity 64 GPU; guaranteed 60 GPU (93.8 % of capacity); free 4 GPU unallocated\n');
    const a100 = text.slice(text.indexOf('a100-80gb nvidia.com/gpu (GPU)'), text.indexOf('a100-80gb nvidia.com/mig'));
    const rows = a100.split('\n').map((l) => l.trim().split(/\s{2,}/));
    expect(rows).toContainEqual(['level', 'team', 'tenant', 'user', 'guaranteed', 'may borrow', 'maximum', 'lent']);
    // The team row: its tenants' and users' guarantees summed, its budget as maximum, their lent summed.
    expect(rows).toContainEqual(['team', 'fraud', '-', '-', '50', '0', '50', '10']);
    // The tenant: its shared part guaranteed; maximum = its whole nominal (users included) + may borrow.
    expect(rows).toContainEqual(['tenant', 'fraud', 'fraud-ml', '-', '34', '8', '58', '10']);
    expect(rows).toContainEqual(['user', 'fraud', 'fraud-ml', 'alice@example.com', '8', '0', '8', '0']);
    expect(rows).toContainEqual(['user', 'fraud', 'fraud-ml', 'bob@example.com', '8', '0', '8', '8']);
    expect(rows).toContainEqual(['total', '60']);
    expect(rows).toContainEqual(['capacity', '64']);
    expect(rows).toContainEqual(['free', '4']);
    expect(a100).toContain("  flag contended borrowing: the tenants' maxima add up to 74 GPU, more than the capacity of 64 GPU; not every borrower can reach its maximum at once, fair sharing decides who waits");
  });

  it('unlimited limits, units and both flags are spelled out', () => {
    expect(text).toMatch(/tenant\s+fraud\s+fraud-ml\s+-\s+28\s+unlimited\s+unlimited\s+0/);
    expect(text).toMatch(/tenant\s+fraud\s+fraud-ml\s+-\s+1\.25Ti\s+512Gi\s+2Ti\s+0/);
    expect(text).toContain('capacity 32 GPU; guaranteed 36 GPU (112.5 % of capacity); short by 4 GPU');
    expect(text).toContain('  flag overcommitted: 36 GPU guaranteed exceeds the capacity of 32 GPU by 4 GPU; not every guarantee can be honoured at once');
    expect(text).toContain("  flag contended borrowing: a tenant may borrow without limit, so the tenants' maxima exceed the capacity of 56 MIG slices;");
    expect(text).toContain('cpu memory (bytes)\n  capacity 4Ti; guaranteed 2.5Ti (62.5 % of capacity); free 1.5Ti unallocated\n');
  });

  it('numbers right-aligned: every amount column ends in the same place as its header', () => {
    const block = text.slice(text.indexOf('cpu cpu (cores)'), text.indexOf('cpu memory'));
    const lines = block.split('\n').filter((l) => /^\s+(level|team|tenant|user|total)\s/.test(l));
    const end = lines[0].indexOf('guaranteed') + 'guaranteed'.length;
    for (const l of lines.slice(1)) expect(l.slice(0, end), l).toMatch(/\d$/);
  });

  it('an empty report says there is no capacity', () => {
    expect(renderText({ cells: [] })).toBe('capacity: the platform declares no capacity (no flavors)\n');
  });
});

describe('Markdown and Mermaid', () => {
  const md = renderMarkdown(headReport());

  it(`targets ${MERMAID_CHART} (tested with Mermaid ${MERMAID_VERSION}): one bar per flavor x resource, values the guaranteed share`, () => {
    expect(renderMermaid(headReport())).toBe(
      [
        'xychart-beta horizontal',
        '    title "Guaranteed share of capacity per flavor and resource (percent)"',
        '    x-axis "flavor and resource" ["a100-80gb nvidia.com/gpu", "a100-80gb nvidia.com/mig-1g.10gb", "cpu cpu", "cpu memory", "h100-80gb nvidia.com/gpu", "t4-shared nvidia.com/gpu.shared"]',
        '    y-axis "percent of capacity guaranteed" 0 --> 120',
        '    bar [93.8, 87.5, 62.6, 62.5, 112.5, 56.3]',
      ].join('\n'),
    );
    expect(md).toContain(`\`\`\`mermaid\n${renderMermaid(headReport())}\n\`\`\`\n`);
  });

  it('flags first, then the chart, a table of amounts and who holds each cell', () => {
    expect(md.indexOf(':warning: **h100-80gb nvidia.com/gpu**: overcommitted')).toBeGreaterThan(0);
    expect(md.indexOf(':warning:')).toBeLessThan(md.indexOf('```mermaid'));
    expect(md).toContain('| h100-80gb | nvidia.com/gpu | 32 GPU | 36 GPU | 112.5 % | -4 GPU | overcommitted, contended-borrowing |');
    expect(md).toContain('| cpu | memory | 4Ti | 2.5Ti | 62.5 % | 1.5Ti | - |');
    expect(md).toContain('<details><summary>a100-80gb nvidia.com/gpu: who holds it</summary>');
    expect(md).toContain('| user | fraud | fraud-ml | alice@example.com | 8 | 0 | 8 | 0 |');
  });

  it('names are escaped: Markdown tables and HTML, Mermaid labels reduced to characters it reads verbatim', () => {
    const hostile = renderMarkdown(hostileReport());
    expect(hostile).toContain('| x&lt;y&gt;&"q\' | example.com/gpu\\|pipe |');
    expect(hostile).not.toContain('<y>');
    expect(renderMermaid(hostileReport())).toContain('["x_y___q_ example.com/gpu_pipe", "x_y___q_ example.com/gpu_pipe #2", "h100-sxm5-80gb-europ~dia.com/mig-3g.40gb"]');
    expect(chartLabel(hostileReport().cells[2])).toHaveLength(MERMAID_LABEL_MAX);
    // Labels that coincide once escaped or shortened stay apart (Mermaid would merge their bars).
    expect(chartLabels([{ flavor: 'a<b', resource: 'gpu' }, { flavor: 'a>b', resource: 'gpu' }, { flavor: 'a&b', resource: 'gpu' }])).toEqual(['a_b gpu', 'a_b gpu #2', 'a_b gpu #3']);
    // Past its axis (200 % at most) a bar stops at the end.
    expect(renderMermaid(hostileReport())).toContain('0 --> 200\n    bar [50, 75, 200]');
    expect(mermaidLabel('a "b" `c` <d>|e#f;g')).toBe('a _b_ _c_ _d__e_f_g');
  });

  it('the axis ends at 100 %, or past the most overcommitted cell (capped)', () => {
    expect(scaleMax(baseReport().cells)).toBe(120);
    expect(scaleMax([cell('a', 'r', 'GPU', 10, [])])).toBe(100);
    expect(scaleMax([cell('a', 'r', 'GPU', 1, [{ level: 'tenant', name: 't', team: 'x', guaranteed: 9 }])])).toBe(200);
  });
});

describe('SVG', () => {
  it('deterministic: the same report gives the same bytes', () => {
    expect(renderSvg(headReport())).toBe(renderSvg(headReport()));
  });

  it('one bar per flavor x resource, its length the guaranteed share of the track', () => {
    const svg = renderSvg(headReport());
    const bars = [...svg.matchAll(/<rect class="bar" x="(\d+)" y="[\d.]+" width="([\d.]+)"/g)];
    expect(bars).toHaveLength(headReport().cells.length);
    headReport().cells.forEach((c, i) => {
      expect(Number(bars[i][2])).toBeCloseTo((SVG_LAYOUT.track * guaranteedShare(c)) / 100, 2);
    });
    expect(svg).toContain('data-flavor="h100-80gb" data-resource="nvidia.com/gpu" data-unit="GPU" data-capacity="32" data-guaranteed="36" data-free="-4" data-share="112.5" data-flags="overcommitted contended-borrowing"');
    expect(svg).toContain('>36 GPU / 32 GPU, short 4 GPU [overcommitted, contended-borrowing]</text>');
  });

  it('every label is XML-escaped', () => {
    const svg = renderSvg(hostileReport());
    expect(svg).toContain('>x&lt;y&gt;&amp;&quot;q&apos; example.com/gpu|pipe</text>');
    expect(svg).toContain('data-flavor="x&lt;y&gt;&amp;&quot;q&apos;"');
    expect(svg).not.toMatch(/<y>|&"q/);
  });
});

describe('capacityChange (the PR diff)', () => {
  it('says what the PR takes and what remains unallocated, and names the new capacity', () => {
    expect(capacityChange(baseReport(), headReport())).toEqual([
      'a100-80gb nvidia.com/gpu: this PR takes 8 more GPU (tenant fraud-ml +8 GPU); 4 GPU remain unallocated of 64 GPU',
      't4-shared nvidia.com/gpu.shared: new capacity of 32 GPU shares; this PR guarantees 18 GPU shares of it; 14 GPU shares remain unallocated of 32 GPU shares',
    ]);
  });

  it('the reverse: released quota, removed capacity', () => {
    expect(capacityChange(headReport(), baseReport())).toEqual([
      'a100-80gb nvidia.com/gpu: this PR releases 8 GPU (tenant fraud-ml -8 GPU); 12 GPU remain unallocated of 64 GPU',
      't4-shared nvidia.com/gpu.shared: capacity removed (was 32 GPU shares, 18 GPU shares guaranteed)',
    ]);
  });

  it('quota moved between holders, bytes, users, capacity changes and flags raised or cleared', () => {
    const before: CapacityReport = {
      cells: [
        cell('cpu', 'memory', 'bytes', 1024 * GI, [
          { level: 'tenant', name: 'a', team: 't', guaranteed: 512 * GI },
          { level: 'user', name: 'alice@example.com', team: 't', tenant: 'a', guaranteed: 0 },
        ]),
        cell('h100', 'nvidia.com/gpu', 'GPU', 8, [{ level: 'tenant', name: 'a', team: 't', guaranteed: 10 }]),
      ],
    };
    const after: CapacityReport = {
      cells: [
        cell('cpu', 'memory', 'bytes', 1024 * GI, [
          { level: 'tenant', name: 'a', team: 't', guaranteed: 256 * GI },
          { level: 'user', name: 'alice@example.com', team: 't', tenant: 'a', guaranteed: 256 * GI },
        ]),
        cell('h100', 'nvidia.com/gpu', 'GPU', 16, [{ level: 'tenant', name: 'a', team: 't', guaranteed: 10 }]),
      ],
    };
    expect(capacityChange(before, after)).toEqual([
      'cpu memory: guaranteed quota moves: tenant a -256Gi, user a/alice@example.com +256Gi; 512Gi remain unallocated of 1Ti',
      'h100 nvidia.com/gpu: capacity 8 GPU -> 16 GPU; 6 GPU remain unallocated of 16 GPU; no longer overcommitted',
    ]);
    expect(capacityChange(after, before)[1]).toBe('h100 nvidia.com/gpu: capacity 16 GPU -> 8 GPU; overcommitted by 2 GPU (capacity 8 GPU); now overcommitted');
  });

  it('team budgets and limits: said when they change, not when they only follow the guarantees', () => {
    const before = headReport();
    const after = headReport();
    const a100 = after.cells[0];
    after.cells[0] = {
      ...a100,
      allocations: a100.allocations.map((a) =>
        a.level === 'team' && a.name === 'vision' ? { ...a, maximum: 24, mayBorrow: 14 } : a.level === 'tenant' && a.name === 'fraud-ml' ? { ...a, mayBorrow: null, maximum: null } : a,
      ),
    };
    expect(capacityChange(before, after)).toEqual([
      'a100-80gb nvidia.com/gpu: tenant fraud-ml may borrow 8 -> unlimited, tenant fraud-ml maximum 58 -> unlimited, team vision budget 16 -> 24; 4 GPU remain unallocated of 64 GPU',
    ]);
  });

  it('a PR that changes nothing prints nothing (property)', () => {
    const alloc = fc.record({
      level: fc.constantFrom('team' as const, 'tenant' as const, 'user' as const),
      name: fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/),
      team: fc.stringMatching(/^[a-z]{1,5}$/),
      guaranteed: fc.nat(100),
    });
    const report = fc
      .uniqueArray(fc.record({ flavor: fc.stringMatching(/^[a-z0-9-]{1,8}$/), resource: fc.constantFrom('cpu', 'memory', 'nvidia.com/gpu'), capacity: fc.nat(200), allocs: fc.array(alloc, { maxLength: 5 }) }), {
        selector: (c) => `${c.flavor} ${c.resource}`,
        maxLength: 6,
      })
      .map((cs): CapacityReport => ({ cells: cs.map((c) => cell(c.flavor, c.resource, c.resource === 'memory' ? 'bytes' : 'GPU', c.capacity, c.allocs)) }));
    fc.assert(
      fc.property(report, (r) => {
        expect(capacityChange(r, structuredClone(r))).toEqual([]);
        // and every renderer draws one bar per cell
        expect([...renderSvg(r).matchAll(/<rect class="bar"/g)]).toHaveLength(r.cells.length);
        const bar = /\n {4}bar \[(.*)\]$/.exec(renderMermaid(r));
        expect(bar?.[1] === '' ? 0 : bar?.[1].split(', ').length).toBe(r.cells.length);
      }),
    );
  });
});

describe('examples in docs/ (what a reviewer sees)', () => {
  // docs/capacity-example.md renders on GitHub as the PR comment would; docs/capacity-example.svg is
  // the standalone SVG. Both come from the fixture report; UPDATE_GOLDEN=1 rewrites them.
  const examples: [string, () => string][] = [
    [
      'docs/capacity-example.md',
      () =>
        [
          '# Capacity picture: example',
          '',
          'Generated from the hand-made report in `test/support/capacity-reports.ts` (`test/capacity-render.test.ts` keeps it current).',
          'The PR diff prints the change lines, then the comment below; the standalone SVG is [capacity-example.svg](capacity-example.svg).',
          '',
          '```text',
          ...capacityChange(baseReport(), headReport()),
          '```',
          '',
          renderMarkdown(headReport(), 2).trimEnd(),
          '',
          '![capacity](capacity-example.svg)',
          '',
        ].join('\n'),
    ],
    ['docs/capacity-example.svg', () => renderSvg(headReport())],
  ];
  it.each(examples)('%s is current', (file, make) => {
    const target = path.join(ROOT, file);
    if (process.env.UPDATE_GOLDEN === '1') fs.writeFileSync(target, make());
    expect(fs.readFileSync(target, 'utf8'), `${file} is stale: UPDATE_GOLDEN=1 npx vitest run test/capacity-render.test.ts`).toBe(make());
  });
});
