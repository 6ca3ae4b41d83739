import { truncateBytes } from '../../common/text/truncate';

/** Byte budgets of the delegation previews (spec 03 §4; `...` is appended when cut). */
const TASK_PREVIEW_BYTES = 100;
const SUMMARY_TEXT_BYTES = 80;
const EVENT_PREVIEW_BYTES = 200;
const LIST_PREVIEW_BYTES = 300;

export const QUEUED_SUMMARY = 'Delegation queued — target at capacity';
export const FAILED_SUMMARY = 'Delegation failed';

/** `summary` of a `delegate` row. */
export function delegatingSummary(targetId: string): string {
  return `Delegating to ${targetId}`;
}

/** `summary` of a completed `delegate_result` row. */
export function completedSummary(text: string): string {
  return `Delegation completed (${truncateBytes(text, SUMMARY_TEXT_BYTES)})`;
}

/** `task_preview` of DELEGATION_SENT. */
export function taskPreview(task: string): string {
  return truncateBytes(task, TASK_PREVIEW_BYTES);
}

/** `response_preview` of DELEGATION_COMPLETE. */
export function eventPreview(text: string): string {
  return truncateBytes(text, EVENT_PREVIEW_BYTES);
}

/** `response_preview` of a `GET /delegations` entry. */
export function listPreview(text: string): string {
  return truncateBytes(text, LIST_PREVIEW_BYTES);
}
