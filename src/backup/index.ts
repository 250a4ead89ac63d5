/**
 * Backups that respect erasure: `treff backup` (encrypted, kept no longer than declared) and
 * `treff restore`, which replays the erasure journal. A module of its own, not core: the
 * replay calls the members, accounts and keys modules, which core may not import.
 */
export { registerBackupCommands, type BackupCliContext } from './backup.cli.ts';
export {
  createBackup,
  openBackup,
  pruneBackups,
  readBackupPublicKey,
  readBackupSecretKey,
  type BackupManifest,
  type BackupReport,
} from './backup.service.ts';
export { restoreBackup, type RestoreReport } from './restore.service.ts';
