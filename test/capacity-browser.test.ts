/**
 * The capacity picture in a real headless browser (Debian's chromium, driven by playwright-core):
 * the Mermaid chart of the PR comment rendered by the pinned Mermaid from node_modules on a local
 * page (no CDN: every request that leaves 127.0.0.1 is refused and counted), and our standalone SVG.
 * Values are read back from the rendered geometry, not from the source we wrote.
 * Screenshots are kept in test/artifacts/ (ignored by git): capacity-mermaid.png, capacity-svg.png.
 *
 * chromium missing: skipped with a loud reason outside CI, an error in CI (test/support/chromium.ts).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OVER_SCALE_MAX, cellLabel, guaranteedShare, scaleMax, withUnit } from '../lib/capacity/format';
import { chartLabels } from '../lib/capacity/markdown';
import { MERMAID_CHART, MERMAID_VERSION, renderMarkdown, renderSvg } from '../lib/capacity/render';
import type { CapacityReport } from '../lib/capacity/types';
import { baseReport, headReport, hostileReport } from './support/capacity-reports';
import { type ChromiumChoice, chromiumChoice, findChromium } from './support/chromium';
import { ROOT } from './support/fixtures';

/**
 * The few DOM members the in-page functions below use. tsconfig has no DOM lib on purpose (lib/
 * must not see browser globals), so they are declared here, for this module only.
 */
interface Box { left: number; right: number; top: number; width: number; height: number }
interface El {
  textContent: string | null;
  localName: string;
  getBoundingClientRect(): Box;
  querySelector(selector: string): El | null;
  querySelectorAll(selector: string): Iterable<El> & { length: number };
}
interface Img extends El { complete: boolean; naturalWidth: number; naturalHeight: number; addEventListener(type: 'load', f: () => void): void }
declare const document: El & { body: { dataset: Record<string, string | undefined> }; documentElement: El; getElementsByTagName(name: string): { length: number } };
declare const window: { renderError?: string };

const ARTIFACTS = path.join(ROOT, 'test/artifacts');

let choice: ChromiumChoice | undefined;
let ciError: unknown;
try {
  choice = chromiumChoice();
} catch (e) {
  ciError = e;
}
if (choice && !choice.run) console.warn(`\n!!! test/capacity-browser.test.ts ${choice.reason}\n`);

/** The ```mermaid block of the Markdown: the test renders exactly what the PR comment carries. */
function mermaidBlock(markdown: string): string {
  const m = /```mermaid\n([\s\S]*?)\n```/.exec(markdown);
  if (!m) throw new Error('no mermaid block in the Markdown');
  return m[1];
}

