import type { RequestHandler } from 'express';

/**
 * Refuses a request whose target holds an encoded NUL (`%00`, in the path or the query): no
 * path parameter or query value of the contract can hold one, and PostgreSQL cannot store or
 * compare it (the reference answered 500 from the failed query). Runs before routing, so
 * every route, present and future, is covered. `%2500` is the text `%00` and passes.
 */
export const refuseNulInUrl: RequestHandler = (req, res, next) => {
  if (req.url.includes('%00')) {
    res.status(400).json({ error: 'invalid request URL' });
    return;
  }
  next();
};
