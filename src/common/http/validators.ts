import { registerDecorator, ValidationOptions } from 'class-validator';

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
