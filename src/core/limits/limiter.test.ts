import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manualClock } from '../clock.ts';
import { attempt, createLimiter, succeed, type LimitRule } from './limiter.ts';
import { addressNetwork, createLoginLimits, loginKeys, LOGIN_NAME_RULE } from './login.ts';

const RULE: LimitRule = {
  freeFailures: 3,
  baseDelaySeconds: 2,
  maxDelaySeconds: 60,
  forgetAfterSeconds: 600,
  capacity: 100,
  onSuccess: 'reset',
};

test('allows the free failures, then doubles the wait up to the cap', () => {
  const clock = manualClock();
  const limiter = createLimiter(RULE, clock);
  const keys = [{ limiter, key: 'ada' }];
  for (let i = 0; i < 3; i++) assert.equal(attempt(keys).allowed, true);
  const waits: number[] = [];
  for (let i = 0; i < 7; i++) {
    const refused = attempt(keys);
    assert.equal(refused.allowed, false);
    waits.push(refused.retryAfterSeconds);
    clock.advance(refused.retryAfterSeconds * 1000);
    assert.equal(attempt(keys).allowed, true);
  }
  assert.deepEqual(waits, [2, 4, 8, 16, 32, 60, 60]);
});

test('a refused attempt counts nothing, and a key is forgotten after its quiet time', () => {
  const clock = manualClock();
  const limiter = createLimiter(RULE, clock);
  const keys = [{ limiter, key: 'ada' }];
  for (let i = 0; i < 3; i++) attempt(keys);
  for (let i = 0; i < 100; i++) assert.equal(attempt(keys).allowed, false);
  assert.equal(attempt(keys).retryAfterSeconds, 2);
  clock.advance(600_000);
  for (let i = 0; i < 3; i++) assert.equal(attempt(keys).allowed, true);
});

test('a reset rule forgets the key on success; a refund rule takes back one failure', () => {
  const clock = manualClock();
  const name = createLimiter(RULE, clock);
  const address = createLimiter({ ...RULE, onSuccess: 'refund' }, clock);
  const keys = [
    { limiter: name, key: 'ada' },
    { limiter: address, key: '192.0.2.1' },
  ];
  attempt(keys);
  attempt(keys);
  const passed = attempt(keys);
  assert.deepEqual(
    passed.lockedOut.map((entry) => entry.limiter),
    [name, address],
  );
  succeed(keys);
  assert.equal(name.check('ada').allowed, true);
  assert.equal(name.size, 0);
  // The address still holds two failures: one more is free, the next waits.
  assert.equal(attempt([{ limiter: address, key: '192.0.2.1' }]).allowed, true);
  assert.equal(address.check('192.0.2.1').allowed, false);
});

test('refuses a key when any of its limiters refuses, and then counts on none', () => {
  const clock = manualClock();
  const name = createLimiter(RULE, clock);
  const address = createLimiter(RULE, clock);
  for (let i = 0; i < 3; i++) attempt([{ limiter: address, key: '192.0.2.1' }]);
  const refused = attempt([
    { limiter: name, key: 'bob' },
    { limiter: address, key: '192.0.2.1' },
  ]);
  assert.equal(refused.allowed, false);
  assert.equal(name.size, 0);
});

test('memory stays bounded however many keys fail', () => {
  const clock = manualClock();
  const limiter = createLimiter(RULE, clock);
  for (let i = 0; i < 20_000; i++) limiter.recordFailure(`name-${i}-${'x'.repeat(i % 300)}`);
  assert.equal(limiter.size, RULE.capacity);
  const login = createLoginLimits(clock);
  for (let i = 0; i < 12_000; i++)
    attempt(loginKeys(login, `user${i}`, `10.0.${i >> 8}.${i & 255}`));
  assert.equal(login.name.size, LOGIN_NAME_RULE.capacity);
  assert.ok(login.address.size <= login.address.rule.capacity);
});

test('a flood of new keys does not clear the wait of a key under attack', () => {
  const clock = manualClock();
  const limiter = createLimiter(RULE, clock);
  const target = [{ limiter, key: 'ada' }];
  for (let i = 0; i < 3; i++) attempt(target);
  for (let i = 0; i < 10_001; i++) attempt([{ limiter, key: `spray${i}` }]);
  assert.equal(attempt(target).allowed, false);
  assert.equal(limiter.size, RULE.capacity);
});

test('an IPv6 address counts by its /64, IPv4-mapped as IPv4, loopback not at all', () => {
  assert.equal(addressNetwork('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
  assert.equal(addressNetwork('2001:db8:1:2:bbbb:cccc:dddd:eeee'), '2001:db8:1:2::/64');
  assert.equal(addressNetwork('2001:db8::'), '2001:db8:0:0::/64');
  assert.equal(addressNetwork('::ffff:192.0.2.7'), '192.0.2.7');
  assert.equal(addressNetwork('192.0.2.7'), '192.0.2.7');
  assert.equal(addressNetwork('127.0.0.1'), null);
  assert.equal(addressNetwork('::1'), null);
  assert.equal(addressNetwork('::ffff:127.0.0.1'), null);
  assert.equal(addressNetwork('not an address'), null);
});
