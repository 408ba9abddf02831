/**
 * A vault shaped like Obsidian's own help, for the scout's ranking: the domain "Bases" links
 * four on-topic pages directly, and also two hubs (an index page of 30 plugins; a formatting
 * page that 40 other pages link to), names a URL that does not answer, and has a French
 * translation linking back to it. The ranking must pick the four on-topic pages. The bench uses
 * the same vault for its precision figure.
 */

export const RANKING_DOMAIN = 'Bases.md';

/** The notes a good scout picks for "Bases", in no order. */
export const ON_TOPIC = ['Bases/Introduction to Bases.md', 'Bases/Bases syntax.md', 'Bases/Views.md', 'Bases/Functions.md'];

export const OFF_TOPIC_LINKED = ['Core plugins.md', 'Basic formatting syntax.md', 'fr/Introduction aux Bases.md'];

const PLUGINS = [
  'Audio recorder', 'Backlinks', 'Bookmarks', 'Canvas', 'Command palette', 'Daily notes', 'File explorer', 'File recovery',
  'Format converter', 'Graph view', 'Note composer', 'Outgoing links', 'Outline', 'Page preview', 'Properties view', 'Publish',
  'Quick switcher', 'Random note', 'Search', 'Slash commands', 'Slides', 'Sync', 'Tags view', 'Templates', 'Unique note creator',
  'Web viewer', 'Word count', 'Workspaces', 'Footnotes view', 'Audio player',
];

export function rankingVault(unreachableUrl: string): Record<string, string> {
  const notes: Record<string, string> = {
    'Bases.md': `---
groundwork: domain
confidence: low
aliases: [Obsidian Bases]
---
# Bases

Bases turn a set of notes into a database view: filters choose the notes, formulas compute
properties, and views show them as a table or cards.

- [[Introduction to Bases]]
- [[Bases syntax]]
- [[Views]]
- [[Functions]]
- [[Core plugins]] (Bases is one of them)
- [[Basic formatting syntax]]

The design notes: ${unreachableUrl}
`,
    'Bases/Introduction to Bases.md': `# Introduction to Bases

A base is a file that shows notes as a database. You choose the notes with filters on their
properties, add formula properties computed from other properties, and pick views: a table
view or a cards view. Bases read the properties of notes; editing a cell edits the note's
property. Create a base from the command palette or embed a base in a note.
`,
    'Bases/Bases syntax.md': `# Bases syntax

A base is written in YAML: \`filters\` select notes by their properties, \`formulas\` define
computed properties, \`properties\` configure display names, and \`views\` list the table and
cards views with their own filters, sort order and limits. Filters combine with and, or, not.
`,
    'Bases/Views.md': `# Views

Each base has one or more views. A table view shows one row per note and one column per
property; a cards view shows notes as cards with a cover image. Views keep their own filters,
sort order, grouping and the properties they show, so one base can hold several views.
`,
    'Bases/Functions.md': `# Functions

Formulas in bases call functions: date functions such as now() and today(), string functions,
list functions, and functions on files like file.hasTag() and file.inFolder(). A formula
property computes its value from other properties of the note, for filters and views.
`,
    'Core plugins.md': `# Core plugins

Core plugins ship with Obsidian; turn each on or off in the settings.

${PLUGINS.map((p) => `- [[${p}]]: the ${p.toLowerCase()} plugin.`).join('\n')}
- [[Bases]]: database views of your notes.
`,
    'Basic formatting syntax.md': `# Basic formatting syntax

Headings start with #. Bold text uses two asterisks, italic text one. Lists start with a dash,
numbered lists with a number and a period. Quotes start with >. Code uses backticks. Links to
other notes use double brackets, and external links use brackets and parentheses.
`,
    'fr/Introduction aux Bases.md': `# Introduction aux Bases

Une base est un fichier qui montre les notes comme une base de données. Les filtres de la base
choisissent les notes selon leurs propriétés, les formules calculent des propriétés, et les vues
montrent les notes dans une table ou des cartes. Voir [[Bases]] pour la version anglaise, et les
vues, les filtres et les formules de chaque base.
`,
  };
  for (const p of PLUGINS) {
    notes[`Plugins/${p}.md`] = `# ${p}\n\nThe ${p.toLowerCase()} plugin is one of the [[Core plugins]]. Format its notes with the [[Basic formatting syntax]].\n`;
  }
  for (let i = 1; i <= 12; i++) {
    notes[`Guides/Guide ${i}.md`] = `# Guide ${i}\n\nA guide to writing; see [[Basic formatting syntax]] for headings, lists and links.\n`;
  }
  return notes;
}
