import { randomBytes } from 'node:crypto';
import { createUser } from '../auth/index.ts';
import { CLI_ACTOR } from '../core/audit/index.ts';
import type { Deps } from '../core/deps.ts';
import { addMonths, bookPayment, createMember, setFee } from '../members/index.ts';

/** A readable random password for printed first-start logins (20 characters, ~119 bits). */
export function generatePassword(): string {
  const alphabet = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(20);
  return Array.from(bytes, (byte) => alphabet[byte % alphabet.length]).join('');
}

/** First names of the fictional members (also the benches' registry). */
export const DEMO_FIRST_NAMES = [
  'Ada',
  'Alan',
  'Grace',
  'Linus',
  'Margaret',
  'Dennis',
  'Barbara',
  'Ken',
  'Radia',
  'Tim',
  'Hedy',
  'Claude',
  'Frances',
  'Whitfield',
  'Sophie',
  'Konrad',
  'Jutta',
  'Emil',
  'Käthe',
  'Jörg',
];
/** Last names of the fictional members (also the benches' registry). */
export const DEMO_LAST_NAMES = [
  'Lovelace',
  'Turing',
  'Hopper',
  'Torvalds',
  'Hamilton',
  'Ritchie',
  'Liskov',
  'Thompson',
  'Perlman',
  'Berners-Lee',
  'Lamarr',
  'Shannon',
  'Allen',
  'Diffie',
  'Wilson',
  'Zuse',
  'Müller',
  'Schäfer',
  'Weiß',
  'Öztürk',
];

/**
 * Fills the registry with fictional members (names of computing pioneers, example.org
 * addresses), each with a monthly fee and some payments, two of them in arrears and one former
 * member. For trying treff out; never run against a real club's database.
 */
export async function seedDemoMembers(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  count = 20,
): Promise<number> {
  const today = deps.clock.now().toISOString().slice(0, 10);
  for (let index = 0; index < count; index++) {
    const joinedOn = addMonths(today, -(3 + index * 2));
    const member = await createMember(deps, CLI_ACTOR, {
      memberNumber: String(index + 1),
      firstName: DEMO_FIRST_NAMES[index % DEMO_FIRST_NAMES.length] ?? 'Ada',
      lastName: DEMO_LAST_NAMES[index % DEMO_LAST_NAMES.length] ?? 'Lovelace',
      birthDate: `${1970 + (index % 30)}-0${1 + (index % 9)}-1${index % 10}`,
      street: `Beispielweg ${index + 1}`,
      postcode: '49074',
      city: 'Osnabrück',
      email: `member${index + 1}@example.org`,
      phone: index % 3 === 0 ? `+49 541 55501${String(index).padStart(2, '0')}` : '',
      openpgpFingerprint: index % 4 === 0 ? randomBytes(20).toString('hex') : '',
      joinedOn,
      leftOn: index === count - 1 ? addMonths(today, -1) : '',
    });
    await setFee(deps, CLI_ACTOR, { includeRestricted: false }, member.id, {
      amount: '5,00',
      intervalMonths: '1',
      validFrom: joinedOn,
    });
    // Everyone paid every month in yearly transfers, except members 3 and 7 (four months behind).
    let toPay = 3 + index * 2 + 1 - (index === 2 || index === 6 ? 4 : 0);
    for (let month = 0; toPay > 0; month += 12) {
      const months = Math.min(12, toPay);
      await bookPayment(deps, CLI_ACTOR, { includeRestricted: false }, member.id, {
        bookedOn: addMonths(joinedOn, month),
        amount: `${months * 5},00`,
        reference: `Mitgliedsbeitrag Chaos-Nr. ${index + 1}`,
      });
      toPay -= months;
    }
  }
  return count;
}

/** Creates a demo user and returns its password. */
export async function createDemoUser(
  deps: Pick<Deps, 'db' | 'clock' | 'hasher'>,
  username: string,
  displayName: string,
  roles: string[],
): Promise<string> {
  const password = generatePassword();
  await createUser(deps, CLI_ACTOR, { username, displayName, password, roles });
  return password;
}
