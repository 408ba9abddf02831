/** The one sentence a damaged journal index is reported with, by the CLI and the plugin alike. */
export const DAMAGED_JOURNAL = /^The journal index \(journal\/index\.json in the plugin's data folder\) is not valid JSON: .*\. It was left as is\.$/;
