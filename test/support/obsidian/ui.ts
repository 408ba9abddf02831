/** Modal, Notice, Setting and its components, setting tabs, suggest modals, Menu, icons, MarkdownRenderer. */
import type { Instruction, SearchResult } from 'obsidian';
import type { App } from './app';
import { domAvailable } from './dom';
import { Component } from './events';
import { prepareFuzzySearch } from './util';

// ---------- icons ----------

const customIcons = new Map<string, string>();

export function addIcon(iconId: string, svgContent: string): void {
  customIcons.set(iconId, svgContent);
}
export function removeIcon(iconId: string): void {
  customIcons.delete(iconId);
}
export function getIconIds(): string[] {
  return [...customIcons.keys()];
}
export function getIcon(iconId: string): SVGSVGElement | null {
  const svg = createSvg('svg', { cls: ['svg-icon', `lucide-${iconId}`], attr: { 'data-icon': iconId } });
  const custom = customIcons.get(iconId);
  if (custom) {
    const parsed = new DOMParser().parseFromString(`<svg xmlns="http://www.w3.org/2000/svg">${custom}</svg>`, 'image/svg+xml');
    for (const child of Array.from(parsed.documentElement.childNodes)) svg.appendChild(document.importNode(child, true));
  }
  return svg;
}
/** Replaces the element's content with an <svg class="svg-icon lucide-ID" data-icon="ID">. */
export function setIcon(parent: HTMLElement, iconId: string): void {
  parent.empty();
  const svg = getIcon(iconId);
  if (svg) parent.appendChild(svg);
  parent.setAttribute('data-icon', iconId);
}
export function setTooltip(el: HTMLElement, tooltip: string, options?: unknown): void {
  void options;
  el.setAttribute('aria-label', tooltip);
}

// ---------- Scope / Keymap ----------

export class Scope {
  handlers: { modifiers: string[] | null; key: string | null; func: (...args: any[]) => unknown }[] = [];
  constructor(public parent?: Scope) {}
  register(modifiers: string[] | null, key: string | null, func: (...args: any[]) => unknown): unknown {
    const h = { modifiers, key, func };
    this.handlers.push(h);
    return h;
  }
  unregister(handler: unknown): void {
    this.handlers = this.handlers.filter((h) => h !== handler);
  }
}

export class Keymap {
  scopes: Scope[] = [];
  pushScope(scope: Scope): void {
    this.scopes.push(scope);
  }
  popScope(scope: Scope): void {
    this.scopes = this.scopes.filter((s) => s !== scope);
  }
  static isModifier(evt: { ctrlKey?: boolean; metaKey?: boolean; shiftKey?: boolean; altKey?: boolean }, modifier: string): boolean {
    if (modifier === 'Mod' || modifier === 'Ctrl') return !!evt.ctrlKey;
    if (modifier === 'Meta') return !!evt.metaKey;
    if (modifier === 'Shift') return !!evt.shiftKey;
    if (modifier === 'Alt') return !!evt.altKey;
    return false;
  }
  static isModEvent(evt?: { ctrlKey?: boolean; metaKey?: boolean } | null): boolean {
    return !!(evt?.ctrlKey || evt?.metaKey);
  }
}

// ---------- Notice ----------

/** Every message shown by a Notice (constructor and setMessage), oldest first. */
export const noticeMessages: string[] = [];
/** Every Notice created, oldest first. */
export const notices: Notice[] = [];

/** Test helper: forget the recorded notices. */
export function clearNotices(): void {
  noticeMessages.length = 0;
  for (const n of notices) n.hide();
  notices.length = 0;
}

function textOf(message: string | DocumentFragment): string {
  return typeof message === 'string' ? message : (message.textContent ?? '');
}

export class Notice {
  noticeEl: HTMLElement;
  containerEl: HTMLElement;
  messageEl: HTMLElement;
  /** The current message as text. */
  message = '';
  duration: number | undefined;
  hidden = false;

