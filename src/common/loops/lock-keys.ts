/** pg advisory-lock keys, one per singleton background pass. Keep them unique. */
export const LockKeys = {
  livenessSweep: 7_240_101,
  activityRetention: 7_240_102,
  eventSpillPrune: 7_240_103,
} as const;
