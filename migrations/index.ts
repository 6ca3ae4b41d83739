import { InitialSchema1764000000000 } from './1764000000000-InitialSchema';
import { ScheduleFiringState1765100000000 } from './1765100000000-ScheduleFiringState';
import { NativeSchedulerFlag1765100000001 } from './1765100000001-NativeSchedulerFlag';
import { OrgPluginAllowlist1765300000000 } from './1765300000000-OrgPluginAllowlist';

/** Every migration, in the order it must run. New migrations are appended here. */
export const MIGRATIONS = [
  InitialSchema1764000000000,
  ScheduleFiringState1765100000000,
  NativeSchedulerFlag1765100000001,
  OrgPluginAllowlist1765300000000,
];