  constructor(message: string | DocumentFragment, duration?: number) {
    this.duration = duration;
    if (domAvailable()) {
      let container = document.body.querySelector<HTMLElement>(':scope > .notice-container');
      if (!container) container = document.body.createDiv({ cls: 'notice-container' });
      this.containerEl = container;
      this.noticeEl = container.createDiv({ cls: 'notice' });
      this.messageEl = this.noticeEl.createDiv({ cls: 'notice-message' });
    } else {
      this.containerEl = this.noticeEl = this.messageEl = null as unknown as HTMLElement;
    }
    notices.push(this);
    this.setMessage(message);
  }

  setMessage(message: string | DocumentFragment): this {
    this.message = textOf(message);
    noticeMessages.push(this.message);
    if (this.messageEl) {
      this.messageEl.empty();
      if (typeof message === 'string') this.messageEl.setText(message);
      else this.messageEl.appendChild(message);
    }
    return this;
  }

  hide(): void {
    this.hidden = true;
    this.noticeEl?.detach();
  }
}

// ---------- Modal ----------

/** The modals open right now, oldest first. */
export const openModals: Modal[] = [];

export class Modal {
  app: App;
  scope: Scope;
  containerEl: HTMLElement;
  modalEl: HTMLElement;
  titleEl: HTMLElement;
  contentEl: HTMLElement;
  shouldRestoreSelection = true;
  isOpen = false;
  /** What onOpen returned (a promise when it is async), for tests to await. */
  opening: Promise<void> | void = undefined;
  private closeCallback: (() => unknown) | null = null;

  constructor(app: App) {
    this.app = app;
    this.scope = new Scope();
    this.containerEl = createDiv({ cls: 'modal-container mod-dim' });
    this.containerEl.createDiv({ cls: 'modal-bg' });
    this.modalEl = this.containerEl.createDiv({ cls: 'modal' });
    const close = this.modalEl.createDiv({ cls: 'modal-close-button' });
    close.addEventListener('click', () => this.close());
    const header = this.modalEl.createDiv({ cls: 'modal-header' });
    this.titleEl = header.createDiv({ cls: 'modal-title' });
    this.contentEl = this.modalEl.createDiv({ cls: 'modal-content' });
  }

  open(): void {
    if (this.isOpen) return;
    this.isOpen = true;
    document.body.appendChild(this.containerEl);
    openModals.push(this);
    this.opening = this.onOpen();
  }

  close(): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.containerEl.detach();
    const i = openModals.indexOf(this);
    if (i >= 0) openModals.splice(i, 1);
    this.onClose();
    this.closeCallback?.();
  }

  onOpen(): Promise<void> | void {}
  onClose(): void {}

  setTitle(title: string): this {
    this.titleEl.setText(title);
    return this;
  }
  setContent(content: string | DocumentFragment): this {
    this.contentEl.setText(content);
    return this;
  }
  setCloseCallback(callback: () => unknown): this {
    this.closeCallback = callback;
    return this;
  }
}

// ---------- components ----------

export abstract class BaseComponent {
  disabled = false;
  then(cb: (component: this) => unknown): this {
    cb(this);
    return this;
  }
  setDisabled(disabled: boolean): this {
    this.disabled = disabled;
    return this;
  }
}

export abstract class ValueComponent<T> extends BaseComponent {
  registerOptionListener(listeners: Record<string, (value?: T) => T>, key: string): this {
    listeners[key] = (value?: T) => {
      if (value !== undefined) this.setValue(value);
      return this.getValue();
    };
    return this;
  }
  abstract getValue(): T;
  abstract setValue(value: T): this;
}

export class AbstractTextComponent<T extends HTMLInputElement | HTMLTextAreaElement> extends ValueComponent<string> {
  inputEl: T;
  private changeCallback: ((value: string) => unknown) | null = null;

  constructor(inputEl: T) {
    super();
    this.inputEl = inputEl;
    inputEl.addEventListener('input', () => this.onChanged());
  }
  override setDisabled(disabled: boolean): this {
    super.setDisabled(disabled);
    this.inputEl.disabled = disabled;
    return this;
  }
  getValue(): string {
    return this.inputEl.value;
  }
  setValue(value: string): this {
    this.inputEl.value = value;
    return this;
  }
  setPlaceholder(placeholder: string): this {
    this.inputEl.placeholder = placeholder;
    return this;
  }
  onChanged(): void {
    this.changeCallback?.(this.getValue());
  }
  onChange(callback: (value: string) => unknown): this {
    this.changeCallback = callback;
    return this;
  }
}

