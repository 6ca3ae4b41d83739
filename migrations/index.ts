import { InitialSchema1764000000000 } from './1764000000000-InitialSchema';

/** Every migration, in the order it must run. New migrations are appended here. */
export const MIGRATIONS = [InitialSchema1764000000000];
