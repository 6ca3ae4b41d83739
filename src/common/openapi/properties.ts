import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Every JSON type: what a schema says about a value stored and returned as given. */
const ANY_JSON = [
  { type: 'object' },
  { type: 'array', items: {} },
  { type: 'string' },
  { type: 'number' },
  { type: 'boolean' },
];

/** A DTO field that takes any JSON value (`null` too), kept as sent. */
export function ApiAnyJsonProperty(description: string, required = false): PropertyDecorator {
  return ApiProperty({ description, required, oneOf: ANY_JSON, nullable: true } as never);
}

/** An optional DTO field that may also be `null` (Go reads `null` as absent). */
export function ApiNullableProperty(
  type: typeof String | typeof Boolean | 'integer' | 'number',
  description?: string,
): PropertyDecorator {
  return ApiPropertyOptional({ type, nullable: true, description });
}