export class TextComponent extends AbstractTextComponent<HTMLInputElement> {
  constructor(containerEl: HTMLElement) {
    super(containerEl.createEl('input', { type: 'text' }));
  }
}

export class SearchComponent extends AbstractTextComponent<HTMLInputElement> {
  clearButtonEl: HTMLElement;
  constructor(containerEl: HTMLElement) {
    super(containerEl.createEl('input', { type: 'search' }));
    this.clearButtonEl = containerEl.createDiv({ cls: 'search-input-clear-button' });
    this.clearButtonEl.addEventListener('click', () => {
      this.setValue('');
      this.onChanged();
    });
  }
}

export class TextAreaComponent extends AbstractTextComponent<HTMLTextAreaElement> {
  constructor(containerEl: HTMLElement) {
    super(containerEl.createEl('textarea'));
  }
}

export class ToggleComponent extends ValueComponent<boolean> {
  toggleEl: HTMLElement;
  private value = false;
  private changeCallback: ((value: boolean) => unknown) | null = null;

  constructor(containerEl: HTMLElement) {
    super();
    this.toggleEl = containerEl.createDiv({ cls: 'checkbox-container' });
    this.toggleEl.createEl('input', { type: 'checkbox' });
    this.toggleEl.addEventListener('click', () => this.onClick());
  }
  override setDisabled(disabled: boolean): this {
    super.setDisabled(disabled);
    this.toggleEl.toggleClass('is-disabled', disabled);
    return this;
  }
  getValue(): boolean {
    return this.value;
  }
  setValue(on: boolean): this {
    const changed = on !== this.value;
    this.value = on;
    this.toggleEl.toggleClass('is-enabled', on);
    const box = this.toggleEl.querySelector('input');
    if (box) box.checked = on;
    if (changed) this.changeCallback?.(on);
    return this;
  }
  setTooltip(tooltip: string, options?: unknown): this {
    setTooltip(this.toggleEl, tooltip, options);
    return this;
  }
  onClick(): void {
    if (this.disabled) return;
    this.setValue(!this.value);
  }
  onChange(callback: (value: boolean) => unknown): this {
    this.changeCallback = callback;
    return this;
  }
}

export class DropdownComponent extends ValueComponent<string> {
  selectEl: HTMLSelectElement;
  private changeCallback: ((value: string) => unknown) | null = null;

  constructor(containerEl: HTMLElement) {
    super();
    this.selectEl = containerEl.createEl('select', { cls: 'dropdown' });
    this.selectEl.addEventListener('change', () => this.changeCallback?.(this.getValue()));
  }
  override setDisabled(disabled: boolean): this {
    super.setDisabled(disabled);
    this.selectEl.disabled = disabled;
    return this;
  }
  addOption(value: string, display: string): this {
    this.selectEl.createEl('option', { text: display, value });
    return this;
  }
  addOptions(options: Record<string, string>): this {
    for (const [v, d] of Object.entries(options)) this.addOption(v, d);
    return this;
  }
  getValue(): string {
    return this.selectEl.value;
  }
  setValue(value: string): this {
    this.selectEl.value = value;
    return this;
  }
  onChange(callback: (value: string) => unknown): this {
    this.changeCallback = callback;
    return this;
  }
}

export class SliderComponent extends ValueComponent<number> {
  sliderEl: HTMLInputElement;
  instant = false;
  private changeCallback: ((value: number) => unknown) | null = null;

