/**
 * The capacity picture's renderers, one import for the command and the diff:
 *   renderText      `npm run capacity`: per flavor and resource, every allocation, totals, free, flags
 *   renderMarkdown  a PR comment: Mermaid chart (MERMAID_CHART, tested with MERMAID_VERSION) + tables
 *   renderMermaid   the chart's Mermaid source alone
 *   renderSvg       a standalone SVG, written as text (no browser needed)
 *   capacityChange  the lines the PR diff prints for what a PR changes
 * All take the CapacityReport that lib/capacity/build.ts makes from the model.
 */
export { renderText } from './text';
export { MERMAID_CHART, MERMAID_VERSION, renderMarkdown, renderMermaid } from './markdown';
export { renderSvg } from './svg';
export { capacityChange } from './change';
export { renderFleetSummaryMarkdown, renderFleetSummaryText } from './fleet';
