/**
 * The login records of glibc on x86-64 (utmp(5), lastlog.h): wtmp and btmp hold one 384-byte
 * `struct utmp` per login, logout or failure; lastlog one 292-byte `struct lastlog` per uid at
 * offset uid × 292, zero where nobody logged in. Read for the doctor's age checks and rewritten
 * by the lastlog scrubber (services.md §5.2).
 */

export const UTMP_SIZE = 384;
/** Offset of `ut_tv.tv_sec` (int32) in `struct utmp`. */
const UTMP_TV_SEC = 340;
export const LASTLOG_SIZE = 292;

/** The times (seconds since the epoch) of the records of a wtmp or btmp file; 0s skipped. */
export function utmpTimes(data: Uint8Array): number[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const times: number[] = [];
  for (let offset = 0; offset + UTMP_SIZE <= data.byteLength; offset += UTMP_SIZE) {
    const seconds = view.getInt32(offset + UTMP_TV_SEC, true);
    if (seconds > 0) times.push(seconds);
  }
  return times;
}

/** The lastlog records that are set: uid and time of the last login. */
export function lastlogRecords(data: Uint8Array): { uid: number; time: number }[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const records: { uid: number; time: number }[] = [];
  for (let offset = 0; offset + LASTLOG_SIZE <= data.byteLength; offset += LASTLOG_SIZE) {
    const time = view.getInt32(offset, true);
    if (time !== 0) records.push({ uid: offset / LASTLOG_SIZE, time });
  }
  return records;
}

/** A lastlog record as sshd writes it (for tests): time, terminal and remote host. */
export function lastlogRecord(time: number, line: string, host: string): Uint8Array {
  const record = new Uint8Array(LASTLOG_SIZE);
  new DataView(record.buffer).setInt32(0, time, true);
  record.set(new TextEncoder().encode(line).subarray(0, 31), 4);
  record.set(new TextEncoder().encode(host).subarray(0, 255), 36);
  return record;
}

/** A wtmp record (type USER_PROCESS) as sshd writes one at login (for tests). */
export function utmpRecord(time: number, user: string, host: string): Uint8Array {
  const record = new Uint8Array(UTMP_SIZE);
  const view = new DataView(record.buffer);
  view.setInt16(0, 7, true);
  record.set(new TextEncoder().encode('pts/0'), 8);
  record.set(new TextEncoder().encode(user).subarray(0, 31), 44);
  record.set(new TextEncoder().encode(host).subarray(0, 255), 76);
  view.setInt32(UTMP_TV_SEC, time, true);
  return record;
}