  constructor(containerEl: HTMLElement) {
    super();
    this.sliderEl = containerEl.createEl('input', { type: 'range', cls: 'slider' });
    this.sliderEl.addEventListener('input', () => {
      if (this.instant) this.changeCallback?.(this.getValue());
    });
    this.sliderEl.addEventListener('change', () => {
      if (!this.instant) this.changeCallback?.(this.getValue());
    });
  }
  override setDisabled(disabled: boolean): this {
    super.setDisabled(disabled);
    this.sliderEl.disabled = disabled;
    return this;
  }
  setInstant(instant: boolean): this {
    this.instant = instant;
    return this;
  }
  setLimits(min: number | null, max: number | null, step: number | 'any'): this {
    if (min !== null) this.sliderEl.min = String(min);
    if (max !== null) this.sliderEl.max = String(max);
    this.sliderEl.step = String(step);
    return this;
  }
  getValue(): number {
    return Number(this.sliderEl.value);
  }
  setValue(value: number): this {
    this.sliderEl.value = String(value);
    return this;
  }
  getValuePretty(): string {
    return String(this.getValue());
  }
  setDynamicTooltip(): this {
    return this;
  }
  showTooltip(): void {}
  onChange(callback: (value: number) => unknown): this {
    this.changeCallback = callback;
    return this;
  }
}

export class ButtonComponent extends BaseComponent {
  buttonEl: HTMLButtonElement;
  /** What the last click handler returned (a promise when async), for tests to await. */
  lastClick: unknown;
  private clickCallback: ((evt: MouseEvent) => unknown) | null = null;

  constructor(containerEl: HTMLElement) {
    super();
    this.buttonEl = containerEl.createEl('button');
    this.buttonEl.addEventListener('click', (evt) => {
      if (this.disabled || !this.clickCallback) return;
      this.lastClick = this.clickCallback(evt);
    });
  }
  override setDisabled(disabled: boolean): this {
    super.setDisabled(disabled);
    this.buttonEl.disabled = disabled;
    return this;
  }
  setCta(): this {
    this.buttonEl.addClass('mod-cta');
    return this;
  }
  removeCta(): this {
    this.buttonEl.removeClass('mod-cta');
    return this;
  }
  setWarning(): this {
    this.buttonEl.addClass('mod-warning');
    return this;
  }
  setTooltip(tooltip: string, options?: unknown): this {
    setTooltip(this.buttonEl, tooltip, options);
    return this;
  }
  setButtonText(name: string): this {
    this.buttonEl.setText(name);
    return this;
  }
  setIcon(icon: string): this {
    setIcon(this.buttonEl, icon);
    return this;
  }
  setClass(cls: string): this {
    this.buttonEl.addClass(cls);
    return this;
  }
  onClick(callback: (evt: MouseEvent) => unknown): this {
    this.clickCallback = callback;
    return this;
  }
}

export class ExtraButtonComponent extends BaseComponent {
  extraSettingsEl: HTMLElement;
  private clickCallback: (() => unknown) | null = null;

  constructor(containerEl: HTMLElement) {
    super();
    this.extraSettingsEl = containerEl.createDiv({ cls: 'clickable-icon extra-setting-button' });
    this.extraSettingsEl.addEventListener('click', () => {
      if (!this.disabled) this.clickCallback?.();
    });
  }
  override setDisabled(disabled: boolean): this {
    super.setDisabled(disabled);
    this.extraSettingsEl.toggleClass('is-disabled', disabled);
    return this;
  }
  setTooltip(tooltip: string, options?: unknown): this {
    setTooltip(this.extraSettingsEl, tooltip, options);
    return this;
  }
  setIcon(icon: string): this {
    setIcon(this.extraSettingsEl, icon);
    return this;
  }
  onClick(callback: () => unknown): this {
    this.clickCallback = callback;
    return this;
  }
}

/**
 * Obsidian's SecretComponent: picks a secret *by its id* from SecretStorage (the value is the id,
 * never the secret). Rendered as a <select> of `app.secretStorage.listSecrets()`.
 */
export class SecretComponent extends BaseComponent {
  selectEl: HTMLSelectElement;
  private changeCallback: ((value: string) => unknown) | null = null;

