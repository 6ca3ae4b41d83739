/** What an agent may self-report (spec 03 §5.2); `delegation` rows are written internally only. */
export const REPORTABLE_ACTIVITY_TYPES: readonly string[] = [
  'a2a_send',
  'a2a_receive',
  'task_update',
  'agent_log',
  'skill_promotion',
  'memory_write',
  'error',
];

export const INVALID_ACTIVITY_TYPE = `invalid activity_type, must be one of: ${REPORTABLE_ACTIVITY_TYPES.join(', ')}`;
