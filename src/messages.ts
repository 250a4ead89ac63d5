import { mergeMessages } from './core/i18n/index.ts';
import { sharedMessages } from './core/i18n/shared.messages.ts';
// Message files import nothing but core/i18n, so taking them directly (not through each
// module's index.ts) keeps this catalogue free of the modules' code and of import cycles.
import { accessMessages } from './access/access.messages.ts';
import { accountsMessages } from './accounts/accounts.messages.ts';
import { adminMessages } from './admin/admin.messages.ts';
import { assemblyMessages } from './assembly/assembly.messages.ts';
import { authMessages } from './auth/auth.messages.ts';
import { dashboardMessages } from './dashboard/dashboard.messages.ts';
import { dunningMessages } from './dunning/dunning.messages.ts';
import { keysMessages } from './keys/keys.messages.ts';
import { membersMessages } from './members/members.messages.ts';
import { policyMessages } from './policy/policy.messages.ts';
import { requestsMessages } from './requests/requests.messages.ts';
import { retentionMessages } from './retention/retention.messages.ts';
import { sepaMessages } from './sepa/sepa.messages.ts';
import { servicesMessages } from './services/services.messages.ts';
import { setupMessages } from './setup/setup.messages.ts';
import { siteMessages } from './site/site.messages.ts';
import { transparencyMessages } from './transparency/transparency.messages.ts';

/** The catalogues of core and of every module; a new module adds its own here. */
export const CATALOGUES = {
  core: sharedMessages,
  access: accessMessages,
  accounts: accountsMessages,
  admin: adminMessages,
  assembly: assemblyMessages,
  auth: authMessages,
  dashboard: dashboardMessages,
  dunning: dunningMessages,
  keys: keysMessages,
  members: membersMessages,
  policy: policyMessages,
  requests: requestsMessages,
  retention: retentionMessages,
  sepa: sepaMessages,
  services: servicesMessages,
  setup: setupMessages,
  site: siteMessages,
  transparency: transparencyMessages,
} as const;

/**
 * Every user-facing text of treff, merged once at start (a key defined twice throws here). The
 * web frame translates each request with it (`c.get('t')`, `page.t`); it reaches services as
 * `deps.messages`.
 */
export const messages = mergeMessages(...Object.values(CATALOGUES));

// Tells core which keys exist, so `Translate` (core/i18n) checks every `t('…')` at compile time.
declare module './core/i18n/index.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges the keys in
  interface MessageKeys extends Record<keyof typeof messages.de, true> {}
}