  constructor(
    public app: App,
    containerEl: HTMLElement,
  ) {
    super();
    this.selectEl = containerEl.createEl('select', { cls: 'dropdown secret-component' });
    this.renderOptions('');
    this.selectEl.addEventListener('change', () => this.changeCallback?.(this.selectEl.value));
  }
  private renderOptions(current: string): void {
    this.selectEl.empty();
    this.selectEl.createEl('option', { text: 'Select a secret…', value: '' });
    const ids = this.app.secretStorage.listSecrets();
    if (current && !ids.includes(current)) ids.push(current);
    for (const id of ids) this.selectEl.createEl('option', { text: id, value: id });
    this.selectEl.value = current;
  }
  setValue(value: string): this {
    this.renderOptions(value);
    return this;
  }
  getValue(): string {
    return this.selectEl.value;
  }
  onChange(cb: (value: string) => unknown): this {
    this.changeCallback = cb;
    return this;
  }
  override setDisabled(disabled: boolean): this {
    super.setDisabled(disabled);
    this.selectEl.disabled = disabled;
    return this;
  }
}

// ---------- Setting ----------

export class Setting {
  settingEl: HTMLElement;
  infoEl: HTMLElement;
  nameEl: HTMLElement;
  descEl: HTMLElement;
  controlEl: HTMLElement;
  components: BaseComponent[] = [];

  constructor(containerEl: HTMLElement) {
    this.settingEl = containerEl.createDiv({ cls: 'setting-item' });
    this.infoEl = this.settingEl.createDiv({ cls: 'setting-item-info' });
    this.nameEl = this.infoEl.createDiv({ cls: 'setting-item-name' });
    this.descEl = this.infoEl.createDiv({ cls: 'setting-item-description' });
    this.controlEl = this.settingEl.createDiv({ cls: 'setting-item-control' });
  }

  setName(name: string | DocumentFragment): this {
    this.nameEl.setText(name);
    return this;
  }
  setDesc(desc: string | DocumentFragment): this {
    this.descEl.setText(desc);
    return this;
  }
  setClass(cls: string): this {
    this.settingEl.addClass(cls);
    return this;
  }
  setTooltip(tooltip: string, options?: unknown): this {
    setTooltip(this.nameEl, tooltip, options);
    return this;
  }
  setHeading(): this {
    this.settingEl.addClass('setting-item-heading');
    return this;
  }
  setDisabled(disabled: boolean): this {
    this.settingEl.toggleClass('is-disabled', disabled);
    for (const c of this.components) c.setDisabled(disabled);
    return this;
  }
  private add<T extends BaseComponent>(component: T, cb: (c: T) => unknown): this {
    this.components.push(component);
    cb(component);
    return this;
  }
  addButton(cb: (component: ButtonComponent) => unknown): this {
    return this.add(new ButtonComponent(this.controlEl), cb);
  }
  addExtraButton(cb: (component: ExtraButtonComponent) => unknown): this {
    return this.add(new ExtraButtonComponent(this.controlEl), cb);
  }
  addToggle(cb: (component: ToggleComponent) => unknown): this {
    return this.add(new ToggleComponent(this.controlEl), cb);
  }
  addText(cb: (component: TextComponent) => unknown): this {
    return this.add(new TextComponent(this.controlEl), cb);
  }
  addSearch(cb: (component: SearchComponent) => unknown): this {
    return this.add(new SearchComponent(this.controlEl), cb);
  }
  addTextArea(cb: (component: TextAreaComponent) => unknown): this {
    return this.add(new TextAreaComponent(this.controlEl), cb);
  }
  addDropdown(cb: (component: DropdownComponent) => unknown): this {
    return this.add(new DropdownComponent(this.controlEl), cb);
  }
  addSlider(cb: (component: SliderComponent) => unknown): this {
    return this.add(new SliderComponent(this.controlEl), cb);
  }
  addComponent<T extends BaseComponent>(cb: (el: HTMLElement) => T): this {
    this.components.push(cb(this.controlEl));
    return this;
  }
  then(cb: (setting: this) => unknown): this {
    cb(this);
    return this;
  }
  clear(): this {
    this.controlEl.empty();
    this.components = [];
    return this;
  }
}

export abstract class SettingTab {
  icon = 'settings';
  app: App;
  containerEl: HTMLElement;

