/**
 * The figures of the transparency page as plain data: what `/transparenz` and `/transparency`
 * show, what `treff transparency export` writes and what the signed daily statement signs.
 * Everything here is JSON-serialisable (strings, numbers, booleans, null, arrays, objects) and
 * computed from the live system, never typed.
 */

/** A text in both languages; German is authoritative. */
export interface Bilingual {
  de: string;
  en: string;
}

/**
 * Why a promise is red. `over`: the oldest item kept is older than the promise allows;
 * `late`: the deletion job has not run successfully for two of its intervals; `never`: it has
 * not run yet; `failed`: its last run failed or its check found the store keeping too long;
 * `doctor`: the last `treff doctor` run found the daemon settings behind it not as declared.
 */
export type RedReason = 'over' | 'late' | 'never' | 'failed' | 'doctor';

/** One promise of the declaration: one line (and one bar) on the page. */
export interface PromiseFigure {
  /** Stable key (the retention rule's name); not shown on the public page. */
  key: string;
  /** The declared activity it belongs to. */
  activityId: string;
  activity: Bilingual;
  /** The promise as people read it, e.g. "Web-Logs: 10 Tage" / "web logs: 10 days". */
  promise: Bilingual;
  /** The declared limit as an ISO 8601 duration (e.g. `P10D`), null when there is none. */
  limit: string | null;
  /** The declared limit in milliseconds, null when there is none. */
  limitMs: number | null;
  /** Age of the oldest item kept now in milliseconds, null when it is not measured or none. */
  oldestAgeMs: number | null;
  /** How many items (files) the store kept after its last deletion run; null where not counted. */
  items: number | null;
  /** Who deletes: treff's own job (`job`), or the daemon/browser/… named in the declaration. */
  deletedBy: 'job' | 'daemon' | 'memory' | 'browser' | 'request' | 'account';
  /** The last run of its deletion job (null: never ran, or not treff's job). */
  lastDeletion: { at: string; result: 'ok' | 'error'; removed: number } | null;
  /** The last doctor verdict on the settings behind it; null when no doctor check concerns it. */
  doctor: { checkedAt: string; asDeclared: boolean } | null;
  /** Green: the promise is kept as far as measured. */
  green: boolean;
  /** Why it is red (empty when green). */
  reasons: RedReason[];
}

/** The whole page's figures. */
export interface TransparencyFigures {
  /** Format version of this object; bumped when a field changes meaning. */
  format: 1;
  /** When the figures were computed (ISO 8601 instant). */
  generatedAt: string;
  club: string;
  /** The version of the privacy policy these promises come from. */
  policyVersion: string;
  /** When `treff doctor` last ran on this system (ISO instant), null before the first run. */
  doctorCheckedAt: string | null;
  promises: PromiseFigure[];
  /** True when every promise is green. */
  allGreen: boolean;
}