const html = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The page a reviewer's browser would build: Mermaid from node_modules renders the block. */
function mermaidPage(code: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>capacity</title>
<script src="/node_modules/mermaid/dist/mermaid.min.js"></script></head>
<body style="margin:0;background:#fff">
<pre id="source" style="display:none">${html(code)}</pre>
<div id="chart" style="width:700px"></div>
<script>
  (async () => {
    try {
      mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
      const { svg } = await mermaid.render('capacity', document.getElementById('source').textContent);
      document.getElementById('chart').innerHTML = svg;
      document.body.dataset.state = 'done';
    } catch (e) {
      window.renderError = String(e && e.message || e);
      document.body.dataset.state = 'error';
    }
  })();
</script></body></html>`;
}

/** A local server: the pages under test and node_modules/mermaid, nothing else. */
function serve(pages: Map<string, { type: string; body: string }>): Promise<http.Server> {
  const mermaidDist = path.join(ROOT, 'node_modules/mermaid/dist');
  const server = http.createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    const page = pages.get(url);
    if (page) {
      res.writeHead(200, { 'content-type': page.type });
      res.end(page.body);
      return;
    }
    if (url.startsWith('/node_modules/mermaid/dist/')) {
      const file = path.join(mermaidDist, url.slice('/node_modules/mermaid/dist/'.length));
      if (file.startsWith(mermaidDist) && fs.existsSync(file) && fs.statSync(file).isFile()) {
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(fs.readFileSync(file));
        return;
      }
    }
    res.writeHead(404);
    res.end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

interface MermaidReadback {
  state: string;
  error: string | null;
  errorNodes: number;
  labels: string[];
  /** Per bar: centre on the category axis, and where it ends on the value axis (px). */
  bars: { centre: number; start: number; end: number }[];
  labelCentres: number[];
  /** Value-axis ticks: number shown and position (px). */
  ticks: { value: number; at: number }[];
}

/** Reads the rendered horizontal xychart back from the page's SVG (screen geometry). */
async function readMermaid(page: Page): Promise<MermaidReadback> {
  return page.evaluate(() => {
    const svg = document.querySelector('#chart svg');
    const centreX = (e: El): number => {
      const r = e.getBoundingClientRect();
      return r.left + r.width / 2;
    };
    const centreY = (e: El): number => {
      const r = e.getBoundingClientRect();
      return r.top + r.height / 2;
    };
    const bars = [...(svg?.querySelectorAll('g.plot g[class^="bar-plot"] rect') ?? [])].map((r) => {
      const b = r.getBoundingClientRect();
      return { centre: b.top + b.height / 2, start: b.left, end: b.right };
    });
    const labelEls = [...(svg?.querySelectorAll('g.left-axis g.label text') ?? [])];
    const ticks = [...(svg?.querySelectorAll('g.top-axis g.label text, g.bottom-axis g.label text') ?? [])].map((t) => ({ value: Number(t.textContent), at: centreX(t) }));
    return {
      state: document.body.dataset.state ?? '',
      error: window.renderError ?? null,
      errorNodes: document.querySelectorAll('.error-text, .error-icon').length,
      labels: labelEls.map((t) => t.textContent ?? ''),
      labelCentres: labelEls.map(centreY),
      bars,
      ticks,
    };
  });
}

/** Value at a position on the value axis, from the first and last tick the chart drew. */
function valueAt(ticks: MermaidReadback['ticks'], x: number): number {
  const [a, b] = [ticks[0], ticks[ticks.length - 1]];
  return a.value + ((x - a.at) * (b.value - a.value)) / (b.at - a.at);
}

describe.skipIf(choice !== undefined && !choice.run)('capacity picture in headless chromium', () => {
  let browser: Browser;
  let server: http.Server;
  let base: string;
  const offsite: string[] = [];
  const consoleErrors: string[] = [];
  const pages = new Map<string, { type: string; body: string }>();
  const reports: Record<string, CapacityReport> = { head: headReport(), base: baseReport(), hostile: hostileReport() };

  beforeAll(async () => {
    if (ciError) throw ciError;
    if (!choice?.run) throw new Error('unreachable: skipped');
    for (const [name, report] of Object.entries(reports)) {
      pages.set(`/${name}-mermaid.html`, { type: 'text/html', body: mermaidPage(mermaidBlock(renderMarkdown(report))) });
      pages.set(`/${name}.svg`, { type: 'image/svg+xml', body: renderSvg(report) });
      pages.set(`/${name}-svg.html`, { type: 'text/html', body: `<!doctype html><html><body style="margin:0"><img src="/${name}.svg" alt="capacity"></body></html>` });
    }
    server = await serve(pages);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: choice.path, args: ['--no-sandbox', '--disable-gpu'] });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
  });

  async function open(url: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    // Offline: anything not served by the local server is refused and recorded.
    await page.route('**/*', (route) => {
      const u = route.request().url();
      if (u.startsWith(`${base}/`)) return route.continue();
      offsite.push(u);
      return route.abort();
    });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`${url}: ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleErrors.push(`${url}: ${e.message}`));
    await page.goto(`${base}${url}`);
    return page;
  }

  it(`serves the pinned Mermaid ${MERMAID_VERSION} from node_modules`, () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/mermaid/package.json'), 'utf8')) as { version: string };
    const devDeps = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies;
    expect(pkg.version).toBe(MERMAID_VERSION);
    expect(devDeps.mermaid).toBe(MERMAID_VERSION);
    expect(mermaidBlock(renderMarkdown(reports.head)).split('\n')[0]).toBe(MERMAID_CHART);
  });

  it.each(['head', 'base', 'hostile'])('%s: Mermaid renders the chart without errors; one bar per flavor x resource, labelled, values read back', async (name) => {
    const report = reports[name];
    const page = await open(`/${name}-mermaid.html`);
    await page.waitForFunction(() => document.body.dataset.state === 'done' || document.body.dataset.state === 'error', undefined, { timeout: 30_000 });
    const r = await readMermaid(page);
    expect(r.error).toBeNull();
    expect(r.state).toBe('done');
    expect(r.errorNodes).toBe(0);

    // Labels as the chart spells them: characters Mermaid reads verbatim, long ones shortened.
    const expected = chartLabels(report.cells);
    expect(r.bars).toHaveLength(report.cells.length);
    expect(r.labels).toEqual(expected);
    if (name === 'head') {
      // flavors x resources: every (flavor, resource) pair of the report, once.
      expect(new Set(r.labels).size).toBe(report.cells.length);
      expect(r.labels).toContain('a100-80gb nvidia.com/mig-1g.10gb');
      expect(r.labels).toContain('t4-shared nvidia.com/gpu.shared');
    }
    expect(r.ticks.length).toBeGreaterThan(1);
    report.cells.forEach((c, i) => {
      // Bar i sits on label i, and its end on the value axis is the cell's guaranteed share.
      const nearest = r.labelCentres.reduce((best, y, j) => (Math.abs(y - r.bars[i].centre) < Math.abs(r.labelCentres[best] - r.bars[i].centre) ? j : best), 0);
      expect(nearest, `${cellLabel(c)}: the bar's nearest label`).toBe(i);
      // The report's share of capacity, up to the axis end, read back within a pixel.
      const share = (100 * c.guaranteedTotal) / c.capacity;
      expect(guaranteedShare(c)).toBeCloseTo(share, 1);
      const [a, b] = [r.ticks[0], r.ticks[r.ticks.length - 1]];
      const perPx = (b.value - a.value) / (b.at - a.at);
      expect(Math.abs(valueAt(r.ticks, r.bars[i].end) - Math.min(share, scaleMax(report.cells))), cellLabel(c)).toBeLessThanOrEqual(Math.max(0.05, perPx / 2));
    });
    if (name === 'head') await page.locator('#chart svg').screenshot({ path: path.join(ARTIFACTS, 'capacity-mermaid.png') });
    await page.close();
  });

  it.each(['head', 'hostile'])('%s: our standalone SVG renders in chromium and its bars read back as the report', async (name) => {
    const report = reports[name];
    const page = await open(`/${name}.svg`);
    const r = await page.evaluate(() => {
      const root = document.documentElement;
      return {
        root: root.localName,
        parseErrors: document.getElementsByTagName('parsererror').length,
        width: root.getBoundingClientRect().width,
        cells: [...root.querySelectorAll('g.cell')].map((g) => {
          const bar = g.querySelector('rect.bar')?.getBoundingClientRect();
          const track = g.querySelector('rect.track')?.getBoundingClientRect();
          const label = g.querySelector('text.label');
          const value = g.querySelector('text.value');
          return {
            label: label?.textContent ?? '',
            labelRight: label?.getBoundingClientRect().right ?? 0,
            value: value?.textContent ?? '',
            valueBox: value ? { left: value.getBoundingClientRect().left, right: value.getBoundingClientRect().right } : null,
            bar: bar ? { left: bar.left, width: bar.width, centre: bar.top + bar.height / 2 } : null,
            track: track ? { left: track.left, width: track.width } : null,
          };
        }),
      };
    });
    expect(r.root).toBe('svg');
    expect(r.parseErrors).toBe(0);
    expect(r.cells.map((c) => c.label)).toEqual(report.cells.map(cellLabel));
    report.cells.forEach((c, i) => {
      const got = r.cells[i];
      expect(got.bar && got.track, cellLabel(c)).toBeTruthy();
      if (!got.bar || !got.track) return;
      expect(got.bar.left).toBeCloseTo(got.track.left, 1);
      // The track is the capacity: bar / track * capacity is the guaranteed total (0.1 % rounding),
      // up to the clipping point (OVER_SCALE_MAX), where the bar stops.
      const readBack = (got.bar.width / got.track.width) * c.capacity;
      const drawn = Math.min(c.guaranteedTotal, (c.capacity * OVER_SCALE_MAX) / 100);
      expect(Math.abs(readBack - drawn), cellLabel(c)).toBeLessThanOrEqual(c.capacity * 0.0006);
      // Laid out as rendered: label before the bar, value text after the track and bar, inside the picture.
      expect(got.labelRight, `${cellLabel(c)}: label overlaps the bar`).toBeLessThan(got.track.left);
      expect(got.valueBox?.left ?? 0, `${cellLabel(c)}: value overlaps the bar`).toBeGreaterThan(Math.max(got.track.left + got.track.width, got.bar.left + got.bar.width));
      expect(got.valueBox?.right ?? Infinity, `${cellLabel(c)}: value cut off`).toBeLessThanOrEqual(r.width);
      expect(got.value.startsWith(`${withUnit(c.guaranteedTotal, c.unit)} / ${withUnit(c.capacity, c.unit)}`), got.value).toBe(true);
    });
    await page.close();
    if (name === 'head') {
      // As docs show it: an <img> of the file (screenshots of a bare SVG document wait for fonts forever).
      const doc = await open(`/${name}-svg.html`);
      const size = await doc.evaluate(async () => {
        const img = document.querySelector('img') as Img | null;
        if (img && !img.complete) await new Promise<void>((r) => img.addEventListener('load', () => r()));
        return { width: img?.naturalWidth ?? 0, height: img?.naturalHeight ?? 0 };
      });
      expect(size.width).toBeGreaterThan(0);
      expect(size.height).toBeGreaterThan(0);
      await doc.locator('img').screenshot({ path: path.join(ARTIFACTS, 'capacity-svg.png') });
      await doc.close();
    }
  });

  it('kept the screenshots as PNG artifacts', () => {
    for (const f of ['capacity-mermaid.png', 'capacity-svg.png']) {
      const png = fs.readFileSync(path.join(ARTIFACTS, f));
      expect(png.subarray(1, 4).toString('latin1'), f).toBe('PNG');
      // IHDR width and height (bytes 16..23): a real image, not an empty page.
      expect(png.readUInt32BE(16), f).toBeGreaterThan(300);
      expect(png.readUInt32BE(20), f).toBeGreaterThan(100);
    }
  });

  it('loaded nothing from outside the local server, and the pages logged no errors', () => {
    expect(offsite).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});

describe('chromium for the browser test', () => {
  it('outside CI a missing chromium skips with the reason; in CI it is an error', () => {
    const env = { ...process.env, CHROMIUM_PATH: '/nonexistent/chromium' };
    expect(findChromium(env)).toBeUndefined();
    expect(chromiumChoice({ ...env, CI: '' })).toEqual({ run: false, reason: expect.stringMatching(/^SKIPPED: chromium not found, so the capacity picture was NOT checked in a browser; run `npm run setup:chromium`/) });
    expect(() => chromiumChoice({ ...env, CI: 'true' })).toThrow(/^chromium is missing in CI \(CI=true\): the capacity picture's browser test cannot be skipped there; run `npm run setup:chromium`/);
  });
});