  constructor(app: App) {
    this.app = app;
    this.containerEl = createDiv({ cls: 'vertical-tab-content' });
  }
  abstract display(): void;
  hide(): void {
    this.containerEl.empty();
  }
}

export abstract class PluginSettingTab extends SettingTab {
  plugin: { manifest: { id: string; name: string } };
  /** The plugin's id (Obsidian uses it to open the tab). */
  id: string;
  name: string;

  constructor(app: App, plugin: { manifest: { id: string; name: string } }) {
    super(app);
    this.plugin = plugin;
    this.id = plugin.manifest.id;
    this.name = plugin.manifest.name;
  }
}

// ---------- suggest modals ----------

export interface FuzzyMatch<T> {
  item: T;
  match: SearchResult;
}

export abstract class SuggestModal<T> extends Modal {
  limit = 100;
  emptyStateText = 'No results found.';
  inputEl: HTMLInputElement;
  resultContainerEl: HTMLElement;
  instructionsEl: HTMLElement;
  /** The suggestions shown right now. */
  values: T[] = [];
  selectedIndex = 0;
  private updating: Promise<void> = Promise.resolve();

  constructor(app: App) {
    super(app);
    this.modalEl.addClass('prompt');
    const inputContainer = createDiv({ cls: 'prompt-input-container' });
    this.modalEl.insertBefore(inputContainer, this.modalEl.firstChild);
    this.inputEl = inputContainer.createEl('input', { cls: 'prompt-input', type: 'text' });
    this.resultContainerEl = this.modalEl.createDiv({ cls: 'prompt-results' });
    this.instructionsEl = this.modalEl.createDiv({ cls: 'prompt-instructions' });
    this.inputEl.addEventListener('input', () => void this.updateSuggestions());
    this.inputEl.addEventListener('keydown', (evt) => {
      if (evt.key === 'Enter') this.selectActiveSuggestion(evt);
      else if (evt.key === 'ArrowDown') this.selectedIndex = Math.min(this.values.length - 1, this.selectedIndex + 1);
      else if (evt.key === 'ArrowUp') this.selectedIndex = Math.max(0, this.selectedIndex - 1);
    });
  }

  override open(): void {
    super.open();
    void this.updateSuggestions();
  }

  /** Re-computes and renders the suggestions for the current input; resolves when rendered. */
  updateSuggestions(): Promise<void> {
    const query = this.inputEl.value;
    this.updating = this.updating.then(async () => {
      const results = await this.getSuggestions(query);
      if (query !== this.inputEl.value) return;
      this.values = results.slice(0, this.limit);
      this.selectedIndex = 0;
      this.resultContainerEl.empty();
      if (this.values.length === 0) {
        this.onNoSuggestion();
        return;
      }
      for (const value of this.values) {
        const el = this.resultContainerEl.createDiv({ cls: 'suggestion-item' });
        this.renderSuggestion(value, el);
        el.addEventListener('click', (evt) => this.selectSuggestion(value, evt));
      }
    });
    return this.updating;
  }

  /** Test helper: types `query` into the input and waits for the suggestions. */
  async setQuery(query: string): Promise<T[]> {
    this.inputEl.value = query;
    await this.updateSuggestions();
    return this.values;
  }

  setPlaceholder(placeholder: string): void {
    this.inputEl.placeholder = placeholder;
  }
  setInstructions(instructions: Instruction[]): void {
    this.instructionsEl.empty();
    for (const ins of instructions) {
      const el = this.instructionsEl.createDiv({ cls: 'prompt-instruction' });
      el.createSpan({ cls: 'prompt-instruction-command', text: ins.command });
      el.createSpan({ text: ins.purpose });
    }
  }
  onNoSuggestion(): void {
    this.resultContainerEl.createDiv({ cls: 'suggestion-empty', text: this.emptyStateText });
  }
  selectSuggestion(value: T, evt: MouseEvent | KeyboardEvent): void {
    this.close();
    this.onChooseSuggestion(value, evt);
  }
  selectActiveSuggestion(evt: MouseEvent | KeyboardEvent): void {
    const value = this.values[this.selectedIndex];
    if (value !== undefined) this.selectSuggestion(value, evt);
  }

