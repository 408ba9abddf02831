/**
 * The in-repo `obsidian` module: the API surface Groundwork uses, backed by a real folder.
 * vitest aliases `obsidian` here; loadBuiltPlugin (./load-plugin) hands it to the built main.js.
 * Same names, argument order and semantics as node_modules/obsidian/obsidian.d.ts.
 *
 * Test helpers (not in Obsidian's API):
 * - createTempVault(files) / removeTempVault(dir); createApp(dir) / destroyApp(app); settle(app)
 * - simulateExternalEdit(app, path, text|null); vault.syncFromDisk(path?)
 * - metadataCache.whenSettled(); workspace.triggerLayoutReady(), setActiveFile(file), whenIdle()
 * - app.commands.run(id) (execute + await the callback), isAvailable(id); app.setting.openTabById(id)
 * - noticeMessages / notices / clearNotices(); openModals; shownMenus, menu.findItem(title).click()
 * - SuggestModal.setQuery(q); ButtonComponent.lastClick; Modal.opening; requestLog
 * - asObsidian(x): a shim object typed as the real obsidian type
 * - ./load-plugin: loadBuiltPlugin(app, mainJsPath, manifest), enablePlugin, disablePlugin, readManifest
 */
import { installDomHelpers } from './dom';

installDomHelpers();

export { Component, Events, eventHandlerErrors, type EventRef } from './events';
export { installDomHelpers } from './dom';
export {
  Platform,
  apiVersion,
  arrayBufferToBase64,
  arrayBufferToHex,
  base64ToArrayBuffer,
  debounce,
  getAllTags,
  getFrontMatterInfo,
  getLinkpath,
  hexToArrayBuffer,
  normalizePath,
  parseFrontMatterAliases,
  parseFrontMatterEntry,
  parseFrontMatterStringArray,
  parseFrontMatterTags,
  parseLinktext,
  parseYaml,
  prepareFuzzySearch,
  prepareSimpleSearch,
  request,
  requestLog,
  requestUrl,
  requireApiVersion,
  stringifyYaml,
  stripHeading,
  stripHeadingForLink,
  type Debouncer,
  type FrontMatterInfo,
  type RequestUrlResponsePromise,
} from './util';
export { FileSystemAdapter, TAbstractFile, TFile, TFolder, Vault, type FileStats } from './vault';
export { MetadataCache, parseMarkdownMetadata } from './metadata';
export { FileManager } from './file-manager';
export { FileView, ItemView, MarkdownView, View, ViewRegistry, Workspace, WorkspaceLeaf, type ViewCreator } from './workspace';
export {
  AbstractTextComponent,
  BaseComponent,
  ButtonComponent,
  DropdownComponent,
  ExtraButtonComponent,
  FuzzySuggestModal,
  Keymap,
  MarkdownRenderChild,
  MarkdownRenderer,
  Menu,
  MenuItem,
  Modal,
  Notice,
  PluginSettingTab,
  Scope,
  SearchComponent,
  SecretComponent,
  Setting,
  SettingTab,
  SliderComponent,
  SuggestModal,
  TextAreaComponent,
  TextComponent,
  ToggleComponent,
  ValueComponent,
  addIcon,
  clearNotices,
  getIcon,
  getIconIds,
  noticeMessages,
  notices,
  openModals,
  removeIcon,
  sanitizeHTMLToDom,
  setIcon,
  setTooltip,
  shownMenus,
  type FuzzyMatch,
} from './ui';
export { Commands, Plugin, Plugins, SettingRegistry } from './plugin';
export { App, SecretStorage, asObsidian, createApp, createTempVault, destroyApp, removeTempVault, settle, simulateExternalEdit } from './app';
