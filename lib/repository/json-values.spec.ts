import { findJsonProblem, fromHashText, toHashText, type JsonValue } from './json-values.js';

describe('hash text of clear values', () => {
  it.each<JsonValue>([
    'A. Example',
    '',
    '42',
    ' 42',
    'true',
    'null',
    '"quoted"',
    '{not json',
    '[1,2]',
    '2024-01-01T00:00:00.000Z',
    'a\ud800b',
    42,
    -0.5,
    true,
    null,
    { a: [1, 'x'] },
    [],
  ])('reads %j back as it was written', (value) => {
    expect(fromHashText(toHashText(value))).toEqual(value);
  });

  it('stores ordinary strings as they are', () => {
    expect(toHashText('A. Example')).toBe('A. Example');
    expect(toHashText('a@example.test')).toBe('a@example.test');
  });
});

describe('findJsonProblem', () => {
  it('accepts plain JSON and absent properties', () => {
    expect(findJsonProblem({ a: [1, 'b', null, { c: true }], d: undefined })).toBeUndefined();
  });

  it.each([
    ['a Date', { when: new Date() }, ['when']],
    ['a Buffer', [Buffer.from('x')], [0]],
    ['NaN', { n: NaN }, ['n']],
    ['undefined in an array', [1, undefined], [1]],
    ['a class instance', { inner: new (class Address {})() }, ['inner']],
    ['a function', { f: () => 1 }, ['f']],
    ['a bigint', { b: 1n }, ['b']],
  ])('names the path of %s', (_name, value, path) => {
    expect(findJsonProblem(value)?.path).toEqual(path);
  });

  it('names a cycle', () => {
    const value: Record<string, unknown> = {};
    value.self = value;
    expect(findJsonProblem(value)?.problem).toContain('cycle');
  });
});
