/**
 * The name of every background loop: its log context and its key on `/admin/liveness`. The
 * reference reported `scheduler` and `hibernation-monitor` (spec 01 §9); its other loops take
 * the names spec 02 §12, spec 04 §7 and spec 05 §3 give them; loops of our own are named in
 * the same style. Start every loop with a name from here, so operators' dashboards and alerts
 * see one vocabulary.
 */
export const LoopNames = {
  /** Cron schedules (spec 05 §3). */
  scheduler: 'scheduler',
  /** Idle workspaces hibernated (spec 02 §12.5, spec 04 §7.5). */
  hibernationMonitor: 'hibernation-monitor',
  /** Silent workspaces taken offline (spec 02 §12.1, spec 04 §7.3; a sweep here, no Redis). */
  livenessMonitor: 'liveness-monitor',
  /** Containers that died under an online workspace (spec 02 §12.3, spec 04 §7.2). */
  healthSweep: 'health-sweep',
  /** Workspaces stuck in provisioning failed (spec 02 §12.4, spec 04 §7.4). */
  provisionTimeoutSweep: 'provision-timeout-sweep',
  /** Containers, volumes and tokens nobody owns (spec 02 §12.6, spec 04 §7.1). */
  orphanSweeper: 'orphan-sweeper',
  /** Registry digests polled, images refreshed (spec 04 §9, `IMAGE_AUTO_REFRESH`). */
  imageWatcher: 'image-watcher',
  /** Old activity rows deleted (spec 03 §5.6). */
  activityRetention: 'activity-retention',
  /** Pending approvals past their deadline denied (spec 08). */
  approvalsExpiry: 'approvals-expiry',
  /** Workspaces driven towards their desired state. */
  reconcile: 'reconcile',
  /** Queued A2A messages past their expiry dropped. */
  a2aQueueExpiry: 'a2a-queue-expiry',
  /** Event envelopes spilled past the NOTIFY limit pruned. */
  eventSpillPrune: 'event-spill-prune',
  /** `active_tasks` of workspaces busy without any activity zeroed (spec 05 §3.8). */
  phantomBusySweep: 'phantom-busy-sweep',
} as const;

export type LoopName = (typeof LoopNames)[keyof typeof LoopNames];