  abstract getSuggestions(query: string): T[] | Promise<T[]>;
  abstract renderSuggestion(value: T, el: HTMLElement): void;
  abstract onChooseSuggestion(item: T, evt: MouseEvent | KeyboardEvent): void;
}

export abstract class FuzzySuggestModal<T> extends SuggestModal<FuzzyMatch<T>> {
  getSuggestions(query: string): FuzzyMatch<T>[] {
    const search = prepareFuzzySearch(query);
    const out: FuzzyMatch<T>[] = [];
    for (const item of this.getItems()) {
      const match = search(this.getItemText(item));
      if (match) out.push({ item, match });
    }
    return query.trim() === '' ? out : out.sort((a, b) => b.match.score - a.match.score);
  }
  renderSuggestion(item: FuzzyMatch<T>, el: HTMLElement): void {
    el.setText(this.getItemText(item.item));
  }
  onChooseSuggestion(item: FuzzyMatch<T>, evt: MouseEvent | KeyboardEvent): void {
    this.onChooseItem(item.item, evt);
  }
  abstract getItems(): T[];
  abstract getItemText(item: T): string;
  abstract onChooseItem(item: T, evt: MouseEvent | KeyboardEvent): void;
}

// ---------- Menu ----------

/** Menus shown (showAtMouseEvent / showAtPosition), oldest first. */
export const shownMenus: Menu[] = [];

export class MenuItem {
  title = '';
  icon: string | null = null;
  checked: boolean | null = null;
  disabled = false;
  warning = false;
  isLabel = false;
  section = '';
  callback: ((evt: MouseEvent | KeyboardEvent) => unknown) | null = null;

  constructor(private readonly menu: Menu) {}

  setTitle(title: string | DocumentFragment): this {
    this.title = typeof title === 'string' ? title : (title.textContent ?? '');
    return this;
  }
  setIcon(icon: string | null): this {
    this.icon = icon;
    return this;
  }
  setChecked(checked: boolean | null): this {
    this.checked = checked;
    return this;
  }
  setDisabled(disabled: boolean): this {
    this.disabled = disabled;
    return this;
  }
  setWarning(isWarning: boolean): this {
    this.warning = isWarning;
    return this;
  }
  setIsLabel(isLabel: boolean): this {
    this.isLabel = isLabel;
    return this;
  }
  onClick(callback: (evt: MouseEvent | KeyboardEvent) => unknown): this {
    this.callback = callback;
    return this;
  }
  setSection(section: string): this {
    this.section = section;
    return this;
  }
  /** Test helper: what a click does (runs the callback, hides the menu); returns the callback's result. */
  click(): unknown {
    if (this.disabled) return undefined;
    const result: unknown = this.callback?.(new MouseEvent('click'));
    this.menu.hide();
    return result;
  }
}

export class Menu extends Component {
  items: MenuItem[] = [];
  separators = 0;
  visible = false;
  private hideCallbacks: (() => unknown)[] = [];

  setNoIcon(): this {
    return this;
  }
  setUseNativeMenu(useNativeMenu: boolean): this {
    void useNativeMenu;
    return this;
  }
  addItem(cb: (item: MenuItem) => unknown): this {
    const item = new MenuItem(this);
    this.items.push(item);
    cb(item);
    return this;
  }
  addSeparator(): this {
    this.separators++;
    return this;
  }
  private show(): this {
    this.visible = true;
    shownMenus.push(this);
    this.load();
    return this;
  }
  showAtMouseEvent(evt: MouseEvent): this {
    void evt;
    return this.show();
  }
  showAtPosition(position: { x: number; y: number }, doc?: Document): this {
    void position;
    void doc;
    return this.show();
  }
  hide(): this {
    if (!this.visible) return this;
    this.visible = false;
    const i = shownMenus.indexOf(this);
    if (i >= 0) shownMenus.splice(i, 1);
    this.unload();
    for (const cb of this.hideCallbacks) cb();
    return this;
  }
  close(): void {
    this.hide();
  }
  onHide(callback: () => unknown): void {
    this.hideCallbacks.push(callback);
  }
  static forEvent(evt: PointerEvent | MouseEvent): Menu {
    void evt;
    return new Menu();
  }
  /** Test helper: the item with this title. */
  findItem(title: string): MenuItem | undefined {
    return this.items.find((i) => i.title === title);
  }
}

