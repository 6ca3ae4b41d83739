/** pg advisory-lock keys, one per serialised concern. Keep them unique. */
export const LockKeys = {
  /** Transaction-level: re-parenting is serialised so two moves cannot close a cycle. */
  hierarchy: 7_240_201,
  livenessSweep: 7_240_101,
  activityRetention: 7_240_102,
  eventSpillPrune: 7_240_103,
  phantomBusySweep: 7_242_001,
  /** Approvals denied after 10 minutes unanswered. */
  approvalExpiry: 7_243_000,
  orphanSweeper: 7_246_001,
  healthSweep: 7_246_002,
  provisionTimeoutSweep: 7_246_003,
  hibernationMonitor: 7_246_004,
  imageWatcher: 7_246_005,
} as const;
