import { Abstract, Logger, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mock, MockProxy } from 'jest-mock-extended';
import { ApiError } from '../../src/common/http/api-error';
import { LogContext } from '../../src/common/observability/log-context';

/** The status and body of the `ApiError` a call rejects with (fails the test otherwise). */
export async function apiFailure(promise: Promise<unknown>): Promise<[number, unknown]> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return [(error as ApiError).status, (error as ApiError).body];
}

/** Mutes Nest's logger for the current test file (restored after each test). */
export function quietLogs(): void {
  beforeEach(() => {
    for (const level of ['log', 'warn', 'error', 'debug'] as const) {
      jest.spyOn(Logger.prototype, level).mockImplementation(() => undefined);
    }
  });
  afterEach(() => jest.restoreAllMocks());
}

export interface UnitUnderTest<T> {
  readonly sut: T;
  /** The automatic mock that was injected for `token`. */
  mock<D>(token: Type<D> | Abstract<D>): MockProxy<D>;
}

/**
 * Builds `subject` with every dependency replaced by an automatic `jest-mock-extended` mock
 * (unless given in `provided`) — the subject plus its mocks, in one call.
 */
export async function createUnit<T>(
  subject: Type<T>,
  provided: readonly { provide: Type<unknown> | Abstract<unknown>; useValue: unknown }[] = [],
): Promise<UnitUnderTest<T>> {
  const mocks = new Map<unknown, MockProxy<unknown>>();
  const moduleRef = await Test.createTestingModule({ providers: [subject, ...provided] })
    .useMocker((token) => {
      const m = mock<object>();
      mocks.set(token, m);
      return m;
    })
    .compile();
  return {
    sut: moduleRef.get(subject),
    mock: <D>(token: Type<D> | Abstract<D>) => {
      const m = mocks.get(token);
      if (!m)
        throw new Error(
          `no automatic mock was created for ${String((token as { name?: string }).name)}`,
        );
      return m as MockProxy<D>;
    },
  };
}

/** A `LogContext` for unit tests: runs the work, tags nothing. */
export const PASS_THROUGH_LOG_CONTEXT = {
  provide: LogContext,
  useValue: {
    run: <T>(_id: string | undefined, work: () => T): T => work(),
    currentRequestId: (): string | undefined => undefined,
  },
};
