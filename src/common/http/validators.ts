import { applyDecorators } from '@nestjs/common';
import { IsInt, Max, Min, registerDecorator, ValidationOptions } from 'class-validator';

function recordOf(
  name: string,
  isValue: (v: unknown) => boolean,
  options?: ValidationOptions,
): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          Object.values(value).every(isValue),
      },
    });
}

/** An object whose every value is a string (e.g. `{"API_KEY": "..."}`). */
export function IsStringRecord(options?: ValidationOptions): PropertyDecorator {
  return recordOf('isStringRecord', (v) => typeof v === 'string', options);
}

/** An object whose every value is a boolean (e.g. capability flags). */
export function IsBooleanRecord(options?: ValidationOptions): PropertyDecorator {
  return recordOf('isBooleanRecord', (v) => typeof v === 'boolean', options);
}

/** The key must be present; JSON `null` is an acceptable value. */
export function IsPresent(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isPresent',
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: { validate: (value: unknown) => value !== undefined },
    });
}

/**
 * A JSON integer that fits a PostgreSQL INTEGER column. `IsInt` alone passes 1e300 (it is an
 * integer), and the write then fails: a value that cannot be stored is a bad payload (400),
 * never a failed statement (500).
 */
export function IsInt32(options?: ValidationOptions): PropertyDecorator {
  return applyDecorators(IsInt(options), Min(-(2 ** 31), options), Max(2 ** 31 - 1, options));
}

/** A JSON integer JavaScript holds exactly (BIGINT columns: cents, byte counts). */
export function IsSafeInt(options?: ValidationOptions): PropertyDecorator {
  return applyDecorators(
    IsInt(options),
    Min(Number.MIN_SAFE_INTEGER, options),
    Max(Number.MAX_SAFE_INTEGER, options),
  );
}