// ---------- MarkdownRenderer ----------

export class MarkdownRenderChild extends Component {
  containerEl: HTMLElement;
  constructor(containerEl: HTMLElement) {
    super();
    this.containerEl = containerEl;
  }
}

function renderInline(parent: HTMLElement, text: string): void {
  const re = /\[\[([^[\]|]+)(?:\|([^[\]]+))?\]\]|\*\*([^*]+)\*\*|`([^`]+)`/g;
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m.index > last) parent.appendText(text.slice(last, m.index));
    if (m[1] !== undefined) parent.createEl('a', { cls: 'internal-link', text: m[2] ?? m[1], attr: { 'data-href': m[1], href: m[1] } });
    else if (m[3] !== undefined) parent.createEl('strong', { text: m[3] });
    else if (m[4] !== undefined) parent.createEl('code', { text: m[4] });
    last = m.index + m[0].length;
  }
  if (last < text.length) parent.appendText(text.slice(last));
}

/** A small renderer: headings, lists (with task checkboxes), fenced code, paragraphs, wikilinks. */
function renderMarkdownInto(markdown: string, el: HTMLElement): void {
  const text = markdown.replace(/^---\r?\n[\s\S]*?\r?\n---[ \t]*(\r?\n|$)/, '');
  const lines = text.split(/\r?\n/);
  let para: string[] = [];
  let list: HTMLElement | null = null;
  const flush = () => {
    if (para.length > 0) renderInline(el.createEl('p'), para.join(' '));
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = /^(`{3,}|~{3,})(.*)$/.exec(line);
    if (fence) {
      flush();
      list = null;
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i]!.startsWith(fence[1]!); i++) body.push(lines[i]!);
      el.createEl('pre').createEl('code', { text: body.join('\n'), cls: fence[2] ? `language-${fence[2].trim()}` : undefined });
      continue;
    }
    const h = /^(#{1,6})\s+(.*)$/.exec(line);
    const li = /^\s*(?:[-*+]|\d+[.)])\s+(?:\[(.)\]\s+)?(.*)$/.exec(line);
    if (h) {
      flush();
      list = null;
      renderInline(el.createEl(`h${h[1]!.length}` as 'h1'), h[2]!);
    } else if (li) {
      flush();
      list ??= el.createEl('ul');
      const item = list.createEl('li');
      if (li[1] !== undefined) {
        item.addClass('task-list-item');
        const box = item.createEl('input', { type: 'checkbox', cls: 'task-list-item-checkbox' });
        box.checked = li[1] !== ' ';
      }
      renderInline(item, li[2]!);
    } else if (line.trim() === '') {
      flush();
      list = null;
    } else {
      list = null;
      para.push(line.trim());
    }
  }
  flush();
}

export abstract class MarkdownRenderer extends MarkdownRenderChild {
  static async render(app: App, markdown: string, el: HTMLElement, sourcePath: string, component: Component): Promise<void> {
    void app;
    void sourcePath;
    void component;
    renderMarkdownInto(markdown, el);
  }
  static async renderMarkdown(markdown: string, el: HTMLElement, sourcePath: string, component: Component): Promise<void> {
    void sourcePath;
    void component;
    renderMarkdownInto(markdown, el);
  }
}

export function sanitizeHTMLToDom(html: string): DocumentFragment {
  const parsed = new DOMParser().parseFromString(html, 'text/html');
  for (const s of Array.from(parsed.body.querySelectorAll('script, iframe, object, embed'))) s.remove();
  const frag = createFragment();
  for (const child of Array.from(parsed.body.childNodes)) frag.appendChild(document.importNode(child, true));
  return frag;
}
