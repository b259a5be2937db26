/**
 * fast-check arbitraries of JSON values for the parsers' property tests (json-stream, json-bytes):
 * leaves and nested arrays and objects built from the strings a test finds nasty for its parser.
 */
import fc from 'fast-check';

export interface JsonArbitraries {
  /** A string, number, boolean or null. */
  leaf: fc.Arbitrary<unknown>;
  /** Any JSON value: leaves, arrays and objects nested a few levels. */
  value: fc.Arbitrary<unknown>;
}

/** JSON values whose strings (values and keys) come from `strings`; `width` bounds arrays and objects. */
export function jsonArbitraries(strings: fc.Arbitrary<string>, width = 4): JsonArbitraries {
  const leaf = fc.oneof(
    strings,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
  );
  const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.array(tie('value'), { maxLength: width }),
      fc.dictionary(strings, tie('value'), { maxKeys: width }),
    ),
  })).value;
  return { leaf, value };
}
