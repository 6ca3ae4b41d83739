import type { RequestHandler } from 'express';
import { DatabaseOutage } from '../../database/database-outage';

/** Gives each request its own memory of database outages (read by the error filter). */
export const databaseOutageScope: RequestHandler = (_req, res, next) =>
  DatabaseOutage.scope((answered) => {
    res.once('close', answered);
    next();
  });
