/** The scout's sources: vault retrieval, web pages, search. No Node API, no 'obsidian': it runs on mobile too. */
export * from './types';
export { isSourceEligible } from './eligibility';
export { noteTitle } from './note-title';
export { FullTextIndex, buildIndex, syncNote, indexableText, type FullTextHit, type FullTextSearchOptions } from './fulltext-index';
export { gatherVaultCandidates, readNoteSource, buildBacklinks, domainQuery, type VaultCandidate, type VaultReason, type GatherVaultOptions } from './vault-retrieval';
export { extractUrls, checkFetchableUrl, normalizeUrl } from './urls';
export { fetchPage, formatBytes, PAGE_HEADERS, DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT_MS, type FetchLike, type FetchPageOptions } from './fetch-page';
export { makeHtmlToText, domText, type HtmlToText, type DomParserConstructor } from './html-text';
export { searchWeb, endpointLabel, type SearchResult, type SearchWebOptions } from './search-endpoint';
export { gatherSources, DEFAULT_MAX_SOURCES, type GatherSourcesOptions } from './gather';
