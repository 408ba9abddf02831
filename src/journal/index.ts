export { Journal } from './journal';
export type { JournalOptions } from './journal';
export { ChangedSinceRead, JournalDamaged, UndoRefused, journalEntrySchema } from './entry';
export type { ExpectedChange, JournalChange, JournalEntry } from './entry';
export { JOURNAL_HEADING, journalNotePath, renderJournalNote, isOwnJournalNote, tableCell } from './journal-note';
export { OutcomeLog, latestSignOff } from './outcomes';
export type { OutcomeFile, OutcomeRecord, SignOffRecord } from './outcomes';
export { updateRecord, withRecordLock } from './data-lock';
