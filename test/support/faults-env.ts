// `npm run test:faults`: the generated-input suites draw 10× the inputs of `npm test`.
process.env.HOSTILE_RUNS ??= '1000';
process.env.OPENAPI_FUZZ_RUNS ??= '200';
