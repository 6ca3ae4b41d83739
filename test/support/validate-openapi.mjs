// Validates the OpenAPI document on stdin against the official OpenAPI 3 JSON schema (with
// @seriousme/openapi-schema-validator, which ships as ESM only — hence a process of its own,
// outside Jest's CommonJS module system). Prints `{"valid": bool, "errors": [...]}`.
import { Validator } from '@seriousme/openapi-schema-validator';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const validator = new Validator();
const result = await validator.validate(JSON.parse(Buffer.concat(chunks).toString('utf8')));
process.stdout.write(JSON.stringify({ valid: result.valid, errors: result.errors ?? [] }));
