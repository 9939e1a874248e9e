/**
 * Review diff of two `dist/` trees, by concept: tree.ts (parsing, object/field diff, grouping),
 * risk.ts (the flags a reviewer must look at), report.ts (both together), render.ts (text and
 * Markdown). `import ... from '../lib/diff'` gets the public API.
 */
export type { DiffReport } from './report';
export { diffTrees } from './report';
export type { RenderOptions } from './render';
export { fieldLine, hasBlocking, renderMarkdown, renderText, showValue, TOOL_SECTION_TITLE } from './render';
export type { Ack, LabelAck, OwnerAck } from './acks';
export { ACKS_FILE, parseAcks, readAcks } from './acks';
export type { RiskContext, RiskFlag, RiskKind } from './risk';
export { describeIncrease, isGpuQuotaKey, ownerRekeySteps, RISK_KINDS } from './risk';
export type { ChangeStatus, FieldChange, GroupChange, ObjectChange } from './tree';
export { CLUSTER_GROUP, diffValues, groupOf, OTHER_GROUP } from './tree';
