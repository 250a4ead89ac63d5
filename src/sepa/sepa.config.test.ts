import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { EXAMPLE_CONFIG } from '../../test/support/app.ts';
import { DIRECT_DEBIT_CONFIG, directDebitYaml } from '../../test/support/sepa.ts';
import { parseConfig } from '../core/config/load.ts';
import { bankDetailsDeclared } from './sepa.gate.ts';

function issuesOf(yaml: string): { path: string; message: string }[] {
  try {
    parseConfig(yaml, DIRECT_DEBIT_CONFIG);
  } catch (error) {
    return (error as { issues: { path: string; message: string }[] }).issues;
  }
  return [];
}

test('the direct debit example declares bank details; the Chaostreff example does not', async () => {
  assert.equal(
    bankDetailsDeclared(parseConfig(await directDebitYaml(), DIRECT_DEBIT_CONFIG)),
    true,
  );
  const chaostreff = parseConfig(await readFile(EXAMPLE_CONFIG, 'utf8'), EXAMPLE_CONFIG);
  assert.equal(bankDetailsDeclared(chaostreff), false);
});

test('mandates declared without members.directDebit are refused, and directDebit without the activity', async () => {
  const yaml = await directDebitYaml();
  const withoutSettings = yaml.replace(/ {2}directDebit:\n(?: {4}.*\n| *#.*\n)*/, '');
  assert.notEqual(withoutSettings, yaml);
  assert.ok(
    issuesOf(withoutSettings).some((issue) =>
      /members\.directDebit .* is missing/.test(issue.message),
    ),
  );
  const withoutActivity = yaml.replace(/table: sepa_mandates/, 'table: bank_accounts');
  assert.ok(
    issuesOf(withoutActivity).some(
      (issue) => issue.path === 'members.directDebit' && /sepa_mandates/.test(issue.message),
    ),
  );
});

test('a creditor identifier or club IBAN with wrong check digits is named', async () => {
  const yaml = (await directDebitYaml())
    .replace('DE98ZZZ09999999999', 'DE97ZZZ09999999999')
    .replace('DE89 3704 0044 0532 0130 00', 'DE88 3704 0044 0532 0130 00');
  const paths = issuesOf(yaml).map((issue) => issue.path);
  assert.ok(paths.includes('members.directDebit.creditorId'), paths.join());
  assert.ok(paths.includes('members.directDebit.iban'), paths.join());
});
