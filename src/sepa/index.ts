/** SEPA direct debit: mandates, pre-notifications and pain.008.001.08 collection files. */
export { sepaRoutes } from './sepa.routes.tsx';
export { bankDetailsDeclared, requireBankDetails } from './sepa.gate.ts';
export {
  addMandate,
  announceCollection,
  collectionFile,
  listMandates,
  mandatesOfMember,
  revokeMandate,
  sweepEndedMandates,
} from './sepa.service.ts';
export { buildPain008, type CollectionFile, type Debit } from './pain008.ts';
export { registerSepaCommands } from './sepa.cli.ts';
