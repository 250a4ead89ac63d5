/** Fictional demo data for the example club: demo logins and members. */
export { createDemoUser, generatePassword, seedDemoMembers } from './demo.ts';
