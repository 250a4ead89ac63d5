/**
 * Transparency: the register of disclosures to authorities and its yearly figures, and the
 * daily signed statement of the public figures (a hash chain signed with the club's key,
 * published in its own WKD), plus the board's offline-signed declarations.
 */
export {
  disclosureCounts,
  listDisclosures,
  purgeDisclosures,
  recordDisclosure,
  updateDisclosure,
  type Disclosure,
  type DisclosureCounts,
  type DisclosureYear,
} from './disclosures.service.ts';
