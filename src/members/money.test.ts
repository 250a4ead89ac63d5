import assert from 'node:assert/strict';
import { test } from 'node:test';
import { centsToDecimal, parseAmount } from './money.ts';

test('reads amounts as people and German banks write them', () => {
  const cases: [string, number][] = [
    ['12,50', 1250],
    ['12.50', 1250],
    ['1.234,56', 123456],
    ['1,234.56', 123456],
    ['-5', -500],
    ['+5,00 €', 500],
    ['EUR 5.00', 500],
    ['12,50-', -1250],
    ['7,5', 750],
    ['1.000', 100000],
  ];
  for (const [text, cents] of cases) assert.equal(parseAmount(text), cents, text);
});

test('refuses what is not an amount', () => {
  for (const text of ['', 'abc', '1,2,3', '12.345.6', '1..2', '--5', '5,123'])
    assert.equal(parseAmount(text), null, text);
});

test('honours an explicit decimal mark', () => {
  assert.equal(parseAmount('1.234', ','), 123400);
  assert.equal(parseAmount('1.23', '.'), 123);
});

test('writes cents as a plain decimal', () => {
  assert.equal(centsToDecimal(123456), '1234.56');
  assert.equal(centsToDecimal(-5), '-0.05');
  assert.equal(centsToDecimal(0), '0.00');
});
