export { Journal } from './journal';
export type { JournalOptions } from './journal';
export { ChangedSinceRead, JournalDamaged, UndoRefused, journalEntrySchema } from './entry';
export type { ExpectedChange, JournalChange, JournalEntry } from './entry';
export { JOURNAL_HEADING, journalNotePath, renderJournalNote, isOwnJournalNote, tableCell } from './journal-note';
